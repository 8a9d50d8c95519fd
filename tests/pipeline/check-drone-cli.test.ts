import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/processes';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['-r', 'ts-node/register', 'scripts/pipeline/check-drone.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    timeout: 60_000,
  });

describe('scripts/pipeline/check-drone.ts', () => {
  it('should exit 0 on the repository\'s .drone.yml', () => {
    const result = run();
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/check-drone: \.drone\.yml ok/);
  });

  it('should exit 1 with one line per problem and no stack trace on a bad file', () => {
    const result = run(path.join('tests', 'pipeline', 'fixtures', 'depends-on-missing-step.yml'));
    expect(result.status).to.equal(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  it('should exit 1 naming the file it cannot read', () => {
    const result = run('no-such.yml');
    expect(result.status).to.equal(1);
    expect(result.stderr.trim()).to.match(/^check-drone: .*no-such\.yml/);
  });
});
