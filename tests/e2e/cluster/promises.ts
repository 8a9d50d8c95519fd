import { expect } from 'chai';
import { apiToken, commitsServed, onNode, playbook, replicasOf, runningTasks, swarm, tasksFailedSince, TESTBED } from '../../helpers/cluster';
import { docker } from '../../helpers/docker';
import { startLoad, type LoadReport } from '../../helpers/load';
import { writePlatformFigures } from '../../helpers/platform-figures';
import { sleep, until } from '../../helpers/wait';
import { addLineAfter, registryTags, stagingPipeline, type StagingPipeline } from './pipeline';

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const load = (rate: number, maxMs: number, acceptDataStatuses?: number[]) =>
  startLoad({ baseUrl: TESTBED.proxy, token: apiToken(), rate, workers: 24, maxRequests: rate * (maxMs / 1000) * 1.2, maxMs, acceptDataStatuses });
const summary = (r: LoadReport) => ({ requests: r.requests, failed: r.failures.length, ratePerSecond: Math.round(r.requests / ((r.endedAt - r.startedAt) / 1000)), latencyMs: r.latencyMs });
const failuresOf = (r: LoadReport) => r.failures.slice(0, 5).map((f) => f.what);
/** Users whose acknowledged PUT cannot be read back through the proxy. */
async function lostWrites(acknowledged: [string, string][]): Promise<string[]> {
  const lost: string[] = [];
  const queue = acknowledged.map(([user]) => user);
  const reader = async () => {
    for (let user = queue.pop(); user !== undefined; user = queue.pop()) {
      const answer = await fetch(`${TESTBED.proxy}/hello/${user}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      if (answer?.status !== 200 || !(await answer.text()).includes(`Hello, ${user}!`)) lost.push(user);
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  return lost.sort();
}
const appTasksFailedSince = (sinceMs: number) => tasksFailedSince('app_api', sinceMs);
/** What went wrong in an app update since `sinceMs`: Swarm's update message and the tasks that failed, with Swarm's errors. */
const updateStory = (sinceMs: number) => {
  const message = swarm('service', 'inspect', 'app_api', '--format', '{{if .UpdateStatus}}{{.UpdateStatus.Message}}{{end}}');
  return `update: ${message || 'no message'}; app tasks failed since: ${appTasksFailedSince(sinceMs).join('; ') || 'none'}`;
};
/**
 * The app's running tasks once Swarm has `replicas` of them running, bounded in time. A task that
 * failed after its own update monitor (on these 2 cores most likely a liveness probe past its
 * timeout) is being replaced when the update or the drain ends; the wait lets Swarm finish that.
 */
async function appTasksOnceRunning(replicas: number, sinceMs: number) {
  return until(`${replicas} app tasks running`, async () => {
    const tasks = runningTasks('app_api');
    return tasks.length === replicas ? tasks : undefined;
  }, 2 * 60_000, 2000).catch((error: Error) => {
    throw new Error(`${error.message}; ${updateStory(sinceMs)}`);
  });
}
/** Seconds the app service's last update ran, from Swarm's own UpdateStatus. */
const appUpdateSeconds = () => {
  const [started, completed] = swarm('service', 'inspect', 'app_api', '--format', '{{.UpdateStatus.StartedAt.Unix}} {{.UpdateStatus.CompletedAt.Unix}}').split(' ').map(Number);
  return completed! - started!;
};

/** What operators pick a platform for, measured with load through the stand-in proxy. */
export function promisesSuite(): void {
  describe('the promises, under load through the proxy', () => {
    const figures: Record<string, unknown> = {};
    after(() => writePlatformFigures('promises', figures));

    // Releases go through the Drone pipeline's own steps: build and push a new commit's images,
    // then the deploy-staging step (scripts/deploy.sh over ssh, the one deploy path) under load.
    let pipeline: StagingPipeline;
    before(function () {
      this.timeout(5 * 60_000);
      pipeline = stagingPipeline();
    });
    after(() => pipeline?.remove());
    const buildRelease = async (message: string, change?: (workspace: string) => void) => {
      const sha = pipeline.commit(message, change);
      const images = pipeline.run('images', ['sbom', 'build', 'push']);
      for (const run of images) expect(run.status, `images/${run.step}:\n${run.output.slice(-3000)}`).to.equal(0);
      expect(images[0]!.output, 'the SBOM in the step log').to.match(/"bomFormat": ?"CycloneDX"/);
      for (const name of ['app', 'migrate', 'autoscaler']) expect(await registryTags(name), name).to.include(sha.slice(0, 8));
      return sha;
    };

    it('rolling update: a new commit through the pipeline, 0 failed requests at 100+ req/s of mixed traffic; every task ends on it; smoke test passes', async function () {
      this.timeout(15 * 60_000);
      const sha = await buildRelease('pipeline e2e: a release');
      const traffic = load(120, 10 * 60_000);
      await sleep(3000);
      const [deploy] = pipeline.run('deploy-staging', ['deploy']);
      await sleep(3000);
      const report = await traffic.stop();
      expect(deploy!.status, deploy!.output.slice(-3000)).to.equal(0);
      expect(deploy!.output).to.match(/ssh-setup: .* with its pinned host key/);
      expect(deploy!.output).to.include('deploy: app converged');
      const [smoke] = pipeline.run('deploy-staging', ['smoke']);
      expect(smoke!.status, smoke!.output.slice(-2000)).to.equal(0);
      figures.rollingUpdate = { ...summary(report), deploySeconds: deploy!.seconds, appUpdateSeconds: appUpdateSeconds() };
      console.log(`      rolling update: ${JSON.stringify(figures.rollingUpdate)}`);
      expect(summary(report).ratePerSecond).to.be.at.least(100);
      expect(failuresOf(report)).to.deep.equal([]);
      expect(await lostWrites(report.acknowledged), 'acknowledged writes lost').to.deep.equal([]);
      expect(swarm('service', 'inspect', 'app_api', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}')).to.include(`swarm-platform-app:${sha.slice(0, 8)}@sha256:`);
      expect(commitsServed()).to.deep.equal([sha, sha, sha]);
    });

    it('failed deploy: Swarm rolls a commit that never gets ready back by itself, 0 failed requests, and the pipeline\'s deploy step fails naming it', async function () {
      this.timeout(15 * 60_000);
      const previous = commitsServed()[0]!;
      // A real bad release that runs but never gets ready: it listens on an address where
      // neither its health check nor the proxy looks.
      await buildRelease('pipeline e2e: a release that listens on the wrong address', addLineAfter('stack/Dockerfile', /^ENV SQLITE_PATH=.*$/m, 'ENV HOST=127.0.0.2'));
      const traffic = load(120, 10 * 60_000);
      const [deploy] = pipeline.run('deploy-staging', ['deploy']);
      const report = await traffic.stop();
      expect(deploy!.status, deploy!.output.slice(-3000)).to.not.equal(0);
      expect(deploy!.output).to.match(/deploy: app_api: Swarm rolled the update back/);
      figures.failedDeploy = { ...summary(report), secondsToDeployStepFailed: deploy!.seconds };
      console.log(`      failed deploy: ${JSON.stringify(figures.failedDeploy)}`);
      expect(failuresOf(report)).to.deep.equal([]);
      expect(await lostWrites(report.acknowledged), 'acknowledged writes lost').to.deep.equal([]);
      expect(commitsServed()).to.deep.equal([previous, previous, previous]);
    });

    it('database outage: app tasks keep running, data routes 503 with Retry-After, probes 200; then back with nothing lost', async function () {
      this.timeout(10 * 60_000);
      const tasksBefore = runningTasks('app_api').map((t) => t.id).sort();
      const traffic = load(60, 5 * 60_000, [503]);
      await sleep(5000);
      const acknowledgedBefore = (await traffic.snapshot()).acknowledged;
      swarm('service', 'scale', '--detach', 'db_postgres=0');
      const stoppedAt = Date.now();
      const unavailable = await until('data routes answering 503', async () => {
        const answer = await fetch(`${TESTBED.proxy}/hello/Ada`, { signal: AbortSignal.timeout(5000) });
        return answer.status === 503 ? answer : undefined;
      }, 120_000, 1000);
      expect(unavailable.headers.get('retry-after')).to.match(/^\d+$/);
      expect((await fetch(`${TESTBED.proxy}/ping`)).status).to.equal(200);
      expect((await fetch(`${TESTBED.proxy}/health`)).status).to.equal(200);
      await sleep(20_000); // longer than three failed health checks would take to kill a task
      swarm('service', 'scale', '--detach', 'db_postgres=1');
      const startedAt = Date.now();
      await until('data routes back', async () => ((await fetch(`${TESTBED.proxy}/hello/Ada`)).status === 200 ? true : undefined), 180_000, 1000);
      const recoveredAt = Date.now();
      const report = await traffic.stop();
      expect(failuresOf(report)).to.deep.equal([]);
      expect(report.accepted, 'data routes answered 503 during the outage').to.be.above(0);
      expect(runningTasks('app_api').map((t) => t.id).sort(), 'no app task restarted').to.deep.equal(tasksBefore);
      expect(acknowledgedBefore.length, 'writes acknowledged before the outage').to.be.above(0);
      expect(await lostWrites(report.acknowledged), 'acknowledged writes (before, during and after the outage) that cannot be read back').to.deep.equal([]);
      figures.databaseOutage = { ...summary(report), answered503: report.accepted, outageSeconds: seconds(startedAt - stoppedAt), secondsToRecoverAfterRestart: seconds(recoveredAt - startedAt), acknowledgedWritesBefore: acknowledgedBefore.length, acknowledgedWritesChecked: report.acknowledged.length };
      console.log(`      database outage: ${JSON.stringify(figures.databaseOutage)}`);
    });

    describe('with the app at its autoscaler maximum', () => {
      let max = 0;
      // Scaling waits for every task to run: nine starts on this machine take over a minute.
      const scaleApp = (replicas: number) => onNode('node1', ['docker', 'service', 'scale', `app_api=${replicas}`], 5 * 60_000);
      const notRunning = () => swarm('service', 'ps', 'app_api', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}').split('\n').filter((state) => !state.startsWith('Running'));
      before(function () {
        this.timeout(6 * 60_000);
        max = Number(swarm('service', 'inspect', 'app_api', '--format', '{{index .Spec.Labels "autoscaler.max"}}'));
        swarm('service', 'scale', '--detach', 'autoscaler_autoscaler=0'); // it would scale the idle app back down
        scaleApp(max);
      });
      after(function () {
        this.timeout(6 * 60_000);
        try {
          swarm('node', 'update', '--availability', 'active', 'node3');
          scaleApp(3);
        } finally {
          swarm('service', 'scale', '--detach', 'autoscaler_autoscaler=1');
        }
      });

      it('drain: maintenance.yml on a node under load leaves nothing pending and fails nothing; the node is back active', async function () {
        this.timeout(15 * 60_000);
        // 60 req/s: the node's apt upgrade shares this machine's two cores with the other nodes,
        // and at 100 req/s new database connections outlasted the 3 s default connect timeout
        // (a test-machine limit; the cluster now sets 8 s, docs/testbed.md).
        const traffic = load(60, 10 * 60_000);
        const started = Date.now();
        const run = playbook('maintenance.yml', ['--limit', 'node3', '-e', 'maintenance_reboot=false']);
        const maintenanceSeconds = seconds(Date.now() - started);
        const report = await traffic.stop();
        expect(run.status, run.stdout.slice(-2000)).to.equal(0);
        await appTasksOnceRunning(max, started);
        expect(notRunning(), 'tasks not running').to.deep.equal([]);
        expect(swarm('node', 'inspect', 'node3', '--format', '{{.Spec.Availability}}')).to.equal('active');
        const failedTasks = appTasksFailedSince(started);
        if (failedTasks.length > 0) console.log(`      app tasks that failed in the drain and were replaced: ${failedTasks.join('; ')}`);
        figures.drainAtMaximum = { ...summary(report), replicas: max, maintenanceSeconds, tasksFailedAndReplaced: failedTasks.length };
        console.log(`      drain at ${max} replicas: ${JSON.stringify(figures.drainAtMaximum)}`);
        expect(failuresOf(report)).to.deep.equal([]);
        expect(await lostWrites(report.acknowledged), 'acknowledged writes lost').to.deep.equal([]);
      });

      it('update with a node drained: the app rolls onto a new spec on the nodes left, nothing pending, nothing failed', async function () {
        this.timeout(15 * 60_000);
        swarm('node', 'update', '--availability', 'drain', 'node3');
        await until('no app task on the drained node', async () => (runningTasks('app_api').some((t) => t.node === 'node3') ? undefined : true), 3 * 60_000, 2000);
        // 60 req/s as in the drain: the maximum's tasks and the new one share this machine's two
        // cores on two nodes, and at 100 req/s one CI run saw Swarm roll the update back.
        const traffic = load(60, 10 * 60_000);
        const started = Date.now();
        // start-first: each step needs room for one task more than the maximum on two nodes.
        onNode('node1', ['docker', 'service', 'update', '--quiet', '--force', 'app_api'], 10 * 60_000);
        // The client returns once every task runs; Swarm completes the update after its monitor.
        const state = await until('the update to end', async () => {
          const now = swarm('service', 'inspect', 'app_api', '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}');
          return now === 'updating' ? undefined : now;
        }, 3 * 60_000, 2000);
        const updateSeconds = seconds(Date.now() - started);
        const report = await traffic.stop();
        if (state !== 'completed') expect.fail(`the update ended ${state}; ${updateStory(started)}`);
        const tasks = await appTasksOnceRunning(max, started);
        expect(tasks.filter((t) => t.node === 'node3'), 'tasks on the drained node').to.deep.equal([]);
        expect(notRunning(), 'tasks pending').to.deep.equal([]);
        const failedTasks = appTasksFailedSince(started);
        if (failedTasks.length > 0) console.log(`      app tasks that failed in the update and were replaced: ${failedTasks.join('; ')}`);
        figures.updateWhileDrained = { ...summary(report), replicas: max, updateSeconds, tasksFailedAndReplaced: failedTasks.length };
        console.log(`      update at ${max} replicas with node3 drained: ${JSON.stringify(figures.updateWhileDrained)}`);
        expect(failuresOf(report)).to.deep.equal([]);
        expect(await lostWrites(report.acknowledged), 'acknowledged writes lost').to.deep.equal([]);
      });
    });

    it('node loss: the replicas run again on the other nodes, failures only inside the detection window; the node rejoins', async function () {
      this.timeout(20 * 60_000);
      const lost = 'node3';
      // The lost node must run an app task. Swarm does not move tasks back by itself: a start-first
      // rollback (the failed deploy) can leave two on one node and none on node3, and in one CI
      // run a forced update still placed none there. Spread them again, at most three times.
      let spreadUpdates = 0;
      while (!runningTasks('app_api').some((t) => t.node === lost) && spreadUpdates < 3) {
        onNode('node1', ['docker', 'service', 'update', '--quiet', '--force', 'app_api'], 5 * 60_000);
        spreadUpdates += 1;
      }
      const placement = runningTasks('app_api').map((t) => t.node);
      if (!placement.includes(lost)) {
        expect.fail(`no app task on ${lost} after ${spreadUpdates} forced updates: ${placement.join(', ')}; app tasks failed in the last 15 min: ${appTasksFailedSince(Date.now() - 15 * 60_000).join('; ') || 'none'}`);
      }
      const replicas = replicasOf('app_api');
      const traffic = load(100, 5 * 60_000);
      await sleep(5000);
      // The window opens as the kill is sent: `docker kill` takes a while to return, and requests
      // fail while it runs (one CI run had two failures before it returned).
      const killedAt = Date.now();
      docker('kill', TESTBED.container(lost));
      await until(`${replicas} app tasks running on the other nodes`, async () => {
        const elsewhere = runningTasks('app_api').filter((t) => t.node !== lost);
        return elsewhere.length >= replicas ? true : undefined;
      }, 120_000, 1000);
      const restoredAt = Date.now();
      await sleep(15_000);
      const report = await traffic.stop();
      const beforeKill = report.failures.filter((f) => f.at < killedAt);
      const inWindow = report.failures.filter((f) => f.at >= killedAt && f.at <= restoredAt);
      const afterRestore = report.failures.filter((f) => f.at > restoredAt);
      figures.nodeLoss = { ...summary(report), spreadUpdates, secondsToReplicasRestored: seconds(restoredAt - killedAt), failedInWindow: inWindow.length, failedInWindowPercent: Math.round((10000 * inWindow.length) / report.requests) / 100 };
      console.log(`      node loss: ${JSON.stringify(figures.nodeLoss)}`);
      docker('start', TESTBED.container(lost));
      await until('node3 Ready again', async () => (swarm('node', 'inspect', lost, '--format', '{{.Status.State}}') === 'ready' ? true : undefined), 180_000, 2000);
      expect(beforeKill.map((f) => f.what), 'failures before the node was lost').to.deep.equal([]);
      expect(afterRestore.map((f) => f.what), 'failures after the replicas were restored').to.deep.equal([]);
      expect(await lostWrites(report.acknowledged), 'acknowledged writes lost').to.deep.equal([]);
      expect(onNode(lost, ['nft', 'list', 'table', 'inet', 'platform_firewall'])).to.include('policy drop');
    });

    it('autoscaling: CPU-heavy load raises the app\'s replicas, which return to the minimum after it stops', async function () {
      this.timeout(12 * 60_000);
      // Test-shortened settings, as labels (no task restarts): a CPU target this machine's two
      // cores can exceed, and a 30 s scale-down window instead of 300 s.
      const labels = { 'autoscaler.cpu.target': '0.05', 'autoscaler.scale-down.window': '30s' };
      const before = Object.fromEntries(Object.keys(labels).map((k) => [k, swarm('service', 'inspect', 'app_api', '--format', `{{index .Spec.Labels "${k}"}}`)]));
      swarm('service', 'update', '--detach', ...Object.entries(labels).flatMap(([k, v]) => ['--label-add', `${k}=${v}`]), 'app_api');
      const min = replicasOf('app_api');
      try {
        const traffic = load(400, 4 * 60_000);
        const startedAt = Date.now();
        await until('a scale-up', async () => (replicasOf('app_api') > min ? true : undefined), 180_000, 1000);
        const firstScaleUpAt = Date.now();
        // Enough replicas: the count the autoscaler settles on under this load (none added for 30 s).
        let peak = replicasOf('app_api');
        let lastRiseAt = firstScaleUpAt;
        await until('the replicas to stop rising', async () => {
          const now = replicasOf('app_api');
          if (now > peak) [peak, lastRiseAt] = [now, Date.now()];
          return Date.now() - lastRiseAt >= 30_000 ? true : undefined;
        }, 180_000, 1000);
        const report = await traffic.stop();
        await until('back to the minimum', async () => (replicasOf('app_api') === min ? true : undefined), 240_000, 2000);
        const backAt = Date.now();
        const logs = swarm('service', 'logs', '--raw', '--since', '15m', 'autoscaler_autoscaler');
        expect(logs).to.match(/app_api/);
        const metrics = await (await fetch(`${TESTBED.prometheus}/api/v1/query?query=${encodeURIComponent('autoscaler_scale_events_total')}`)).json() as { data: { result: unknown[] } };
        expect(metrics.data.result.length, 'scale events in the autoscaler\'s metrics').to.be.above(0);
        figures.autoscaling = { ...summary(report), minReplicas: min, peakReplicas: peak, secondsToFirstScaleUp: seconds(firstScaleUpAt - startedAt), secondsToEnoughReplicas: seconds(lastRiseAt - startedAt), secondsBackToMinimumAfterLoad: seconds(backAt - report.endedAt) };
        console.log(`      autoscaling: ${JSON.stringify(figures.autoscaling)}`);
        expect(peak).to.be.above(min);
      } finally {
        swarm('service', 'update', '--detach', ...Object.entries(before).flatMap(([k, v]) => ['--label-add', `${k}=${v}`]), 'app_api');
      }
    });
  });
}
