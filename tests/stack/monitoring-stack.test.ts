import { expect } from 'chai';
import { atLeast, pinnedVersion } from '../helpers/image-version';
import { ruleMatches } from '../helpers/traefik-rule';
import { deployLabel, envValue, loadPlatform, networksOf } from '../helpers/stack';

// The monitoring stack: Prometheus, Grafana and the exporters on every node.

// The oldest release that works with what provisioning installs (Docker Engine 29 by default,
// Debian's docker.io 20.10 as the alternative), from upstream, not from our files:
// - cAdvisor v0.49 cannot talk to Engine 29 (google/cadvisor#3749); the containerd image store of
//   new Engine 29 installs is read from v0.54.0 (google/cadvisor#3643); v0.54.1 to v0.56 refuse
//   engines older than 25 (google/cadvisor#3757, #3772), which v0.57.0 accepts again. Its images
//   are on ghcr.io from v0.53.0 (README, google/cadvisor#3740).
const CADVISOR_FLOOR = [0, 57, 0];
const CADVISOR_REPOSITORY = 'ghcr.io/google/cadvisor';
// - The mounts of cAdvisor's README quick start (google/cadvisor#3740), all read-only.
const CADVISOR_MOUNTS = ['/:/rootfs:ro', '/var/run:/var/run:ro', '/sys:/sys:ro', '/var/lib/docker:/var/lib/docker:ro', '/dev/disk:/dev/disk:ro'];

describe('stack files', () => {
  const { service, allServices } = loadPlatform();

  describe('monitoring.yml', () => {
    it('runs node-exporter and cAdvisor on every node', () => {
      expect(service('monitoring.yml', 'node-exporter').deploy?.mode).to.equal('global');
      expect(service('monitoring.yml', 'cadvisor').deploy?.mode).to.equal('global');
    });

    it('pins a cAdvisor from ghcr.io that reads Engine 29 and its containerd image store, with the documented mounts', () => {
      const cadvisor = service('monitoring.yml', 'cadvisor');
      const pinned = pinnedVersion(cadvisor.image ?? '');
      expect(pinned, `${cadvisor.image} pins a full version`).to.not.equal(undefined);
      expect(pinned!.repository).to.equal(CADVISOR_REPOSITORY);
      expect(atLeast(pinned!.version, CADVISOR_FLOOR), `${cadvisor.image} >= v${CADVISOR_FLOOR.join('.')}`).to.equal(true);
      expect(cadvisor.volumes).to.include.members(CADVISOR_MOUNTS);
    });

    it('keeps Prometheus data with retention limits, on a labelled manager', () => {
      const prometheus = service('monitoring.yml', 'prometheus');
      expect(prometheus.command).to.include.members(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=10GB']);
      expect(prometheus.deploy?.placement?.constraints).to.include.members(['node.role == manager', 'node.labels.monitoring == true']);
      expect(prometheus.user).to.match(/^65534:/);
    });

    it('keeps Grafana\'s /metrics off every public route, while Prometheus still scrapes it on the overlay', () => {
      // Grafana serves its metrics at /metrics and /metrics/plugins/:pluginId, without
      // authentication unless [metrics] basic_auth_* is set (grafana.com/docs/grafana/latest/
      // setup-grafana/set-up-grafana-monitoring/; github.com/grafana/grafana/issues/86902).
      const grafana = service('monitoring.yml', 'grafana');
      const host = 'grafana.example.com';
      const routers = allServices().flatMap(({ svc }) =>
        Object.entries(svc.deploy?.labels ?? {}).flatMap(([key, rule]) => {
          const name = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key)?.[1];
          if (!name) return [];
          const target = deployLabel(svc, `traefik.http.routers.${name}.service`) ?? (svc === grafana ? 'grafana' : undefined);
          return target === 'grafana' ? [{ name, rule }] : [];
        }),
      );
      expect(routers.map((router) => router.name)).to.not.deep.equal([]);
      for (const path of ['/metrics', '/metrics/plugins/grafana-piechart-panel']) {
        for (const { name, rule } of routers) expect(ruleMatches(rule, { host, path }), `router ${name} sends ${path}`).to.equal(false);
      }
      for (const path of ['/', '/login', '/d/service/service']) {
        expect(routers.some(({ rule }) => ruleMatches(rule, { host, path })), `${path} is routed`).to.equal(true);
      }
      expect(deployLabel(grafana, 'prometheus.scrape')).to.equal('true');
      expect(networksOf(grafana)).to.include('monitoring');
    });

    it('gives Grafana its admin password from a secret, its dashboards, and a Traefik route', () => {
      const grafana = service('monitoring.yml', 'grafana');
      expect(envValue(grafana, 'GF_SECURITY_ADMIN_PASSWORD__FILE')).to.equal('/run/secrets/grafana_admin_password');
      const targets = (grafana.configs ?? []).map((config) => config.target);
      for (const file of ['service.json', 'swarm.json', 'autoscaler.json']) expect(targets).to.include(`/var/lib/grafana/dashboards/${file}`);
    });
  });
});
