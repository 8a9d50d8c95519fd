import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DASHBOARD_DIR, renderDashboards } from '../../scripts/grafana/dashboards';
import { metricNames, promqlError, withoutGrafanaVariables } from '../helpers/promql';
import { STACK_DIR } from '../helpers/stack';

interface Target { expr: string; datasource: { uid: string } }
interface Panel { id: number; title: string; type: string; datasource: { uid: string }; fieldConfig: { defaults: { unit?: string } }; targets: Target[] }
interface Variable { name: string; type: string; query: string | { query: string }; definition?: string }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: Variable[] } }

// The dashboards Grafana provisions: the committed JSON, checked as Grafana and Prometheus will
// read it.
describe('Grafana dashboards', () => {
  const files = readdirSync(DASHBOARD_DIR).filter((file) => file.endsWith('.json')).sort();
  const dashboards = new Map<string, Dashboard>(files.map((file) => [file, JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as Dashboard]));
  const recorded = new Set(
    ['recording.yml']
      .flatMap((file) => (parse(readFileSync(path.join(STACK_DIR, 'prometheus/rules', file), 'utf8')) as { groups: { rules: { record: string }[] }[] }).groups)
      .flatMap((group) => group.rules.map((rule) => rule.record)),
  );
  const expressions = (dashboard: Dashboard) => [
    ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${dashboard.uid} "${panel.title}"`, expr: target.expr }))),
    ...dashboard.templating.list
      .filter((variable) => variable.type === 'query')
      .map((variable) => ({ where: `${dashboard.uid} $${variable.name}`, expr: /^label_values\((.*),\s*\w+\)$/.exec(variable.definition ?? '')?.[1] ?? '' })),
  ];

  it('are the three the issue names, as `npm run dashboards` generates them', () => {
    expect(files).to.deep.equal(['autoscaler.json', 'service.json', 'swarm.json']);
    const rendered = renderDashboards();
    for (const file of files) expect(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8'), `${file} is stale: run npm run dashboards`).to.equal(rendered.get(file));
  });

  it('have fixed, unique uids and titles', () => {
    const uids = [...dashboards.values()].map((d) => d.uid);
    expect(new Set(uids).size).to.equal(uids.length);
    expect(uids.sort()).to.deep.equal(['platform-autoscaler', 'platform-service', 'platform-swarm']);
    expect([...dashboards.values()].map((d) => d.title).sort()).to.deep.equal(['Autoscaler', 'Service', 'Swarm']);
  });

  it('have a datasource variable that every panel and query uses', () => {
    for (const dashboard of dashboards.values()) {
      expect(dashboard.templating.list[0], dashboard.uid).to.include({ name: 'datasource', type: 'datasource', query: 'prometheus' });
      for (const panel of dashboard.panels) {
        expect(panel.datasource.uid, `${dashboard.uid} ${panel.title}`).to.equal('${datasource}');
        for (const target of panel.targets) expect(target.datasource.uid).to.equal('${datasource}');
      }
    }
  });

  it('have service and node variables where they apply', () => {
    const variables = (file: string) => dashboards.get(file)!.templating.list.map((v) => v.name);
    expect(variables('service.json')).to.include('service');
    expect(variables('swarm.json')).to.include.members(['node', 'service']);
    expect(variables('autoscaler.json')).to.include('service');
  });

  it('give every panel a title, a unit, a unique id and at least one query', () => {
    for (const dashboard of dashboards.values()) {
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size, dashboard.uid).to.equal(ids.length);
      for (const panel of dashboard.panels) {
        expect(panel.title, dashboard.uid).to.be.a('string').and.not.equal('');
        expect(panel.fieldConfig.defaults.unit, `${dashboard.uid} ${panel.title}`).to.be.a('string').and.not.equal('');
        expect(panel.targets.length, `${dashboard.uid} ${panel.title}`).to.be.at.least(1);
      }
    }
  });

  it('show what the issue asks of each', () => {
    const titles = (file: string) => dashboards.get(file)!.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const word of ['request rate', 'error ratio', 'p50', 'p95', 'p99', 'event-loop', 'memory', 'replicas']) expect(titles('service.json')).to.include(word);
    for (const word of ['nodes', 'tasks per node', 'tasks per service', 'cpu utilisation per node', 'memory utilisation per node', 'cpu per service', 'memory per service', 'restarts']) expect(titles('swarm.json')).to.include(word);
    for (const word of ['replicas', 'vs target', 'scale events', 'errors']) expect(titles('autoscaler.json')).to.include(word);
  });

  it('contain only PromQL that parses', () => {
    const problems = [...dashboards.values()].flatMap(expressions).flatMap(({ where, expr }) => {
      const error = promqlError(withoutGrafanaVariables(expr));
      return error ? [`${where}: ${error}`] : [];
    });
    expect(problems).to.deep.equal([]);
  });

  it('read only recorded series that a recording rule defines', () => {
    const missing = [...dashboards.values()]
      .flatMap(expressions)
      .flatMap(({ where, expr }) => metricNames(withoutGrafanaVariables(expr)).filter((name) => name.includes(':') && !recorded.has(name)).map((name) => `${where}: ${name}`));
    expect(missing).to.deep.equal([]);
  });

  it('would catch a broken expression', () => {
    expect(promqlError(withoutGrafanaVariables('sum by (route) (rate(http_requests_total{x=~"$service"}[$__rate_interval])'))).to.match(/syntax error/);
    expect(promqlError(withoutGrafanaVariables('sum by (route) (rate(http_requests_total{x=~"$service"}[$__rate_interval]))'))).to.equal(undefined);
  });
});
