import { expect } from 'chai';
import { ruleMatches } from '../helpers/traefik-rule';

describe('Traefik rule matching (the check the stack tests use)', () => {
  const request = (path: string, host = 'grafana.example.com') => ({ host, path });
  const cases: { name: string; rule: string; path: string; expected: boolean }[] = [
    { name: 'a host matches any path', rule: 'Host(`grafana.example.com`)', path: '/metrics', expected: true },
    { name: 'another host does not', rule: 'Host(`app.example.com`)', path: '/', expected: false },
    { name: 'a prefix matches below it', rule: 'PathPrefix(`/metrics`)', path: '/metrics/plugins/x', expected: true },
    { name: 'Path is exact', rule: 'Path(`/metrics`)', path: '/metrics/plugins/x', expected: false },
    { name: '! inverts a matcher', rule: 'Host(`grafana.example.com`) && !PathPrefix(`/metrics`)', path: '/metrics', expected: false },
    { name: '! leaves other paths', rule: 'Host(`grafana.example.com`) && !PathPrefix(`/metrics`)', path: '/d/abc', expected: true },
    { name: '&& binds tighter than ||', rule: 'Path(`/a`) || Path(`/b`) && Host(`other`)', path: '/a', expected: true },
    { name: 'parentheses group', rule: '(Path(`/a`) || Path(`/b`)) && Host(`other`)', path: '/a', expected: false },
  ];
  for (const { name, rule, path, expected } of cases) {
    it(`when ${name}, then ${expected ? 'it matches' : 'it does not match'}`, () => {
      expect(ruleMatches(rule, request(path))).to.equal(expected);
    });
  }

  it('refuses a matcher it does not know rather than guess', () => {
    expect(() => ruleMatches('ClientIP(`10.0.0.0/8`)', request('/'))).to.throw(/ClientIP/);
  });
});
