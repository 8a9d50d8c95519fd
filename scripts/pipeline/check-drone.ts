// Checks .drone.yml (or the file given) against Drone's documentation and this repository:
//   npx ts-node scripts/pipeline/check-drone.ts [FILE]
// Prints one line per problem and exits 1, or prints "ok" and exits 0. Secrets must be named in
// docs/pipeline.md; scripts are looked up from the repository root.
import { constants, accessSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkDroneYaml, type RepositoryView } from './drone-check';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function repositoryAt(root: string): RepositoryView {
  return {
    fileMode(relativePath) {
      const full = path.join(root, relativePath);
      try {
        if (!statSync(full).isFile()) return undefined;
      } catch {
        return undefined;
      }
      try {
        accessSync(full, constants.X_OK);
        return { executable: true };
      } catch {
        return { executable: false };
      }
    },
  };
}

function main(argv: string[]): number {
  if (argv.length > 1) {
    console.error('usage: check-drone.ts [FILE]   (default: .drone.yml)');
    return 2;
  }
  const file = path.resolve(argv[0] ?? path.join(REPO_ROOT, '.drone.yml'));
  let droneYaml: string;
  let secretsDoc: string;
  try {
    droneYaml = readFileSync(file, 'utf8');
    secretsDoc = readFileSync(path.join(REPO_ROOT, 'docs', 'pipeline.md'), 'utf8');
  } catch (error) {
    console.error(`check-drone: ${(error as Error).message}`);
    return 1;
  }
  const problems = checkDroneYaml({ droneYaml, repository: repositoryAt(REPO_ROOT), secretsDoc });
  for (const problem of problems) console.error(`${path.relative(process.cwd(), file) || file}: ${problem}`);
  if (problems.length === 0) console.log(`check-drone: ${path.relative(REPO_ROOT, file)} ok`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
