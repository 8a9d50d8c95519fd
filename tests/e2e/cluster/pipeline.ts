import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onNode, TESTBED } from '../../helpers/cluster';
import { runDroneStep, type DroneBuild, type StepRun } from '../../helpers/drone';
import { REPO_ROOT } from '../../helpers/processes';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Pipeline E2E', '-c', 'user.email=pipeline-e2e@testbed.invalid', ...args], { cwd, encoding: 'utf8' }).trim();

/** The registry's tags of one image, through its HTTP API. */
export async function registryTags(name: string): Promise<string[]> {
  const answer = await fetch(`http://${TESTBED.registry}/v2/swarm-platform-${name}/tags/list`, { signal: AbortSignal.timeout(5000) });
  return ((await answer.json()) as { tags: string[] | null }).tags ?? [];
}

export interface StagingPipeline {
  /** Commits in the workspace (after `change`, if given) and makes that commit the build's. */
  commit(message: string, change?: (workspace: string) => void): string;
  /** Runs steps of one pipeline in order, each to its end, with how long it took. */
  run(pipeline: string, steps: string[]): (StepRun & { step: string; seconds: number })[];
  remove(): void;
}

/**
 * The Drone pipeline of .drone.yml, its steps run as Drone runs them (tests/helpers/drone.ts)
 * on commits made in a clone, against the test cluster as the staging Swarm: its registry, node1
 * as the manager over ssh with its host key pinned, the stand-in proxy as the public URL.
 */
export function stagingPipeline(): StagingPipeline {
  const workspace = mkdtempSync(path.join(tmpdir(), 'drone-workspace-'));
  git(tmpdir(), 'clone', '--quiet', REPO_ROOT, workspace);
  const address = execFileSync('bash', ['-c', '. scripts/testbed/lib.sh; testbed_address node1'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const settings = JSON.parse(readFileSync(path.join(TESTBED.state, 'platform-vars.json'), 'utf8')) as { platform_settings: Record<string, string> };
  // Staging's settings as an operator keeps them in the staging_stack_env secret; the pipeline
  // adds REGISTRY and TAG. A release's stacks only: the rest already runs.
  const stackEnv = Object.entries(settings.platform_settings).filter(([key]) => key !== 'REGISTRY').map(([key, value]) => `${key}=${value}`);
  stackEnv.push('DEPLOY_STACKS="migrate app autoscaler"');
  const hostKey = onNode('node1', ['cat', '/etc/ssh/ssh_host_ed25519_key.pub']).split(' ').slice(0, 2).join(' ');
  const build: DroneBuild = {
    workspace,
    drone: { DRONE_BUILD_EVENT: 'push', DRONE_BRANCH: 'main', DRONE_COMMIT_BRANCH: 'main', DRONE_REPO: 'platform/swarm-platform', DRONE_BUILD_NUMBER: '1' },
    secrets: {
      registry: TESTBED.registry,
      staging_docker_host: `ssh://deploy@${address}`,
      staging_ssh_key: readFileSync(path.join(TESTBED.state, 'id_ed25519'), 'utf8'),
      staging_ssh_known_hosts: `${address} ${hostKey}`,
      staging_stack_env: stackEnv.join('\n'),
      staging_url: `http://${address}:8080`,
    },
    // The base images stack/Dockerfile names cannot be pulled here: the runner passes the
    // offline ones, as an air-gapped runner would with DRONE_RUNNER_ENVIRON.
    runnerEnv: { NODE_IMAGE: 'local/node:20-trixie-slim', RUNTIME_IMAGE: 'local/debian:trixie' },
    images: { 'debian:trixie-slim': 'local/debian:trixie', 'node:20-bookworm': 'local/node:20-trixie-slim' },
    network: TESTBED.network,
  };
  return {
    commit: (message, change) => {
      change?.(workspace);
      git(workspace, 'commit', '--quiet', '--allow-empty', '-am', message);
      const sha = git(workspace, 'rev-parse', 'HEAD');
      build.drone = { ...build.drone, DRONE_COMMIT_SHA: sha, DRONE_COMMIT: sha, DRONE_COMMIT_MESSAGE: message };
      return sha;
    },
    run: (pipeline, steps) =>
      steps.map((step) => {
        const started = Date.now();
        const run = runDroneStep(build, pipeline, step);
        return { step, ...run, seconds: Math.round((Date.now() - started) / 100) / 10 };
      }),
    remove: () => rmSync(workspace, { recursive: true, force: true }),
  };
}

/** A change to a workspace: one more line after a line of one of its files. */
export const addLineAfter = (file: string, after: RegExp, line: string) => (workspace: string) => {
  const target = path.join(workspace, file);
  const text = readFileSync(target, 'utf8');
  if (!after.test(text)) throw new Error(`${file} has no line matching ${after}`);
  writeFileSync(target, text.replace(after, (found) => `${found}\n${line}`));
};
