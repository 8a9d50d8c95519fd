import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/processes';

// The tags scripts/pipeline/build-images.sh and push-images.sh give the images, as they read
// them: `tags_text=$(all_tags)` of scripts/pipeline/lib.sh under `set -euo pipefail`.
function allTags(env: Record<string, string>, cwd = REPO_ROOT) {
  const script = `set -euo pipefail; . ${path.join(REPO_ROOT, 'scripts/pipeline/lib.sh')}; tags_text=$(all_tags); echo "$tags_text"`;
  const run = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: run.status, tags: run.stdout.trim().split('\n'), stderr: run.stderr.trim() };
}

describe('the image tags of a pipeline build (scripts/pipeline/lib.sh)', () => {
  it('should tag with the short commit alone on a push', () => {
    expect(allTags({ TAG: '1a2b3c4d' })).to.deep.include({ status: 0, tags: ['1a2b3c4d'] });
  });

  it('should add the semver tags on a release tag, and only its own version on a pre-release', () => {
    expect(allTags({ TAG: '1a2b3c4d', DRONE_TAG: 'v1.2.3' }).tags).to.deep.equal(['1a2b3c4d', '1.2.3', '1.2', '1']);
    expect(allTags({ TAG: '1a2b3c4d', DRONE_TAG: 'v1.2.3-rc.1' }).tags).to.deep.equal(['1a2b3c4d', '1.2.3-rc.1']);
  });

  describe('when the tag cannot be made', () => {
    it('should stop with one line on a tag that is no release version, building nothing', () => {
      const run = allTags({ TAG: '1a2b3c4d', DRONE_TAG: 'v1.2' });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.equal('bash: DRONE_TAG v1.2 is not a release tag vMAJOR.MINOR.PATCH[-PRERELEASE]');
    });

    it('should stop with one line without TAG outside a git checkout', () => {
      const outside = mkdtempSync(path.join(tmpdir(), 'no-git-'));
      try {
        const run = allTags({ GIT_CEILING_DIRECTORIES: tmpdir() }, outside);
        expect(run.status).to.equal(1);
        expect(run.stderr).to.equal('bash: TAG is not set and this is not a git checkout');
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
