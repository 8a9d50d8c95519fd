import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { atLeast, pinnedVersion } from '../helpers/image-version';
import { REPO_ROOT } from '../helpers/processes';
import { exampleEnv, interpolate, readStackText, STACK_FILES, variablesIn } from '../helpers/stack';

// The settings of the Swarm stack files: every variable they read has its default and is
// documented in stack/.env.example, read the way Compose interpolates them.
describe('stack files', () => {
  describe('settings', () => {
    const files = [...STACK_FILES, 'compose.yaml'];

    it('gives every variable a default but those deploy.sh requires, and documents each in .env.example', () => {
      const example = exampleEnv();
      // Settings with no sensible default (the ACME account) are refused by deploy.sh when unset.
      const deployScript = readFileSync(path.join(REPO_ROOT, 'scripts/deploy.sh'), 'utf8');
      const required = new Set([...deployScript.matchAll(/is_example "\$\{(\w+):-\}"/g)].map((m) => m[1]));
      expect(required).to.include('ACME_EMAIL');
      const problems: string[] = [];
      for (const file of files) {
        for (const use of variablesIn(readStackText(file))) {
          if (use.fallback === undefined && required.has(use.name)) {
            if (!example.has(use.name)) problems.push(`${file}: ${use.name} is not in .env.example`);
          } else if (use.fallback === undefined) problems.push(`${file}: \${${use.name}} has no default`);
          else if (!example.has(use.name)) problems.push(`${file}: ${use.name} is not in .env.example`);
          else if (example.get(use.name) !== use.fallback) problems.push(`${file}: ${use.name} defaults to '${use.fallback}' but .env.example says '${example.get(use.name)}'`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it('lists in .env.example only variables some stack file or scripts/deploy.sh reads', () => {
      const deployScript = readFileSync(path.join(REPO_ROOT, 'scripts/deploy.sh'), 'utf8');
      const used = new Set([...files.flatMap((file) => variablesIn(readStackText(file)).map((use) => use.name)), ...[...deployScript.matchAll(/\$\{(\w+)[:}]/g)].map((m) => m[1])]);
      expect([...exampleEnv().keys()].filter((name) => !used.has(name))).to.deep.equal([]);
    });

    it('reads a version only from a full image tag: a floating tag pins nothing', () => {
      expect(pinnedVersion('traefik:v3.6.25')).to.deep.equal({ repository: 'traefik', version: [3, 6, 25] });
      expect(pinnedVersion('ghcr.io/google/cadvisor:v0.60.5')).to.deep.equal({ repository: 'ghcr.io/google/cadvisor', version: [0, 60, 5] });
      expect(pinnedVersion('registry.example.com:5000/traefik:3.6.1')).to.deep.equal({ repository: 'registry.example.com:5000/traefik', version: [3, 6, 1] });
      for (const floating of ['traefik:v3', 'traefik:v3.6', 'traefik:latest', 'traefik', 'traefik:v3.6.1-rc1']) expect(pinnedVersion(floating), floating).to.equal(undefined);
      expect(atLeast([3, 6, 1], [3, 6, 1])).to.equal(true);
      expect(atLeast([3, 10, 0], [3, 6, 1])).to.equal(true);
      expect(atLeast([3, 6, 0], [3, 6, 1])).to.equal(false);
      expect(atLeast([2, 11, 30], [3, 6, 1])).to.equal(false);
    });

    it('interpolates like Compose: defaults for unset or empty, $$ for a dollar', () => {
      expect(interpolate('${A:-x} ${B:-y} ${C-z} ${D-w} $$1 ${E}', { A: 'a', B: '', D: '' })).to.equal('a y z  $1 ');
    });
  });
});
