// The Docker CLI of this machine, for the end-to-end tests on the daemon and single-node Swarm
// that scripts/ci/start-docker.sh starts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './processes';

/** A docker command run to its end; its trimmed stdout. It throws, with stderr, on a non-zero exit. */
export const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The tiny local image (a static busybox) that scripts/ci/start-docker.sh builds, named on its `image=` line. */
export const TEST_IMAGE = (() => {
  const script = 'scripts/ci/start-docker.sh';
  const name = /^image=(\S+)$/m.exec(readFileSync(path.join(REPO_ROOT, script), 'utf8'))?.[1];
  if (!name) throw new Error(`${script} has no image= line naming the test image`);
  return name;
})();
