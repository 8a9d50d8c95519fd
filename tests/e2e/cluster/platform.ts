import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiToken, commitsServed, deployPlatform, fetchInTask, installDbRestore, onNode, pushRelease, replicasOf, runningTasks, runScript, swarm, TESTBED } from '../../helpers/cluster';
import { sleep, until } from '../../helpers/wait';
import { platformQueries, whyEmpty } from '../../helpers/platform-queries';
import { recordPlatformFigures } from '../../helpers/platform-figures';

export interface ClusterContext {
  platformOutput: () => string;
  /** The app images' tag testbed:platform deployed. */
  tag: () => string;
}

const viaProxy = (urlPath: string, init: RequestInit = {}) => fetch(`${TESTBED.proxy}${urlPath}`, { ...init, signal: AbortSignal.timeout(5000) });
const putBirthday = (user: string, dateOfBirth: string) =>
  viaProxy(`/hello/${user}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken()}` }, body: JSON.stringify({ dateOfBirth }) });

interface PromVector { metric: Record<string, string>; value: [number, string] }
async function promQuery(expr: string): Promise<{ status: string; error?: string; data?: { result: PromVector[] } }> {
  const response = await fetch(`${TESTBED.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as { status: string; error?: string; data?: { result: PromVector[] } };
}

/** The whole platform, deployed by testbed:platform, as its users see it. */
export function platformSuite(ctx: ClusterContext): void {
  describe('the whole platform', () => {
    it('answers every contract endpoint through the stand-in proxy', async () => {
      expect(await (await viaProxy('/')).text()).to.equal('Hello World!');
      expect(await (await viaProxy('/hello')).json()).to.deep.equal({ message: 'Hello, World!' });
      expect(await (await viaProxy('/ping')).text()).to.equal('pong');
      expect(await (await viaProxy('/health')).json()).to.deep.equal({ status: 'ok' });
      expect((await viaProxy('/ready')).status).to.equal(200);
      expect((await viaProxy('/openapi.json')).status).to.equal(200);
      expect((await putBirthday('Ada', '1985-12-10')).status).to.equal(204);
      const read = await viaProxy('/hello/Ada');
      expect(read.status).to.equal(200);
      expect(((await read.json()) as { message: string }).message).to.match(/^Hello, Ada!/);
      expect((await viaProxy('/hello/Nobody')).status).to.equal(404);
      expect((await viaProxy('/hello/Ada', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' })).status).to.equal(401);
    });

    it('runs the app\'s tasks on three distinct nodes', () => {
      const nodes = runningTasks('app_api').map((task) => task.node);
      expect(nodes).to.have.length(3);
      expect(new Set(nodes).size).to.equal(3);
    });

    it('reads a user written through one request back on every replica (PostgreSQL of the db stack)', async () => {
      expect((await putBirthday('Grace', '1956-12-09')).status).to.equal(204);
      for (const task of runningTasks('app_api')) {
        const answer = fetchInTask(task, 'http://127.0.0.1:3000/hello/Grace');
        expect(answer.status, task.node).to.equal(200);
        expect(answer.body, task.node).to.match(/Hello, Grace!/);
      }
      expect(swarm('service', 'inspect', 'app_api', '--format', '{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}} {{end}}')).to.include('postgres_password');
    });

    it('carries the deployed commit in app_info on every task', () => {
      // The commit testbed:platform built the images from (git rev-parse HEAD then).
      const commit = readFileSync(path.join(TESTBED.state, 'platform-commit'), 'utf8').trim();
      expect(commit).to.match(/^[0-9a-f]{40}$/);
      for (const task of runningTasks('app_api')) {
        const metrics = fetchInTask(task, 'http://127.0.0.1:9464/metrics').body;
        expect(metrics, task.node).to.match(new RegExp(`^app_info\\{[^}]*commit="${commit}"[^}]*\\} 1$`, 'm'));
      }
      expect(swarm('service', 'inspect', 'app_api', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}')).to.include(`${TESTBED.registry}/swarm-platform-app:${ctx.tag()}@sha256:`);
    });

    it('gives the app the test cluster\'s settings (APP_DB_CONNECT_TIMEOUT_MS as DB_CONNECT_TIMEOUT_MS)', () => {
      const settings = (JSON.parse(readFileSync(path.join(TESTBED.state, 'platform-vars.json'), 'utf8')) as { platform_settings: Record<string, string> }).platform_settings;
      expect(settings.APP_DB_CONNECT_TIMEOUT_MS, 'scripts/testbed/platform.sh sets it').to.match(/^\d+$/);
      const env = swarm('service', 'inspect', 'app_api', '--format', '{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}').split('\n');
      expect(env).to.include(`DB_CONNECT_TIMEOUT_MS=${settings.APP_DB_CONNECT_TIMEOUT_MS}`);
    });

    it('has Prometheus scrape every app task, node-exporter and dockerd on each node, and the autoscaler', async () => {
      const up = await until('every target up', async () => {
        const result = (await promQuery('up')).data?.result ?? [];
        const byJob = (job: string) => result.filter((s) => s.metric.job === job);
        const complete = byJob('app').length === 3 && byJob('node-exporter').length === 3 && byJob('dockerd').length === 3 && byJob('autoscaler').length === 1;
        return complete && result.every((s) => s.value[1] === '1' || !['app', 'node-exporter', 'dockerd', 'autoscaler'].includes(s.metric.job!)) ? result : undefined;
      }, 120_000, 3000);
      const replicas = replicasOf('app_api');
      expect(up.filter((s) => s.metric.job === 'app')).to.have.length(replicas);
      expect(new Set(up.filter((s) => s.metric.job === 'node-exporter').map((s) => s.metric.swarm_node))).to.deep.equal(new Set(TESTBED.nodes));
      expect(new Set(up.filter((s) => s.metric.job === 'dockerd').map((s) => s.metric.swarm_node))).to.deep.equal(new Set(TESTBED.nodes));
    });

    it('evaluates every recording rule, alert rule and dashboard query, each empty one with its reason', async function () {
      this.timeout(5 * 60_000);
      // Traffic first, then the 5m-rate queries need two scrapes of it.
      for (let i = 0; i < 200; i++) await viaProxy(i % 2 ? '/hello' : '/hello/Ada');
      await sleep(35_000);
      const unexplained: string[] = [];
      const explained: string[] = [];
      for (const query of platformQueries()) {
        const result = await promQuery(query.expr);
        expect(result.status, `${query.where}: ${result.error}`).to.equal('success');
        if ((result.data?.result.length ?? 0) > 0) continue;
        const reason = whyEmpty(query);
        if (reason) explained.push(`${query.where}: ${reason}`);
        else unexplained.push(`${query.where}: ${query.expr}`);
      }
      console.log(`      queries that return nothing on the cluster, with their reason:\n${explained.map((l) => `        ${l}`).join('\n')}`);
      expect(unexplained, 'queries that return nothing for no known reason').to.deep.equal([]);
      const dataOf = (dashboard: string) => platformQueries().filter((q) => q.dashboard === dashboard && !whyEmpty(q));
      expect(dataOf('platform-service')).to.have.length.above(0);
      expect(dataOf('platform-autoscaler')).to.have.length.above(0);
    });

    it('fires an alert that reaches Alertmanager when an exporter stops answering, and resolves it', async function () {
      this.timeout(8 * 60_000);
      const exporter = runningTasks('monitoring_node-exporter').find((task) => task.node === 'node3')!;
      onNode('node3', ['docker', 'pause', exporter.container]);
      try {
        await until('TargetDown firing in Alertmanager', async () => {
          const alerts = (await (await fetch(`${TESTBED.alertmanager}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
          return alerts.find((a) => a.labels.alertname === 'TargetDown' && a.labels.job === 'node-exporter') ? true : undefined;
        }, 4 * 60_000, 5000);
      } finally {
        onNode('node3', ['docker', 'unpause', exporter.container]);
      }
      await until('TargetDown resolved', async () => {
        const alerts = (await (await fetch(`${TESTBED.alertmanager}/api/v2/alerts?active=true`)).json()) as { labels: Record<string, string> }[];
        return alerts.some((a) => a.labels.alertname === 'TargetDown') ? undefined : true;
      }, 4 * 60_000, 5000);
    });

    it('backs the database up on the cluster, and db-restore.sh brings back a user deleted since', async function () {
      this.timeout(3 * 60_000);
      const dbNode = installDbRestore();
      expect((await putBirthday('Hopper', '1976-12-09')).status).to.equal(204);
      const taken = onNode(dbNode, ['db-restore', '--backup-now']);
      const name = /[\w.-]+\.dump/.exec(taken)?.[0];
      expect(name, taken).to.be.a('string');
      expect(onNode(dbNode, ['db-restore', '--list'])).to.include(name!);
      expect((await viaProxy('/hello/Hopper', { method: 'DELETE', headers: { authorization: `Bearer ${apiToken()}` } })).status).to.equal(204);
      expect((await viaProxy('/hello/Hopper')).status).to.equal(404);
      onNode(dbNode, ['db-restore', '--yes', name!], 120_000);
      expect((await viaProxy('/hello/Hopper')).status).to.equal(200);
    });

    it('keeps the firewall on every node while tasks on different nodes talk over the overlays', () => {
      for (const node of TESTBED.nodes) expect(onNode(node, ['nft', 'list', 'table', 'inet', 'platform_firewall']), node).to.include('policy drop');
      // The proxy on node1 reached tasks on all three nodes, and Prometheus scraped them: above.
    });

    it('changes nothing when testbed:platform runs again', function () {
      this.timeout(20 * 60_000);
      const again = runScript(['scripts/testbed/platform.sh']);
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.include('testbed: the deploy changed nothing');
      expect(ctx.platformOutput()).to.include('Phase wall times');
    });

    it('migrates in the cluster: a release with a new migration backs the data up, migrates, keeps it, and serves', async function () {
      this.timeout(15 * 60_000);
      const psql = (sql: string) => {
        const db = runningTasks('db_postgres')[0]!;
        return onNode(db.node, ['docker', 'exec', db.container, 'psql', '-U', 'birthdays', '-d', 'birthdays', '-Atc', sql]);
      };
      expect((await putBirthday('Lovelace', '1952-12-10')).status).to.equal(204);
      expect(psql('SELECT max(version) FROM schema_migrations')).to.equal('1');
      const users = Number(psql('SELECT count(*) FROM birthdays'));
      // The app and migrate images of this commit with one more migration; the app only checks.
      pushRelease(ctx.tag(), 'migration', { appEnv: { GIT_COMMIT: 'migration-commit' }, migration: { file: '002_index_updated_at.sql', sql: 'CREATE INDEX birthdays_updated_at ON birthdays (updated_at);\n' } });
      const deploy = deployPlatform('migration', ['app']); // deploy.sh brings the migrate job first
      expect(deploy.status, deploy.output.slice(-2000)).to.equal(0);
      expect(psql('SELECT version FROM schema_migrations ORDER BY version')).to.equal('1\n2');
      expect(psql("SELECT indexname FROM pg_indexes WHERE tablename = 'birthdays' AND indexname = 'birthdays_updated_at'")).to.equal('birthdays_updated_at');
      expect(Number(psql('SELECT count(*) FROM birthdays')), 'rows after migrating').to.equal(users);
      // The migrate job's pg_dump, in the db stack's backup volume, where db-restore.sh lists it.
      const dbNode = installDbRestore();
      expect(onNode(dbNode, ['db-restore', '--list'])).to.match(/pre-migrate-\d{8}T\d{6}Z\.dump/);
      expect((await (await viaProxy('/hello/Lovelace')).json()) as { message: string }).to.have.property('message').that.matches(/^Hello, Lovelace!/);
      expect(commitsServed()).to.deep.equal(['migration-commit', 'migration-commit', 'migration-commit']);
    });

    it('reports phase times, image sizes and idle memory per service', () => {
      const figures = recordPlatformFigures();
      console.log(`      ${JSON.stringify(figures)}`);
      expect(Object.keys(figures.idleMemoryMiB)).to.include.members(['app_api', 'db_postgres', 'monitoring_prometheus', 'autoscaler_autoscaler', 'edge_haproxy']);
    });
  });
}
