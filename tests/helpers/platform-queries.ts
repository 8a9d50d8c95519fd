import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderDashboards } from '../../scripts/grafana/dashboards';
import { withoutGrafanaVariables } from './promql';
import { STACK_DIR } from './stack';

export interface PlatformQuery {
  where: string;
  expr: string;
  kind: 'record' | 'alert' | 'panel' | 'variable';
  dashboard?: string;
}

interface Dashboard { uid: string; panels: { title: string; targets?: { expr: string }[] }[]; templating: { list: { name: string; type: string; definition?: string }[] } }

/** Every PromQL expression the platform evaluates: rules, and the dashboards as generated. */
export function platformQueries(): PlatformQuery[] {
  const rules = (file: string) =>
    (parse(readFileSync(path.join(STACK_DIR, 'prometheus/rules', file), 'utf8')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
  const queries: PlatformQuery[] = [
    ...rules('recording.yml').map((r) => ({ where: `record ${r.record}`, expr: r.expr, kind: 'record' as const })),
    ...rules('alerts.yml').map((r) => ({ where: `alert ${r.alert}`, expr: r.expr, kind: 'alert' as const })),
  ];
  for (const text of renderDashboards().values()) {
    const dashboard = JSON.parse(text) as Dashboard;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        queries.push({ where: `${dashboard.uid} "${panel.title}"`, expr: withoutGrafanaVariables(target.expr).replace(/=~?"x"/g, '=~".*"'), kind: 'panel', dashboard: dashboard.uid });
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const expr = /^label_values\((.*),\s*\w+\)$/.exec(variable.definition ?? '')?.[1];
      if (expr) queries.push({ where: `${dashboard.uid} $${variable.name}`, expr, kind: 'variable', dashboard: dashboard.uid });
    }
  }
  return queries;
}

// Why a query may rightly return nothing on the healthy test cluster. A query that returns
// nothing for none of these reasons fails the cluster suite.
const REASONS: { applies: (q: PlatformQuery) => boolean; reason: string }[] = [
  { applies: (q) => q.kind === 'alert', reason: 'the alert condition does not hold on the healthy cluster' },
  { applies: (q) => /\bcontainer_[a-z_]+/.test(q.expr), reason: 'cAdvisor cannot run on these machines (docs/testbed.md)' },
  { applies: (q) => /job="grafana"/.test(q.expr), reason: 'Grafana cannot run on these machines' },
  { applies: (q) => /job="traefik"|traefik_/.test(q.expr), reason: 'Traefik cannot run on these machines; HAProxy stands in' },
  { applies: (q) => /code=~?"5|status=~?"5/.test(q.expr), reason: 'no request failed with a 5xx' },
  // Counters with labels exist only once incremented (prom-client).
  { applies: (q) => /autoscaler_scale_events_total/.test(q.expr), reason: 'the autoscaler has not scaled anything yet' },
  { applies: (q) => /autoscaler_errors_total/.test(q.expr), reason: 'the autoscaler has had no error' },
];

export function whyEmpty(query: PlatformQuery): string | undefined {
  return REASONS.find((r) => r.applies(query))?.reason;
}
