import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { deployLabel, loadPlatform, networksOf, readStackText, secretsOf, STACK_DIR, STACK_FILES } from '../helpers/stack';

// The rules every stack file keeps, read with their defaults, as the quick tier can check them
// without Docker. test:config renders the same files with `docker stack config`.
describe('stack files', () => {
  const { stacks, service, allServices } = loadPlatform();

  describe('the whole platform', () => {
    it('declares Compose file version 3.8, without which Debian\'s docker 20.10 refuses a stack file', () => {
      for (const file of STACK_FILES) expect(readStackText(file), file).to.match(/^version: "3\.8"$/m);
    });

    it('keeps every secret out of the repository: all secrets are external', () => {
      for (const [file, compose] of stacks) {
        for (const [name, secret] of Object.entries(compose.secrets ?? {})) expect(secret, `${file} ${name}`).to.deep.equal({ external: true });
      }
    });

    it('joins the stacks only by external platform networks, each key naming the same network in every file', () => {
      // deploy.sh creates the networks from these blocks, and the checks of a service's networks
      // read them by key: the same key must be the same network wherever it appears.
      const nameOfKey = new Map<string, string>();
      for (const [file, compose] of stacks) {
        for (const [key, network] of Object.entries(compose.networks ?? {})) {
          expect(network.external, `${file} ${key}`).to.equal(true);
          expect(network.name, `${file} ${key}`).to.match(/^platform-[a-z]+$/);
          expect(network.name, `${file} ${key}`).to.equal(nameOfKey.get(key) ?? network.name);
          nameOfKey.set(key, network.name!);
        }
      }
    });

    it('passes secrets as *_FILE paths of secrets the service mounts', () => {
      for (const { file, name, svc } of allServices()) {
        for (const [key, value] of Object.entries(svc.environment ?? {})) {
          if (!key.endsWith('_FILE') && !key.endsWith('__FILE')) continue;
          const secret = /^\/run\/secrets\/(.+)$/.exec(value)?.[1];
          expect(secret, `${file} ${name} ${key}`).to.be.a('string');
          expect(secretsOf(svc), `${file} ${name} ${key}`).to.include(secret);
        }
      }
    });

    it('puts no password or token in an environment value', () => {
      for (const { file, name, svc } of allServices()) {
        for (const [key, value] of Object.entries(svc.environment ?? {})) {
          if (/PASSWORD|TOKEN|SECRET/.test(key)) expect(key, `${file} ${name}: ${key}=${value}`).to.match(/_FILE$/);
        }
      }
    });

    it('publishes ports only on the proxy, in host mode', () => {
      for (const { file, name, svc } of allServices()) {
        if (file === 'proxy.yml') continue;
        expect(svc.ports ?? [], `${file} ${name}`).to.deep.equal([]);
      }
      for (const port of service('proxy.yml', 'traefik').ports ?? []) expect(port).to.include({ mode: 'host' });
    });

    it('mounts the Docker socket only where the API is needed, and only on managers', () => {
      const withSocket = allServices().filter(({ svc }) => (svc.volumes ?? []).some((v) => v.startsWith('/var/run/docker.sock:')));
      expect(withSocket.map(({ file, name }) => `${file} ${name}`).sort()).to.deep.equal(['autoscaler.yml autoscaler', 'monitoring.yml prometheus', 'proxy.yml traefik']);
      for (const { file, name, svc } of withSocket) expect(svc.deploy?.placement?.constraints, `${file} ${name}`).to.include('node.role == manager');
    });

    it('refers only to config files that exist', () => {
      for (const [file, compose] of stacks) {
        for (const [name, config] of Object.entries(compose.configs ?? {})) {
          expect(existsSync(path.join(STACK_DIR, config.file ?? '')), `${file} ${name}: ${config.file}`).to.equal(true);
          expect(config.name, `${file} ${name}`).to.match(/_1$/, 'versioned by CONFIG_VERSION');
        }
      }
    });

    it('labels for scraping only services on the monitoring network, with a numeric port', () => {
      for (const { file, name, svc } of allServices()) {
        if (deployLabel(svc, 'prometheus.scrape') !== 'true') continue;
        expect(deployLabel(svc, 'prometheus.port'), `${file} ${name}`).to.match(/^\d+$/);
        expect(deployLabel(svc, 'prometheus.job'), `${file} ${name}`).to.match(/^[a-z-]+$/);
        expect(networksOf(svc), `${file} ${name}`).to.include('monitoring');
      }
    });

    it('spreads only over node or engine labels, the only descriptors Swarm spreads on', () => {
      // Swarm's scheduler spreads over the values of a node.labels.* or engine.labels.* descriptor
      // and silently ignores any other (node.id, node.hostname): docs.docker.com/reference/cli/docker/
      // service/create/#placement-pref, github.com/moby/swarmkit/blob/master/design/topology.md.
      for (const { file, name, svc } of allServices()) {
        for (const preference of svc.deploy?.placement?.preferences ?? []) {
          expect(preference.spread, `${file} ${name}`).to.match(/^(node|engine)\.labels\.[^.\s]+/);
        }
      }
    });

    it('bounds every service with a memory limit and a restart policy: always for services, never for jobs', () => {
      for (const { file, name, svc } of allServices()) {
        expect(svc.deploy?.resources?.limits?.memory, `${file} ${name}`).to.be.a('string');
        // A job restarted after a failure would retry a migration against a half-known schema.
        const isJob = String(svc.deploy?.mode ?? '').endsWith('-job');
        expect(svc.deploy?.restart_policy?.condition, `${file} ${name}`).to.equal(isJob ? 'none' : 'any');
      }
    });
  });
});
