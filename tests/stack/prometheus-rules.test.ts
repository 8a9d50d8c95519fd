import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { metricNames, promqlError } from '../helpers/promql';
import { STACK_DIR } from '../helpers/stack';

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleTest { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }

// The quick tier's view of the Prometheus rules; test:config runs promtool on the same files.
describe('Prometheus rules', () => {
  const dir = path.join(STACK_DIR, 'prometheus');
  const rules = (file: string) => (parse(readFileSync(path.join(dir, 'rules', file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
  const recording = rules('recording.yml');
  const alerts = rules('alerts.yml');
  const recorded = new Set(recording.map((rule) => rule.record));
  const ruleTests = readdirSync(path.join(dir, 'tests'))
    .filter((file) => file.endsWith('.test.yml'))
    .flatMap((file) => (parse(readFileSync(path.join(dir, 'tests', file), 'utf8')) as { tests: RuleTest[] }).tests)
    .flatMap((test) => test.alert_rule_test ?? []);

  it('alert on everything the issue lists', () => {
    expect(alerts.map((rule) => rule.alert).sort()).to.deep.equal(
      ['AutoscalerAbsent', 'AutoscalerErrors', 'DiskFilling', 'HighErrorRatio', 'HighLatencyP95', 'NodeDown', 'RunningBelowDesired', 'ServiceAtMaxReplicas', 'TargetDown'].sort(),
    );
  });

  it('parse as PromQL, and read only recorded series that are defined', () => {
    for (const rule of [...recording, ...alerts]) {
      const name = rule.record ?? rule.alert;
      expect(promqlError(rule.expr), name).to.equal(undefined);
      for (const metric of metricNames(rule.expr).filter((m) => m.includes(':'))) expect(recorded.has(metric), `${name} reads ${metric}`).to.equal(true);
    }
  });

  it('give every alert a severity, a wait, a summary and a description', () => {
    for (const rule of alerts) {
      expect(rule.labels?.severity, rule.alert).to.be.oneOf(['warning', 'critical']);
      expect(rule.for, rule.alert).to.match(/^\d+[smh]$/);
      expect(rule.annotations, rule.alert).to.have.keys('summary', 'description');
    }
  });

  it('have a promtool unit test that expects each alert to fire and one that expects it quiet', () => {
    for (const rule of alerts) {
      const cases = ruleTests.filter((test) => test.alertname === rule.alert);
      expect(cases.some((test) => test.exp_alerts.length > 0), `${rule.alert} firing`).to.equal(true);
      expect(cases.some((test) => test.exp_alerts.length === 0), `${rule.alert} quiet`).to.equal(true);
    }
  });
});
