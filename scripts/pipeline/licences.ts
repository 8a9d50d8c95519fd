// The licence rule for what the images ship: every production dependency in the CycloneDX SBOM
// (npm sbom --omit dev) must carry a licence we may redistribute in an image. An expression
// passes when one side of each OR passes and both sides of each AND do.

/** Permissive licences (SPDX ids) the MIT-licensed images may ship. */
export const ALLOWED_LICENCES = new Set([
  '0BSD', 'Apache-2.0', 'BlueOak-1.0.0', 'BSD-2-Clause', 'BSD-3-Clause', 'CC0-1.0', 'ISC', 'MIT', 'Python-2.0', 'Unlicense',
]);

interface Component {
  name?: string;
  version?: string;
  licenses?: ({ license?: { id?: string; name?: string } } | { expression?: string })[];
}

/** Whether an SPDX expression without WITH clauses is satisfied by the allowed ids. */
export function expressionAllowed(expression: string, allowed: ReadonlySet<string>): boolean {
  const text = expression.trim();
  if (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) return expressionAllowed(text.slice(1, -1), allowed);
  for (const [operator, every] of [[' OR ', false], [' AND ', true]] as const) {
    const parts = splitTopLevel(text, operator);
    if (parts.length > 1) {
      return every ? parts.every((part) => expressionAllowed(part, allowed)) : parts.some((part) => expressionAllowed(part, allowed));
    }
  }
  return allowed.has(text);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function splitTopLevel(text: string, operator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (depth === 0 && text.startsWith(operator, i)) {
      parts.push(text.slice(start, i));
      start = i + operator.length;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** One line per component whose licence is missing or not allowed. */
export function licenceProblems(bom: { components?: Component[] }, allowed: ReadonlySet<string> = ALLOWED_LICENCES): string[] {
  const problems: string[] = [];
  for (const component of bom.components ?? []) {
    const label = `${component.name ?? '?'}@${component.version ?? '?'}`;
    const expressions = (component.licenses ?? []).map((entry) =>
      'expression' in entry ? entry.expression : 'license' in entry ? (entry.license?.id ?? entry.license?.name) : undefined);
    if (expressions.length === 0 || expressions.some((expression) => !expression)) {
      problems.push(`${label}: no licence in the SBOM`);
    } else if (!expressions.every((expression) => expressionAllowed(expression ?? '', allowed))) {
      problems.push(`${label}: licence ${expressions.join(', ')} is not one of ${[...allowed].join(', ')}`);
    }
  }
  return problems;
}
