import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './processes';

/** The test cluster's settings, read from scripts/testbed/lib.sh, where they are defined. */
function testbedSettings(): Record<string, string> {
  const names = ['TESTBED_STATE', 'TESTBED_LABEL', 'TESTBED_REGISTRY', 'TESTBED_PROXY_PORT', 'TESTBED_PROMETHEUS_PORT', 'TESTBED_ALERTMANAGER_PORT', 'TESTBED_NETWORK'];
  const script = `. scripts/testbed/lib.sh; printf '%s\\n' ${names.map((n) => `"$${n}"`).join(' ')}; testbed_container node1`;
  const values = execFileSync('bash', ['-c', script], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n');
  return Object.fromEntries([...names.map((name, i) => [name, values[i]!]), ['NODE1_CONTAINER', values[names.length]!]]);
}

export const TESTBED = (() => {
  const s = testbedSettings();
  const prefix = s.NODE1_CONTAINER!.replace(/node1$/, '');
  return {
    state: s.TESTBED_STATE!,
    label: s.TESTBED_LABEL!,
    network: s.TESTBED_NETWORK!,
    registry: s.TESTBED_REGISTRY!,
    proxy: `http://127.0.0.1:${s.TESTBED_PROXY_PORT}`,
    prometheus: `http://127.0.0.1:${s.TESTBED_PROMETHEUS_PORT}`,
    alertmanager: `http://127.0.0.1:${s.TESTBED_ALERTMANAGER_PORT}`,
    nodes: ['node1', 'node2', 'node3'],
    container: (node: string) => `${prefix}${node}`,
  };
})();

/** Runs a command of this repository's scripts to its end, with its output. */
export const runScript = (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30 * 60_000): SpawnSyncReturns<string> =>
  spawnSync('bash', args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs });

/** A command run inside a node's container (as root); its trimmed stdout. */
export const onNode = (node: string, args: string[], timeoutMs = 60_000): string =>
  execFileSync('docker', ['exec', TESTBED.container(node), ...args], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs }).trim();

/** The Docker CLI of the cluster's first manager. */
export const swarm = (...args: string[]): string => onNode('node1', ['docker', ...args]);

/** The app's API token, as testbed:platform generated it. */
export const apiToken = (): string => readFileSync(path.join(TESTBED.state, 'app_api_token'), 'utf8').trim();

/** A replicated service's desired replicas. */
export const replicasOf = (service: string): number => Number(swarm('service', 'inspect', service, '--format', '{{.Spec.Mode.Replicated.Replicas}}'));

/** Copies scripts/db-restore.sh onto the node that runs the db stack's backup task (as an operator would); that node. */
export function installDbRestore(): string {
  const node = runningTasks('db_backup')[0]!.node;
  execFileSync('docker', ['cp', 'scripts/db-restore.sh', `${TESTBED.container(node)}:/usr/local/bin/db-restore`], { cwd: REPO_ROOT });
  return node;
}

/** The cluster's node hostnames by node id, in one call. */
function nodeHostnames(): Map<string, string> {
  return new Map(swarm('node', 'ls', '--format', '{{.ID}} {{.Hostname}}').split('\n').map((line) => line.split(' ') as [string, string]));
}

/** A service's tasks of one desired state as Swarm records them: id, node, state, container, error and when the state was reached. */
function tasksOf(service: string, desiredState: 'running' | 'shutdown') {
  const ids = swarm('service', 'ps', '-q', '--no-trunc', '--filter', `desired-state=${desiredState}`, service).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const hostnames = nodeHostnames();
  // `index` and `with`: a pending task has no NodeID and no ContainerStatus, and a missing key
  // would fail the whole inspect.
  const format = '{{.ID}}|{{with index . "NodeID"}}{{.}}{{end}}|{{.Status.State}}|{{with index .Status "ContainerStatus"}}{{with index . "ContainerID"}}{{.}}{{end}}{{end}}|{{json .Status.Timestamp}}|{{with index .Status "Err"}}{{.}}{{end}}';
  return swarm('inspect', '--type', 'task', '--format', format, ...ids)
    .split('\n')
    .map((line) => line.split('|'))
    .map(([id, nodeId, state, container, at, ...error]) => ({ id: id!, node: hostnames.get(nodeId!) ?? nodeId!, state: state!, container: container!, at: Date.parse(JSON.parse(at!)), error: error.join('|') }));
}

/** Running tasks of a service: task id, node and container id. */
export function runningTasks(service: string): { id: string; node: string; container: string }[] {
  return tasksOf(service, 'running')
    .filter((task) => task.state === 'running')
    .map(({ id, node, container }) => ({ id, node, container }));
}

/** A service's tasks that failed (exited, or were killed as unhealthy) or were rejected since `sinceMs`: node, state and Swarm's error for each. */
export function tasksFailedSince(service: string, sinceMs: number): string[] {
  return tasksOf(service, 'shutdown')
    .filter((task) => (task.state === 'failed' || task.state === 'rejected') && task.at >= sinceMs)
    .map((task) => `${task.node} ${task.state}: ${task.error}`);
}

/** An HTTP GET from inside a task's container (node is all the app image has), its status and body. */
export function fetchInTask(task: { node: string; container: string }, url: string): { status: number; body: string } {
  const script = `fetch(${JSON.stringify(url)}).then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })), (e) => { console.error(e.message); process.exit(1); })`;
  return JSON.parse(onNode(task.node, ['docker', 'exec', task.container, 'node', '-e', script]));
}

/** A playbook of provisioning/ run over SSH against the test cluster's inventory, to its end. */
export const playbook = (file: string, args: string[] = [], timeoutMs = 10 * 60_000): SpawnSyncReturns<string> =>
  spawnSync('ansible-playbook', ['-i', path.join(TESTBED.state, 'inventory.yml'), `provisioning/${file}`, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_CONFIG: 'provisioning/ansible.cfg', ANSIBLE_NOCOLOR: '1' },
    timeout: timeoutMs,
  });

/** provisioning/deploy.yml with testbed:platform's settings (the deploy path), at an app image tag; all its stacks or `stacks`. */
export function deployPlatform(tag: string, stacks?: string[]): { status: number | null; output: string; seconds: number } {
  const started = Date.now();
  const only = stacks ? ['-e', JSON.stringify({ platform_stacks: stacks })] : [];
  const run = playbook('deploy.yml', ['-e', `@${TESTBED.state}/platform-vars.json`, '-e', `platform_image_tag=${tag}`, ...only], 20 * 60_000);
  return { status: run.status, output: `${run.stdout}${run.stderr}`, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

export interface ReleaseChanges {
  /** ENV lines added to the app image (another commit, a broken setting). */
  appEnv?: Record<string, string>;
  /** A PostgreSQL migration added to the app and migrate images, as NNN_name.sql. */
  migration?: { file: string; sql: string };
}

/**
 * A release of the app images under a new tag, made from the ones under `baseTag`: the app image
 * with extra ENV lines, both app and migrate images with an extra migration, the autoscaler image
 * as it is; all pushed to the test cluster's registry.
 */
export function pushRelease(baseTag: string, tag: string, changes: ReleaseChanges): void {
  const image = (name: string, t: string) => `${TESTBED.registry}/swarm-platform-${name}:${t}`;
  const context = mkdtempSync(path.join(tmpdir(), 'release-'));
  try {
    const migrationLines = changes.migration ? [`COPY ${changes.migration.file} /app/dist/service/storage/migrations/postgres/`] : [];
    if (changes.migration) writeFileSync(path.join(context, changes.migration.file), changes.migration.sql);
    const build = (name: string, lines: string[]) => {
      if (lines.length === 0) return execFileSync('docker', ['tag', image(name, baseTag), image(name, tag)]);
      writeFileSync(path.join(context, 'Dockerfile'), [`FROM ${image(name, baseTag)}`, ...lines, ''].join('\n'));
      return execFileSync('docker', ['build', '-q', '-t', image(name, tag), context], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    };
    build('app', [...Object.entries(changes.appEnv ?? {}).map(([k, v]) => `ENV ${k}=${v}`), ...migrationLines]);
    build('migrate', migrationLines);
    build('autoscaler', []);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  for (const name of ['app', 'migrate', 'autoscaler']) execFileSync('docker', ['push', '-q', image(name, tag)], { stdio: 'ignore', timeout: 120_000 });
}

/** The commit label of app_info on each running app task. */
export function commitsServed(): string[] {
  return runningTasks('app_api').map((task) => /^app_info\{[^}]*commit="([^"]+)"/m.exec(fetchInTask(task, 'http://127.0.0.1:9464/metrics').body)?.[1] ?? 'none');
}
