// Building the project's images on the offline bases, as CI does (stack/Dockerfile).
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './processes';

export const E2E_COMMIT = 'e2e0001';

// The classic builder: it resolves the locally built base images, and needs no buildx plugin.
export const runInRepo = (command: string, args: string[], timeoutMs = 60_000) =>
  execFileSync(command, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  }).trim();

/** Builds one target of stack/Dockerfile on the offline trixie bases the test cluster also builds on (so the build stage is cached), made first when missing; reports its size. */
export function buildImage(target: 'app' | 'autoscaler', tag: string): void {
  runInRepo('bash', ['scripts/images/build-node-base.sh', '--release', 'trixie'], 10 * 60_000);
  runInRepo('docker', ['build', '-q', '-f', 'stack/Dockerfile', '--target', target,
    '--build-arg', 'NODE_IMAGE=local/node:20-trixie-slim', '--build-arg', 'RUNTIME_IMAGE=local/debian:trixie',
    '--build-arg', 'VERSION=0.1.0', '--build-arg', `GIT_COMMIT=${E2E_COMMIT}`, '-t', tag, '.'], 10 * 60_000);
  const size = Number(runInRepo('docker', ['image', 'inspect', '--format', '{{.Size}}', tag]));
  console.log(`      image ${tag}: ${Math.round(size / 1e6)} MB`);
}
