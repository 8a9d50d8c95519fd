// Fails when a production dependency in the CycloneDX SBOM has a licence outside the allowed list:
//   npx ts-node scripts/pipeline/check-licences.ts build/sbom.cdx.json
import { readFileSync } from 'node:fs';
import { licenceProblems } from './licences';

function main(argv: string[]): number {
  if (argv.length !== 1) {
    console.error('usage: check-licences.ts SBOM.json   (from scripts/pipeline/sbom.sh)');
    return 2;
  }
  let bom: { components?: [] };
  try {
    bom = JSON.parse(readFileSync(argv[0] ?? '', 'utf8'));
  } catch (error) {
    console.error(`check-licences: cannot read ${argv[0]}: ${(error as Error).message}`);
    return 1;
  }
  const problems = licenceProblems(bom);
  for (const problem of problems) console.error(`check-licences: ${problem}`);
  if (problems.length === 0) console.log(`check-licences: ${bom.components?.length ?? 0} production dependencies, all licences allowed`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
