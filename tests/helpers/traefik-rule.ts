// Whether a Traefik v3 HTTP router rule matches a request, for the matchers our stacks use. The
// syntax is Traefik's (doc.traefik.io/traefik/reference/routing-configuration/http/routing/
// rules-and-priority/): matchers with backtick values, combined by &&, || and parentheses, and
// inverted by !. An unknown matcher throws, so a check never passes on a rule it cannot read.

export interface HttpRequestLine {
  host: string;
  path: string;
}

type Token = { kind: 'name' | 'value'; text: string } | { kind: '(' | ')' | ',' | '&&' | '||' | '!' };

const TOKEN = /\s*(?:(&&|\|\||[(),!])|`([^`]*)`|([A-Za-z]+))/y;

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < rule.length) {
    if (/^\s*$/.test(rule.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(rule);
    if (!match) throw new Error(`cannot read the rule at ${at}: ${rule}`);
    if (match[1]) tokens.push({ kind: match[1] as '(' | ')' | ',' | '&&' | '||' | '!' });
    else if (match[2] !== undefined) tokens.push({ kind: 'value', text: match[2] });
    else tokens.push({ kind: 'name', text: match[3]! });
  }
  return tokens;
}

const MATCHERS: Record<string, (request: HttpRequestLine, value: string) => boolean> = {
  Host: (request, value) => request.host.toLowerCase() === value.toLowerCase(),
  Path: (request, value) => request.path === value,
  PathPrefix: (request, value) => request.path.startsWith(value),
};

/** Whether `rule` sends `request` to its router. */
export function ruleMatches(rule: string, request: HttpRequestLine): boolean {
  const tokens = tokenize(rule);
  let next = 0;
  const peek = () => tokens[next];
  const take = (kind: Token['kind']) => {
    const token = tokens[next++];
    if (token?.kind !== kind) throw new Error(`expected ${kind} in rule: ${rule}`);
    return token;
  };
  const either = (): boolean => {
    let result = both();
    while (peek()?.kind === '||') {
      next++;
      result = both() || result; // both() first: it must consume its tokens either way
    }
    return result;
  };
  const both = (): boolean => {
    let result = unary();
    while (peek()?.kind === '&&') {
      next++;
      result = unary() && result;
    }
    return result;
  };
  const unary = (): boolean => {
    if (peek()?.kind === '!') {
      next++;
      return !unary();
    }
    if (peek()?.kind === '(') {
      next++;
      const result = either();
      take(')');
      return result;
    }
    const name = (take('name') as { text: string }).text;
    const matcher = MATCHERS[name];
    if (!matcher) throw new Error(`matcher ${name} is not understood by this check: ${rule}`);
    take('(');
    const value = (take('value') as { text: string }).text;
    take(')');
    return matcher(request, value);
  };
  const result = either();
  if (next !== tokens.length) throw new Error(`unexpected text after the rule: ${rule}`);
  return result;
}
