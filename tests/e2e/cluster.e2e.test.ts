import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runScript, TESTBED } from '../helpers/cluster';
import { platformSuite } from './cluster/platform';
import { promisesSuite } from './cluster/promises';

// The cluster suite: the whole platform on the three-node test cluster (Debian 13 hosts), built
// once by scripts/testbed/up.sh and scripts/testbed/platform.sh and shared by every scenario
// below. TESTBED_KEEP=1 leaves it up afterwards; TESTBED_REUSE=1 runs on a platform already up (testbed:up, testbed:platform).
describe('the platform on the test cluster (e2e)', function () {
  this.timeout(10 * 60_000);
  const outputs = { up: '', platform: '' };

  before(function () {
    this.timeout(45 * 60_000); // a fresh machine debootstraps, builds every image, installs Docker thrice
    const reuse = process.env.TESTBED_REUSE === '1' && existsSync(path.join(TESTBED.state, 'platform-tag'));
    if (reuse) return;
    const up = runScript(['scripts/testbed/up.sh']);
    if (up.status !== 0) throw new Error(`testbed:up failed:\n${up.stdout}\n${up.stderr}`);
    outputs.up = up.stdout;
    const platform = runScript(['scripts/testbed/platform.sh']);
    if (platform.status !== 0) throw new Error(`testbed:platform failed:\n${platform.stdout}\n${platform.stderr}`);
    outputs.platform = platform.stdout;
    for (const line of `${outputs.up}${outputs.platform}`.split('\n').filter((l) => l.includes('Phase wall times'))) console.log(`      ${line}`);
  });

  after(() => {
    if (process.env.TESTBED_KEEP === '1') return;
    runScript(['scripts/testbed/down.sh'], {}, 120_000);
  });

  const context = {
    platformOutput: () => outputs.platform,
    tag: () => readFileSync(path.join(TESTBED.state, 'platform-tag'), 'utf8').trim(),
  };
  platformSuite(context);
  promisesSuite();
});
