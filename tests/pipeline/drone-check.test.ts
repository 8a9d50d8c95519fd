import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkDroneYaml } from '../../scripts/pipeline/drone-check';
import { repositoryAt } from '../../scripts/pipeline/check-drone';
import { REPO_ROOT } from '../helpers/processes';

// The checker of .drone.yml: each failing fixture carries one kind of problem Drone itself
// would ignore or only find at run time; the real file passes.
const FIXTURES = path.join(__dirname, 'fixtures');
const secretsDoc = readFileSync(path.join(REPO_ROOT, 'docs', 'pipeline.md'), 'utf8');
const repository = repositoryAt(REPO_ROOT);
const check = (droneYaml: string) => checkDroneYaml({ droneYaml, repository, secretsDoc });
const checkFixture = (name: string) => check(readFileSync(path.join(FIXTURES, name), 'utf8'));

const cases: { name: string; fixture: string; expected: RegExp[] }[] = [
  { name: 'a misspelt step key', fixture: 'unknown-step-key.yml', expected: [/step "lint": unknown key "comands"/] },
  { name: 'a pipeline-level when: meant as trigger:', fixture: 'pipeline-when.yml', expected: [/pipeline "test": top level: unknown key "when" .*trigger:/] },
  {
    name: 'unknown keys in a trigger, a constraint, a from_secret and a volume',
    fixture: 'nested-unknown-keys.yml',
    expected: [
      /trigger: unknown key "events"/,
      /trigger\.branch: unknown key "includes"/,
      /step "push": environment\.REGISTRY: unknown key "from_secrets"/,
      /volumes\[0\]\.host: unknown key "pth"/,
    ],
  },
  {
    name: 'event values that are not Drone events',
    fixture: 'invalid-event.yml',
    expected: [/trigger\.event\[1\]: "pull-request" is not one of/, /step "lint": when\.event\.exclude\[0\]: "deploy" is not one of/],
  },
  { name: 'a target without a promote event', fixture: 'target-without-promote.yml', expected: [/trigger: target applies only to promote and rollback/] },
  { name: 'a branch condition on tag events', fixture: 'branch-on-tag.yml', expected: [/trigger: branch never matches a tag event/] },
  { name: 'depends_on naming a missing pipeline', fixture: 'depends-on-missing-pipeline.yml', expected: [/pipeline "images": depends_on names no pipeline: "tests"/] },
  {
    name: 'depends_on naming a missing or later step',
    fixture: 'depends-on-missing-step.yml',
    expected: [/step "scan": depends_on names no earlier step: "build"/, /step "build": depends_on names no earlier step: "compile"/],
  },
  {
    name: 'scripts that do not exist',
    fixture: 'missing-script.yml',
    expected: [/scripts\/pipeline\/deploy-staging\.sh does not exist/, /scripts\/pipeline\/no-such-helper\.sh does not exist/],
  },
  { name: 'a script that is not executable', fixture: 'not-executable-script.yml', expected: [/scripts\/pipeline\/lib\.sh is not executable/] },
  {
    name: 'secrets docs/pipeline.md does not name',
    fixture: 'undocumented-secret.yml',
    expected: [/secret "qa_docker_host" has no `drone secret add/, /secret "dockerconfig" has no `drone secret add/],
  },
  { name: 'a mount of an undeclared volume', fixture: 'undeclared-volume.yml', expected: [/volume "docker-sock" is not declared/] },
];

describe('check-drone: .drone.yml against Drone\'s documentation', () => {
  for (const { name, fixture, expected } of cases) {
    it(`should report ${name} (${fixture})`, () => {
      const problems = checkFixture(fixture);
      for (const pattern of expected) expect(problems.some((line) => pattern.test(line)), `${pattern} in\n${problems.join('\n')}`).to.equal(true);
      // Nothing else: the rest of the fixture is valid (a misspelt required key also reports it missing).
      expect(problems.length, problems.join('\n')).to.be.at.most(expected.length * 2);
    });
  }

  it('should report each secret once and accept the ones docs/pipeline.md adds', () => {
    const problems = checkFixture('undocumented-secret.yml');
    expect(problems.filter((line) => line.includes('"registry"'))).to.deep.equal([]);
  });

  it('should report YAML that does not parse', () => {
    expect(check('kind: pipeline\nsteps: [\n')[0]).to.match(/^document 1: YAML: /);
  });

  it('should pass the repository\'s .drone.yml', () => {
    expect(check(readFileSync(path.join(REPO_ROOT, '.drone.yml'), 'utf8'))).to.deep.equal([]);
  });

  it('should cover every pipeline of the issue in .drone.yml', () => {
    const text = readFileSync(path.join(REPO_ROOT, '.drone.yml'), 'utf8');
    const names = [...text.matchAll(/^name: (\S+)$/gm)].map((match) => match[1]);
    expect(names).to.deep.equal(['test', 'images', 'deploy-staging', 'production', 'production-release']);
  });
});
