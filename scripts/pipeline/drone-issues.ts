// Turns zod's issues about one pipeline document into one line each, naming the pipeline, the
// step and the key as the YAML spells them.
import type { z } from 'zod';

// Keys that belong one level up or down: Drone ignores them where they are.
const MISPLACED: Record<string, string> = {
  when: 'a pipeline is limited by trigger:, a step by when:',
  trigger: 'a step is limited by when:, a pipeline by trigger:',
  comands: 'commands:',
  depends: 'depends_on:',
  dependsOn: 'depends_on:',
  secrets: 'environment: NAME: {from_secret: SECRET}',
};

type Segment = PropertyKey;

/** Follows a zod path through the raw document; a list written for a constraint has no `include`. */
function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (Array.isArray(value) && segment === 'include') continue;
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** `step "build": environment.TAG`: the path as the YAML reads, with steps named. */
export function describePath(raw: unknown, path: readonly Segment[]): string {
  let text = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const next = path[i + 1];
    if ((segment === 'steps' || segment === 'services') && typeof next === 'number') {
      const stepName = valueAt(raw, [segment, next, 'name']);
      const kind = segment === 'steps' ? 'step' : 'service';
      text += typeof stepName === 'string' ? `${kind} "${stepName}":` : `${segment}[${next}]:`;
      i++;
    } else if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (!(segment === 'include' && Array.isArray(valueAt(raw, path.slice(0, i))))) {
      text += text === '' || text.endsWith(':') ? `${text === '' ? '' : ' '}${String(segment)}` : `.${String(segment)}`;
    }
  }
  return text.replace(/:$/, '');
}

function where(raw: unknown, path: readonly Segment[]): string {
  return path.length === 0 ? 'top level' : describePath(raw, path);
}

/** One line per problem zod found, each prefixed with where it is. */
export function formatIssues(prefix: string, raw: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = where(raw, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = MISPLACED[key] ? ` (Drone ignores it; ${MISPLACED[key]})` : ' (Drone ignores it)';
        lines.push(`${prefix}: ${at}: unknown key "${key}"${hint}`);
      }
    } else if (issue.code === 'invalid_union') {
      // A value that may be a scalar or an object: report the object's own problems (an unknown
      // key such as from_secrets) when it was written as an object.
      const objectBranch = issue.errors.find((branch) => branch.some((inner) => inner.code === 'unrecognized_keys'));
      if (objectBranch) {
        lines.push(...formatIssues(prefix, raw, objectBranch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }))));
      } else {
        lines.push(`${prefix}: ${at}: expected a value or {from_secret: NAME}`);
      }
    } else if (issue.code === 'invalid_value') {
      const value = JSON.stringify(valueAt(raw, issue.path));
      lines.push(`${prefix}: ${at}: ${value} is not one of ${issue.values.map(String).join(', ')}`);
    } else {
      lines.push(`${prefix}: ${at}: ${issue.message}`);
    }
  }
  return lines;
}
