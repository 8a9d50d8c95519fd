import { expect } from 'chai';
import { atLeast, pinnedVersion } from '../helpers/image-version';
import { deployLabel, loadPlatform, secretsOf } from '../helpers/stack';

// The proxy stack: Traefik, its Swarm provider, certificates and dashboard.

// The oldest release that works with what provisioning installs (Docker Engine 29 by default,
// Debian's docker.io 20.10 as the alternative), from upstream, not from our files:
// - Traefik before v3.6.1 fixes the Docker API at 1.24 in its Swarm provider, which Engine 29
//   (minimum API 1.44) refuses: traefik/traefik#12253, fixed by #12256 in v3.6.1. The
//   traefik.swarm.* labels are read from v3.3 on.
const TRAEFIK_FLOOR = [3, 6, 1];

describe('stack files', () => {
  const { stacks, service } = loadPlatform();
  const proxy = stacks.get('proxy.yml')!;

  describe('proxy.yml', () => {
    const traefik = service('proxy.yml', 'traefik');
    const args = traefik.command ?? [];

    it('uses the v3 Swarm provider, exposing only labelled services', () => {
      expect(args).to.include('--providers.swarm.exposedByDefault=false');
      expect(args).to.include(`--providers.swarm.network=${proxy.networks?.public?.name}`);
      expect(args.some((arg) => arg.startsWith('--providers.docker'))).to.equal(false);
    });

    it('pins a full Traefik version no older than the first that negotiates the Docker API', () => {
      const pinned = pinnedVersion(traefik.image ?? '');
      expect(pinned, `${traefik.image} pins a full version`).to.not.equal(undefined);
      expect(pinned!.repository).to.equal('traefik');
      expect(atLeast(pinned!.version, TRAEFIK_FLOOR), `${traefik.image} >= v${TRAEFIK_FLOOR.join('.')}`).to.equal(true);
    });

    it('publishes 80 and 443, redirecting HTTP to HTTPS', () => {
      expect((traefik.ports ?? []).map((p) => (typeof p === 'string' ? p : p.published))).to.deep.equal([80, 443]);
      expect(args).to.include('--entryPoints.web.http.redirections.entryPoint.to=websecure');
      expect(args).to.include('--entryPoints.web.http.redirections.entryPoint.scheme=https');
    });

    it('keeps ACME certificates on a volume of the labelled node', () => {
      expect(args).to.include('--certificatesResolvers.letsencrypt.acme.storage=/letsencrypt/acme.json');
      expect(traefik.volumes).to.include('letsencrypt:/letsencrypt');
      expect(traefik.deploy?.placement?.constraints).to.include('node.labels.traefik == true');
    });

    it('guards the dashboard with basic auth users from a secret', () => {
      expect(deployLabel(traefik, 'traefik.http.routers.dashboard.service')).to.equal('api@internal');
      expect(deployLabel(traefik, 'traefik.http.routers.dashboard.middlewares')).to.equal('dashboard-auth');
      const usersFile = deployLabel(traefik, 'traefik.http.middlewares.dashboard-auth.basicauth.usersfile');
      expect(usersFile).to.equal(`/run/secrets/${secretsOf(traefik)[0]}`);
    });

    it('logs access as JSON and serves metrics and ping on an unpublished entry point', () => {
      expect(args).to.include.members(['--accessLog=true', '--accessLog.format=json', '--metrics.prometheus=true', '--ping=true', '--ping.entryPoint=metrics']);
      expect(deployLabel(traefik, 'prometheus.port')).to.equal('8082');
      expect(args).to.include('--entryPoints.metrics.address=:8082');
    });
  });
});
