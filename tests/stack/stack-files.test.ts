import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  composeDurationMs,
  exampleEnv,
  interpolate,
  loadStack,
  networksOf,
  readStackText,
  secretsOf,
  STACK_DIR,
  STACK_FILES,
  variablesIn,
  type ComposeFile,
  type ComposeService,
} from '../helpers/stack';

// The structure of the Swarm stack files, read with their defaults, as the quick tier can check it
// without Docker. test:config renders the same files with `docker stack config`.
describe('stack files', () => {
  const stacks = new Map<string, ComposeFile>(STACK_FILES.map((file) => [file, loadStack(file)]));
  const stack = (file: string) => stacks.get(file)!;
  const service = (file: string, name: string): ComposeService => {
    const found = stack(file).services[name];
    if (!found) throw new Error(`${file} has no service ${name}`);
    return found;
  };
  const allServices = () => [...stacks].flatMap(([file, compose]) => Object.entries(compose.services).map(([name, svc]) => ({ file, name, svc })));
  const env = (svc: ComposeService, key: string) => (svc.environment?.[key] === undefined ? undefined : String(svc.environment[key]));
  const label = (svc: ComposeService, key: string) => svc.deploy?.labels?.[key];

  describe('settings', () => {
    const files = [...STACK_FILES, 'compose.yaml'];

    it('gives every variable a default, and documents it with that default in .env.example', () => {
      const example = exampleEnv();
      const problems: string[] = [];
      for (const file of files) {
        for (const use of variablesIn(readStackText(file))) {
          if (use.fallback === undefined) problems.push(`${file}: \${${use.name}} has no default`);
          else if (!example.has(use.name)) problems.push(`${file}: ${use.name} is not in .env.example`);
          else if (example.get(use.name) !== use.fallback) problems.push(`${file}: ${use.name} defaults to '${use.fallback}' but .env.example says '${example.get(use.name)}'`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it('lists in .env.example only variables some stack file reads', () => {
      const used = new Set(files.flatMap((file) => variablesIn(readStackText(file)).map((use) => use.name)));
      expect([...exampleEnv().keys()].filter((name) => !used.has(name))).to.deep.equal([]);
    });

    it('interpolates like Compose: defaults for unset or empty, $$ for a dollar', () => {
      expect(interpolate('${A:-x} ${B:-y} ${C-z} ${D-w} $$1 ${E}', { A: 'a', B: '', D: '' })).to.equal('a y z  $1 ');
    });
  });

  describe('the whole platform', () => {
    it('declares Compose file version 3.8, without which Debian\'s docker 20.10 refuses a stack file', () => {
      for (const file of STACK_FILES) expect(readStackText(file), file).to.match(/^version: "3\.8"$/m);
    });

    it('keeps every secret out of the repository: all secrets are external', () => {
      for (const [file, compose] of stacks) {
        for (const [name, secret] of Object.entries(compose.secrets ?? {})) expect(secret, `${file} ${name}`).to.deep.equal({ external: true });
      }
    });

    it('joins the stacks by the three external overlay networks only', () => {
      for (const [file, compose] of stacks) {
        for (const [key, network] of Object.entries(compose.networks ?? {})) {
          expect(network.external, `${file} ${key}`).to.equal(true);
          expect(['platform-public', 'platform-monitoring', 'platform-db'], `${file} ${key}`).to.include(network.name);
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
        if (label(svc, 'prometheus.scrape') !== 'true') continue;
        expect(label(svc, 'prometheus.port'), `${file} ${name}`).to.match(/^\d+$/);
        expect(label(svc, 'prometheus.job'), `${file} ${name}`).to.match(/^[a-z-]+$/);
        expect(networksOf(svc), `${file} ${name}`).to.include('monitoring');
      }
    });

    it('bounds every service with a memory limit and a restart policy', () => {
      for (const { file, name, svc } of allServices()) {
        expect(svc.deploy?.resources?.limits?.memory, `${file} ${name}`).to.be.a('string');
        expect(svc.deploy?.restart_policy?.condition, `${file} ${name}`).to.equal('any');
      }
    });
  });

  describe('app.yml', () => {
    const api = service('app.yml', 'api');

    it('runs our image by registry and tag', () => {
      expect(api.image).to.equal('registry.example.com:5000/swarm-platform-app:latest');
      expect(loadStack('app.yml', { REGISTRY: 'r:5000', TAG: 'abc1234' }).services.api!.image).to.equal('r:5000/swarm-platform-app:abc1234');
    });

    it('runs at least 3 replicas spread over nodes, leaving room per node for a start-first update', () => {
      const deploy = api.deploy!;
      expect(Number(deploy.replicas)).to.be.at.least(3);
      expect(deploy.placement?.preferences).to.deep.include({ spread: 'node.id' });
      const perNode = Number(deploy.placement?.max_replicas_per_node);
      const max = Number(label(api, 'autoscaler.max'));
      expect(perNode, 'max_replicas_per_node fits autoscaler.max on 3 nodes plus one updating task').to.be.at.least(Math.ceil(max / 3) + 1);
    });

    it('updates one task at a time, start-first, rolling back on failure after a long enough monitor', () => {
      const update = api.deploy!.update_config!;
      expect(update).to.include({ parallelism: 1, order: 'start-first', failure_action: 'rollback' });
      const health = api.healthcheck!;
      const needs = composeDurationMs(health.start_period!) + health.retries! * composeDurationMs(health.interval!);
      expect(composeDurationMs(update.monitor as string), 'monitor covers the start period and the retries').to.be.at.least(needs);
      expect(api.deploy!.rollback_config).to.include({ parallelism: 1 });
    });

    it('checks /ready with node, and outlasts the service shutdown timeout when stopping', () => {
      expect(api.healthcheck!.test.join(' ')).to.match(/^CMD node .*\/ready/);
      expect(composeDurationMs(api.stop_grace_period!)).to.be.greaterThan(Number(env(api, 'SHUTDOWN_TIMEOUT_MS')));
      expect(Number(env(api, 'SHUTDOWN_DELAY_MS'))).to.be.lessThan(Number(env(api, 'SHUTDOWN_TIMEOUT_MS')));
    });

    it('reserves and limits CPU and memory', () => {
      const resources = api.deploy!.resources!;
      expect(resources.limits).to.have.keys('cpus', 'memory');
      expect(resources.reservations).to.have.keys('cpus', 'memory');
      expect(Number(resources.reservations!.cpus)).to.be.below(Number(resources.limits!.cpus));
    });

    it('reaches PostgreSQL by its Swarm name with the password from a secret, on a read-only root', () => {
      expect(env(api, 'DATABASE_URL')).to.equal('postgres://birthdays@db_postgres:5432/birthdays');
      expect(env(api, 'DATABASE_PASSWORD_FILE')).to.equal('/run/secrets/postgres_password');
      expect(api.read_only).to.equal(true);
      expect(networksOf(api)).to.include.members(['public', 'monitoring', 'database']);
    });

    it('routes through Traefik to the port the service listens on, checking /ready', () => {
      expect(label(api, 'traefik.http.services.app.loadbalancer.server.port')).to.equal(env(api, 'PORT'));
      expect(label(api, 'traefik.http.services.app.loadbalancer.healthcheck.path')).to.equal('/ready');
      expect(label(api, 'traefik.http.routers.app.rule')).to.equal('Host(`app.example.com`)');
      expect(label(api, 'traefik.http.routers.app.entrypoints')).to.equal('websecure');
      expect(label(api, 'prometheus.port')).to.equal(env(api, 'METRICS_PORT'));
    });

    it('carries autoscaler labels the autoscaler accepts', async () => {
      const { readServiceLabels } = await import('../../scripts/autoscaler/labels');
      const reading = readServiceLabels(api.deploy!.labels!);
      expect(reading).to.deep.include({ managed: true });
      expect(reading).to.have.property('policy');
    });
  });

  describe('proxy.yml', () => {
    const traefik = service('proxy.yml', 'traefik');
    const args = traefik.command ?? [];

    it('uses the v3 Swarm provider, exposing only labelled services', () => {
      expect(args).to.include('--providers.swarm.exposedByDefault=false');
      expect(args).to.include('--providers.swarm.network=platform-public');
      expect(args.some((arg) => arg.startsWith('--providers.docker'))).to.equal(false);
      expect(traefik.image).to.match(/^traefik:v3\./);
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
      expect(label(traefik, 'traefik.http.routers.dashboard.service')).to.equal('api@internal');
      expect(label(traefik, 'traefik.http.routers.dashboard.middlewares')).to.equal('dashboard-auth');
      const usersFile = label(traefik, 'traefik.http.middlewares.dashboard-auth.basicauth.usersfile');
      expect(usersFile).to.equal(`/run/secrets/${secretsOf(traefik)[0]}`);
    });

    it('logs access as JSON and serves metrics and ping on an unpublished entry point', () => {
      expect(args).to.include.members(['--accessLog=true', '--accessLog.format=json', '--metrics.prometheus=true', '--ping=true', '--ping.entryPoint=metrics']);
      expect(label(traefik, 'prometheus.port')).to.equal('8082');
      expect(args).to.include('--entryPoints.metrics.address=:8082');
    });
  });

  describe('monitoring.yml', () => {
    it('runs node-exporter and cAdvisor on every node', () => {
      expect(service('monitoring.yml', 'node-exporter').deploy?.mode).to.equal('global');
      expect(service('monitoring.yml', 'cadvisor').deploy?.mode).to.equal('global');
    });

    it('keeps Prometheus data with retention limits, on a labelled manager', () => {
      const prometheus = service('monitoring.yml', 'prometheus');
      expect(prometheus.command).to.include.members(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=10GB']);
      expect(prometheus.deploy?.placement?.constraints).to.include.members(['node.role == manager', 'node.labels.monitoring == true']);
      expect(prometheus.user).to.match(/^65534:/);
    });

    it('gives Grafana its admin password from a secret, its dashboards, and a Traefik route', () => {
      const grafana = service('monitoring.yml', 'grafana');
      expect(env(grafana, 'GF_SECURITY_ADMIN_PASSWORD__FILE')).to.equal('/run/secrets/grafana_admin_password');
      const targets = (grafana.configs ?? []).map((config) => config.target);
      for (const file of ['service.json', 'swarm.json', 'autoscaler.json']) expect(targets).to.include(`/var/lib/grafana/dashboards/${file}`);
      expect(label(grafana, 'traefik.http.routers.grafana.rule')).to.equal('Host(`grafana.example.com`)');
    });
  });

  describe('db.yml', () => {
    const postgres = service('db.yml', 'postgres');
    const backup = service('db.yml', 'backup');

    it('runs PostgreSQL on the labelled node with its volume, secret, health check and DNS round robin', () => {
      expect(postgres.deploy?.endpoint_mode).to.equal('dnsrr');
      expect(postgres.deploy?.placement?.constraints).to.include('node.labels.db == true');
      expect(postgres.volumes).to.include('pgdata:/var/lib/postgresql/data');
      expect(env(postgres, 'POSTGRES_PASSWORD_FILE')).to.equal('/run/secrets/postgres_password');
      expect(postgres.healthcheck!.test.join(' ')).to.include('pg_isready');
      expect(postgres.deploy?.update_config).to.include({ order: 'stop-first' });
    });

    it('backs up on a schedule with retention, as an unprivileged user, beside the data', () => {
      expect(backup.entrypoint).to.deep.equal(['/usr/local/bin/db-backup']);
      expect(backup.command).to.deep.equal(['schedule']);
      expect(backup.user).to.equal('postgres');
      expect(env(backup, 'BACKUP_INTERVAL_SECONDS')).to.equal('21600');
      expect(env(backup, 'BACKUP_RETENTION_DAYS')).to.equal('7');
      expect(env(backup, 'PGHOST')).to.equal('db_postgres');
      expect(backup.deploy?.placement?.constraints).to.include('node.labels.db == true');
      expect(readFileSync(path.join(STACK_DIR, 'db/backup.sh'), 'utf8')).to.match(/^#!\/usr\/bin\/env bash/);
    });
  });

  describe('autoscaler.yml', () => {
    it('runs one autoscaler on a manager, unprivileged, reading Prometheus by its Swarm name', () => {
      const autoscaler = service('autoscaler.yml', 'autoscaler');
      expect(autoscaler.deploy?.replicas).to.equal(1);
      expect(autoscaler.deploy?.update_config).to.include({ order: 'stop-first' });
      expect(autoscaler.user).to.match(/^1000:/);
      expect(env(autoscaler, 'PROMETHEUS_URL')).to.equal('http://monitoring_prometheus:9090');
      expect(autoscaler.image).to.equal('registry.example.com:5000/swarm-platform-autoscaler:latest');
    });
  });

  describe('compose.yaml', () => {
    const compose = loadStack('compose.yaml');

    it('binds every published port to 127.0.0.1', () => {
      for (const [name, svc] of Object.entries(compose.services)) {
        for (const port of svc.ports ?? []) expect(port, name).to.match(/^127\.0\.0\.1:/);
      }
    });

    it('runs the service on SQLite with Prometheus and the same Grafana dashboards', () => {
      expect(compose.services.app!.environment).to.not.have.property('DATABASE_URL');
      expect(compose.services.grafana!.volumes).to.include('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
      expect(compose.services.prometheus!.volumes).to.include('./prometheus/rules:/etc/prometheus/rules:ro');
    });
  });
});
