import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/databases';
import { REPO_ROOT } from '../helpers/processes';
import { externalNetworks, loadStack, parseStackList, readStackText, STACK_DIR, STACK_FILES, STACKS } from '../helpers/stack';

// stack/stacks.txt is the one list of the stacks and their order: scripts/deploy.sh, the platform
// role, test:config and the tests read it, and the overlay networks come from the files.
describe('the stack manifest (stack/stacks.txt)', () => {
  const deploy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('bash', ['scripts/deploy.sh', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });

  it('reads one name a line, skipping blank lines and # comments', () => {
    expect(parseStackList('# the stacks\ndb\n\n  proxy  # Traefik\n#app\nautoscaler\n')).to.deep.equal(['db', 'proxy', 'autoscaler']);
  });

  it('lists every stack file under stack/ exactly once, and nothing else', () => {
    const files = readdirSync(STACK_DIR).filter((name) => name.endsWith('.yml')).sort();
    expect([...STACK_FILES].sort()).to.deep.equal(files);
    expect(new Set(STACKS).size, 'no stack twice').to.equal(STACKS.length);
    for (const name of STACKS) expect(name, 'a name deploy.sh and Swarm accept').to.match(/^[a-z][a-z0-9-]*$/);
  });

  it('orders every stack after those whose services it reaches by their Swarm names', () => {
    const problems: string[] = [];
    STACKS.forEach((stack, position) => {
      for (const other of STACKS.slice(position + 1)) {
        const names = Object.keys(loadStack(`${other}.yml`).services).map((service) => `${other}_${service}`);
        for (const name of names) if (new RegExp(`\\b${name}\\b`).test(readStackText(`${stack}.yml`))) problems.push(`${stack} reaches ${name} but comes first`);
      }
    });
    expect(problems).to.deep.equal([]);
  });

  it('is the list deploy.sh offers and checks names against', () => {
    const help = deploy(['--help']);
    expect(help.status).to.equal(0);
    expect(help.stdout).to.include(`Stacks, in order: ${STACKS.join(' ')}\n`);
    const unknown = deploy(['nosuchstack']);
    expect(unknown.status).to.equal(1);
    expect(unknown.stderr).to.equal(`deploy: unknown stack nosuchstack (one of: ${STACKS.join(' ')})\n`);
  });

  describe('deploy.sh with a stand-in docker command', () => {
    // Records every docker call; a Swarm manager with a current client, every secret present and
    // no network yet. Enough for --no-wait to go through its whole plan without a daemon.
    let bin: ReturnType<typeof tempDir>;
    let calls: string;
    let extraStack: string;
    before(() => {
      bin = tempDir('deploy-stub-');
      calls = path.join(bin.dir, 'calls');
      extraStack = path.join(bin.dir, 'extra.yml');
      writeFileSync(path.join(bin.dir, 'docker'), `#!/usr/bin/env bash
echo "$*" >> "${calls}"
case "$1 $2" in
  'info --format') if [[ $3 == *ControlAvailable* ]]; then echo true; else date -u +%FT%TZ; fi ;;
  'version --format') echo 29.0.0 ;;
  'network inspect') exit 1 ;;
esac
exit 0
`);
      chmodSync(path.join(bin.dir, 'docker'), 0o755);
      writeFileSync(extraStack, 'version: "3.8"\nservices:\n  edge:\n    image: busybox\nnetworks:\n  edge:\n    external: true\n    name: "platform-edge"\n  local:\n    driver: overlay\n');
    });
    after(() => bin.remove());

    const settings = { ACME_EMAIL: 'ops@swarm-platform-test.net', APP_DOMAIN: 'app.swarm-platform-test.net', TRAEFIK_DOMAIN: 'traefik.swarm-platform-test.net', GRAFANA_DOMAIN: 'grafana.swarm-platform-test.net' };
    const cases = [
      { name: 'every stack', args: [], deployed: STACKS, files: STACK_FILES },
      { name: 'one stack and one more stack file', args: ['--stack', 'extra=EXTRA', 'autoscaler'], deployed: ['autoscaler', 'extra'], files: ['autoscaler.yml'] },
    ];
    for (const { name, args, deployed, files } of cases) {
      it(`deploys ${name} in the manifest's order, creating the external networks of those files only`, () => {
        writeFileSync(calls, '');
        const result = deploy(['--no-wait', ...args.map((arg) => arg.replace('EXTRA', extraStack))], { ...settings, PATH: `${bin.dir}:${process.env.PATH}`, DOCKER_GID: '999', CONFIG_VERSION: 'test' });
        expect(result.status, result.stderr).to.equal(0);
        const made = readFileSync(calls, 'utf8').split('\n');
        const stacksDeployed = made.filter((call) => call.startsWith('stack deploy --prune')).map((call) => call.split(' ').at(-1));
        expect(stacksDeployed).to.deep.equal(deployed);
        const expected = externalNetworks(files.map((file) => loadStack(file)));
        if (deployed.includes('extra')) expected.push('platform-edge');
        const created = made.filter((call) => call.startsWith('network create')).map((call) => call.split(' ').at(-1));
        expect(created.sort()).to.deep.equal(expected.sort());
      });
    }

    it('deploys the stacks DEPLOY_STACKS names when none is given, migrate brought before app', () => {
      writeFileSync(calls, '');
      const result = deploy(['--no-wait'], { ...settings, PATH: `${bin.dir}:${process.env.PATH}`, DOCKER_GID: '999', CONFIG_VERSION: 'test', DEPLOY_STACKS: 'app autoscaler' });
      expect(result.status, result.stderr).to.equal(0);
      const deployed = readFileSync(calls, 'utf8').split('\n').filter((call) => call.startsWith('stack deploy --prune')).map((call) => call.split(' ').at(-1));
      expect(deployed).to.deep.equal(['migrate', 'app', 'autoscaler']);
    });

    it('refuses an unknown name in DEPLOY_STACKS in one line, deploying nothing', () => {
      writeFileSync(calls, '');
      const result = deploy(['--no-wait'], { ...settings, PATH: `${bin.dir}:${process.env.PATH}`, DEPLOY_STACKS: 'app nosuchstack' });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.equal(`deploy: unknown stack nosuchstack in DEPLOY_STACKS (one of: ${STACKS.join(' ')})\n`);
      expect(readFileSync(calls, 'utf8')).to.equal('');
    });
  });
});
