import { expect } from 'chai';
import { expressionAllowed, licenceProblems } from '../../scripts/pipeline/licences';

const allowed = new Set(['MIT', 'ISC', 'Apache-2.0']);

describe('licence check of the production dependencies', () => {
  const expressions: { name: string; expression: string; expected: boolean }[] = [
    { name: 'a listed id', expression: 'MIT', expected: true },
    { name: 'an unlisted id', expression: 'GPL-3.0-only', expected: false },
    { name: 'OR with one listed side', expression: '(MIT OR WTFPL)', expected: true },
    { name: 'AND with an unlisted side', expression: 'MIT AND GPL-2.0-only', expected: false },
    { name: 'AND of listed ids in parentheses', expression: '(MIT AND (ISC OR GPL-2.0-only))', expected: true },
  ];
  for (const { name, expression, expected } of expressions) {
    it(`should ${expected ? 'allow' : 'refuse'} ${name}: ${expression}`, () => {
      expect(expressionAllowed(expression, allowed)).to.equal(expected);
    });
  }

  it('should name each component with a refused or missing licence', () => {
    const problems = licenceProblems({
      components: [
        { name: 'ok', version: '1.0.0', licenses: [{ license: { id: 'MIT' } }] },
        { name: 'copyleft', version: '2.0.0', licenses: [{ expression: 'AGPL-3.0-only' }] },
        { name: 'bare', version: '3.0.0' },
      ],
    }, allowed);
    expect(problems).to.deep.equal([
      'copyleft@2.0.0: licence AGPL-3.0-only is not one of MIT, ISC, Apache-2.0',
      'bare@3.0.0: no licence in the SBOM',
    ]);
  });
});
