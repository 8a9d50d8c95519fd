import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readServiceLabels } from '../../scripts/autoscaler/labels';
import { REPO_ROOT } from '../helpers/processes';
import { labelsProvisioningSetsOnEveryNode } from '../helpers/provisioning';
import { composeDurationMs, deployLabel, envValue, loadPlatform, loadStack, networksOf } from '../helpers/stack';

// The app stack: the birthday service's replicas, updates, shutdown and routing.
describe('stack files', () => {
  const { service } = loadPlatform();

  describe('app.yml', () => {
    const api = service('app.yml', 'api');

    it('runs our image by registry and tag', () => {
      expect(api.image).to.equal('registry.example.com:5000/swarm-platform-app:latest');
      expect(loadStack('app.yml', { REGISTRY: 'r:5000', TAG: 'abc1234' }).services.api!.image).to.equal('r:5000/swarm-platform-app:abc1234');
    });

    it('runs at least 3 replicas spread over failure domains, with no per-node cap', () => {
      const deploy = api.deploy!;
      expect(Number(deploy.replicas)).to.be.at.least(3);
      const spreads = (deploy.placement?.preferences ?? []).map((preference) => preference.spread);
      expect(spreads).to.have.length.at.least(1);
      // The label must be one provisioning puts on every node, or all nodes count as one domain.
      const everyNode = labelsProvisioningSetsOnEveryNode();
      for (const spread of spreads) expect(everyNode.map((name) => `node.labels.${name}`), spread).to.include(spread);
      // A per-node cap cannot know how many nodes are left after a drain: at the autoscaler's
      // maximum, plus a start-first update's extra task, it leaves tasks pending (stack/app.yml says why).
      expect(deploy.placement?.max_replicas_per_node, 'no per-node cap').to.equal(undefined);
    });

    it('updates one task at a time, start-first, rolling back on failure after a long enough monitor', () => {
      const update = api.deploy!.update_config!;
      expect(update).to.include({ parallelism: 1, order: 'start-first', failure_action: 'rollback' });
      const health = api.healthcheck!;
      const needs = composeDurationMs(health.start_period!) + health.retries! * composeDurationMs(health.interval!);
      expect(composeDurationMs(update.monitor as string), 'monitor covers the start period and the retries').to.be.at.least(needs);
      expect(api.deploy!.rollback_config).to.include({ parallelism: 1 });
    });

    it('checks liveness (/health) with node, and outlasts the service shutdown timeout when stopping', () => {
      // Not /ready: that is the proxy's, and failing it would kill tasks in a database outage.
      expect(api.healthcheck!.test.join(' ')).to.match(/^CMD node .*\/health'/);
      expect(composeDurationMs(api.stop_grace_period!)).to.be.greaterThan(Number(envValue(api, 'SHUTDOWN_TIMEOUT_MS')));
      expect(Number(envValue(api, 'SHUTDOWN_DELAY_MS'))).to.be.lessThan(Number(envValue(api, 'SHUTDOWN_TIMEOUT_MS')));
    });

    it('drains longer than Traefik takes to see /ready fail: one health-check interval plus its timeout', () => {
      // Traefik removes a server from the load balancer when a health check fails; until then it
      // keeps sending it requests (doc.traefik.io, services: health check).
      const seen = composeDurationMs(deployLabel(api, 'traefik.http.services.app.loadbalancer.healthcheck.interval')!)
        + composeDurationMs(deployLabel(api, 'traefik.http.services.app.loadbalancer.healthcheck.timeout')!);
      expect(Number(envValue(api, 'SHUTDOWN_DELAY_MS'))).to.be.greaterThan(seen);
    });

    it('replaces the next old task no sooner than Traefik\'s Swarm provider polls for the new one', () => {
      // The Swarm provider polls the Docker API every refreshSeconds, 15 s unless set
      // (traefik pkg/provider/docker/pswarm.go SetDefaults; traefik/traefik#4105): a new task is
      // unknown to Traefik until then, so the update's delay must not be shorter.
      const TRAEFIK_SWARM_REFRESH_DEFAULT = '15s';
      const flag = (service('proxy.yml', 'traefik').command ?? []).find((arg) => arg.startsWith('--providers.swarm.refreshSeconds='));
      const refreshMs = composeDurationMs(flag?.split('=')[1] ?? TRAEFIK_SWARM_REFRESH_DEFAULT);
      expect(composeDurationMs(api.deploy!.update_config!.delay as string)).to.be.at.least(refreshMs);
    });

    it('has the image check liveness (/health) too, as the stack does', () => {
      // The Dockerfile's HEALTHCHECK applies wherever the image runs without the stack's.
      const dockerfile = readFileSync(path.join(REPO_ROOT, 'stack/Dockerfile'), 'utf8');
      const appStage = dockerfile.split(/^FROM /m).find((stage) => / AS app\s*$/m.test(stage.split('\n')[0]!))!;
      const check = /^HEALTHCHECK (?:[^\n]*\\\n)*[^\n]*/m.exec(appStage)?.[0] ?? '';
      expect(check).to.match(/\/health'/);
      expect(check).to.not.include('/ready');
    });

    it('reserves and limits CPU and memory', () => {
      const resources = api.deploy!.resources!;
      expect(resources.limits).to.have.keys('cpus', 'memory');
      expect(resources.reservations).to.have.keys('cpus', 'memory');
      expect(Number(resources.reservations!.cpus)).to.be.below(Number(resources.limits!.cpus));
    });

    it('reaches PostgreSQL by its Swarm name with the password from a secret, on a read-only root', () => {
      expect(envValue(api, 'DATABASE_URL')).to.equal('postgres://birthdays@db_postgres:5432/birthdays');
      expect(envValue(api, 'DATABASE_PASSWORD_FILE')).to.equal('/run/secrets/postgres_password');
      expect(api.read_only).to.equal(true);
      expect(networksOf(api)).to.include.members(['public', 'monitoring', 'database']);
    });

    it('routes through Traefik to the port the service listens on, checking /ready', () => {
      expect(deployLabel(api, 'traefik.http.services.app.loadbalancer.server.port')).to.equal(envValue(api, 'PORT'));
      expect(deployLabel(api, 'traefik.http.services.app.loadbalancer.healthcheck.path')).to.equal('/ready');
      expect(deployLabel(api, 'traefik.http.routers.app.rule')).to.equal('Host(`app.example.com`)');
      expect(deployLabel(api, 'traefik.http.routers.app.entrypoints')).to.equal('websecure');
      expect(deployLabel(api, 'prometheus.port')).to.equal(envValue(api, 'METRICS_PORT'));
    });

    it('carries autoscaler labels the autoscaler accepts', () => {
      const reading = readServiceLabels(api.deploy!.labels!);
      expect(reading).to.deep.include({ managed: true });
      expect(reading).to.have.property('policy');
    });
  });
});
