// The platform's Grafana dashboards as code: `npm run dashboards` writes them to
// stack/grafana/dashboards/*.json, which Grafana provisions. Building them here gives every panel
// a title, a unit, the datasource variable and a place in the grid by construction; a test checks
// the committed JSON is what this produces.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Grafana unit ids used here; `suffix:` is Grafana's custom unit. */
export type Unit = 'reqps' | 'percentunit' | 's' | 'bytes' | 'short' | 'suffix: cores' | 'suffix: tasks' | 'suffix: replicas';

export interface Query {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  title: string;
  unit: Unit;
  queries: Query[];
  description?: string;
  kind?: 'timeseries' | 'stat' | 'bars';
  /** Grid columns out of 24; rows fill left to right. */
  width?: 6 | 8 | 12 | 24;
}

export interface VariableSpec {
  name: string;
  label: string;
  /** PromQL for label_values(), e.g. `up{job="app"}`, and the label to list. */
  series: string;
  labelName: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: VariableSpec[];
  panels: PanelSpec[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const PANEL_HEIGHT = { timeseries: 8, bars: 8, stat: 4 } as const;

function panelJson(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }) {
  const kind = spec.kind ?? 'timeseries';
  const custom =
    kind === 'stat'
      ? undefined
      : { drawStyle: kind === 'bars' ? 'bars' : 'line', fillOpacity: kind === 'bars' ? 80 : 10, lineWidth: 1, showPoints: 'never', spanNulls: false };
  return {
    id,
    type: kind === 'stat' ? 'stat' : 'timeseries',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: { unit: spec.unit, ...(custom ? { custom } : {}) }, overrides: [] },
    options:
      kind === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area' }
        : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: spec.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend,
      range: true,
    })),
  };
}

function variableJson(spec: VariableSpec) {
  const definition = `label_values(${spec.series}, ${spec.labelName})`;
  return {
    name: spec.name,
    label: spec.label,
    type: 'query',
    datasource: DATASOURCE,
    definition,
    query: { query: definition, refId: `${spec.name}-values` },
    refresh: 2,
    includeAll: true,
    allValue: '.+',
    multi: true,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

/** The Grafana JSON model of one dashboard. */
export function buildDashboard(spec: DashboardSpec) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = spec.panels.map((panel, index) => {
    const w = panel.width ?? 12;
    const h = PANEL_HEIGHT[panel.kind ?? 'timeseries'];
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return panelJson(panel, index + 1, gridPos);
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['swarm-platform'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: 'prometheus' } },
        ...spec.variables.map(variableJson),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

const SERVICE = 'swarm_service=~"$service"';
const RATE = '$__rate_interval';
const quantile = (q: number) => ({
  expr: `histogram_quantile(${q}, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="app", ${SERVICE}}[${RATE}])))`,
  legend: `p${Math.round(q * 100)} {{route}}`,
});

const serviceDashboard: DashboardSpec = {
  uid: 'platform-service',
  title: 'Service',
  description: 'The birthday service: traffic, errors, latency and its Node.js runtime, per Swarm service and task.',
  variables: [{ name: 'service', label: 'Service', series: 'up{job="app"}', labelName: 'swarm_service' }],
  panels: [
    {
      title: 'Request rate by route',
      unit: 'reqps',
      queries: [{ expr: `sum by (route) (rate(http_requests_total{job="app", ${SERVICE}}[${RATE}]))`, legend: '{{route}}' }],
    },
    {
      title: 'Server error ratio (5xx)',
      unit: 'percentunit',
      description: 'Share of answered requests with a 5xx status; the HighErrorRatio alert fires above 5% for 5 minutes.',
      queries: [
        {
          expr: `sum by (swarm_service) (rate(http_requests_total{job="app", ${SERVICE}, status_code=~"5.."}[${RATE}])) / sum by (swarm_service) (rate(http_requests_total{job="app", ${SERVICE}}[${RATE}]))`,
          legend: '{{swarm_service}}',
        },
      ],
    },
    { title: 'Latency p50 by route', unit: 's', width: 8, queries: [quantile(0.5)] },
    { title: 'Latency p95 by route', unit: 's', width: 8, queries: [quantile(0.95)] },
    { title: 'Latency p99 by route', unit: 's', width: 8, queries: [quantile(0.99)] },
    {
      title: 'Responses by status code',
      unit: 'reqps',
      queries: [{ expr: `sum by (status_code) (rate(http_requests_total{job="app", ${SERVICE}}[${RATE}]))`, legend: '{{status_code}}' }],
    },
    {
      title: 'Event-loop lag p99 by task',
      unit: 's',
      queries: [{ expr: `nodejs_eventloop_lag_p99_seconds{job="app", ${SERVICE}}`, legend: '{{instance}}' }],
    },
    {
      title: 'Resident memory by task',
      unit: 'bytes',
      queries: [{ expr: `process_resident_memory_bytes{job="app", ${SERVICE}}`, legend: '{{instance}}' }],
    },
    {
      title: 'Running replicas',
      unit: 'suffix: replicas',
      description: 'Tasks answering their scrape, and the count the autoscaler has set.',
      queries: [
        { expr: `count by (swarm_service) (up{job="app", ${SERVICE}} == 1)`, legend: 'running {{swarm_service}}' },
        { expr: `swarm_service:autoscaler_replicas:set{${SERVICE}}`, legend: 'set {{swarm_service}}' },
      ],
    },
  ],
};

const CONTAINER = 'container_label_com_docker_swarm_service_name';
const TASK_CONTAINERS = `${CONTAINER}=~"$service", container_label_com_docker_swarm_task_id!="", swarm_node=~"$node"`;

const swarmDashboard: DashboardSpec = {
  uid: 'platform-swarm',
  title: 'Swarm',
  description: 'Nodes and the tasks on them: availability, placement, CPU, memory and restarts (node-exporter, cAdvisor, dockerd).',
  variables: [
    { name: 'node', label: 'Node', series: 'up{job="dockerd"}', labelName: 'swarm_node' },
    { name: 'service', label: 'Service', series: 'container_last_seen{job="cadvisor"}', labelName: CONTAINER },
  ],
  panels: [
    { title: 'Nodes up', unit: 'short', kind: 'stat', width: 8, queries: [{ expr: 'count(up{job="dockerd"} == 1)', legend: 'up' }] },
    { title: 'Nodes down', unit: 'short', kind: 'stat', width: 8, queries: [{ expr: 'count(up{job="dockerd"} == 0) or vector(0)', legend: 'down' }] },
    { title: 'Tasks running', unit: 'suffix: tasks', kind: 'stat', width: 8, queries: [{ expr: `count(container_last_seen{job="cadvisor", ${TASK_CONTAINERS}})`, legend: 'tasks' }] },
    {
      title: 'Node availability (1 = daemon answers)',
      unit: 'short',
      width: 24,
      queries: [{ expr: 'up{job="dockerd", swarm_node=~"$node"}', legend: '{{swarm_node}} ({{swarm_node_availability}})' }],
    },
    {
      title: 'Tasks per node',
      unit: 'suffix: tasks',
      queries: [{ expr: `count by (swarm_node) (container_last_seen{job="cadvisor", ${TASK_CONTAINERS}})`, legend: '{{swarm_node}}' }],
    },
    {
      title: 'Tasks per service',
      unit: 'suffix: tasks',
      queries: [{ expr: `count by (${CONTAINER}) (container_last_seen{job="cadvisor", ${TASK_CONTAINERS}})`, legend: `{{${CONTAINER}}}` }],
    },
    {
      title: 'CPU utilisation per node',
      unit: 'percentunit',
      queries: [{ expr: 'swarm_node:cpu_utilisation:ratio_rate5m{swarm_node=~"$node"}', legend: '{{swarm_node}}' }],
    },
    {
      title: 'Memory utilisation per node',
      unit: 'percentunit',
      queries: [{ expr: 'swarm_node:memory_utilisation:ratio{swarm_node=~"$node"}', legend: '{{swarm_node}}' }],
    },
    {
      title: 'CPU per service',
      unit: 'suffix: cores',
      queries: [{ expr: `sum by (${CONTAINER}) (rate(container_cpu_usage_seconds_total{job="cadvisor", ${TASK_CONTAINERS}}[${RATE}]))`, legend: `{{${CONTAINER}}}` }],
    },
    {
      title: 'Memory per service (working set)',
      unit: 'bytes',
      queries: [{ expr: `sum by (${CONTAINER}) (container_memory_working_set_bytes{job="cadvisor", ${TASK_CONTAINERS}})`, legend: `{{${CONTAINER}}}` }],
    },
    {
      title: 'Tasks started in the last hour (restarts, updates, scaling)',
      unit: 'suffix: tasks',
      width: 24,
      kind: 'bars',
      queries: [
        {
          expr: `count by (${CONTAINER}) ((time() - container_start_time_seconds{job="cadvisor", ${TASK_CONTAINERS}}) < 3600)`,
          legend: `{{${CONTAINER}}}`,
        },
      ],
    },
  ],
};

const AUTOSCALED = 'service=~"$service"';

const autoscalerDashboard: DashboardSpec = {
  uid: 'platform-autoscaler',
  title: 'Autoscaler',
  description: 'What the autoscaler sees and decides for each service it manages (docs/autoscaler.md).',
  variables: [{ name: 'service', label: 'Service', series: 'autoscaler_current_replicas', labelName: 'service' }],
  panels: [
    {
      title: 'Replicas: set, desired, bounds',
      unit: 'suffix: replicas',
      width: 24,
      queries: [
        { expr: `autoscaler_current_replicas{${AUTOSCALED}}`, legend: 'set {{service}}' },
        { expr: `autoscaler_desired_replicas{${AUTOSCALED}}`, legend: 'desired {{service}}' },
        { expr: `autoscaler_min_replicas{${AUTOSCALED}}`, legend: 'min {{service}}' },
        { expr: `autoscaler_max_replicas{${AUTOSCALED}}`, legend: 'max {{service}}' },
      ],
    },
    {
      title: 'Metric per task vs target',
      unit: 'percentunit',
      description: 'For CPU, the share of the task\'s CPU limit; a service with its own autoscaler.query shows its own unit here.',
      queries: [
        { expr: `autoscaler_metric_value{${AUTOSCALED}}`, legend: 'value {{service}}' },
        { expr: `autoscaler_metric_target{${AUTOSCALED}}`, legend: 'target {{service}}' },
      ],
    },
    {
      title: 'Scale events',
      unit: 'short',
      kind: 'bars',
      queries: [{ expr: `sum by (service, direction) (increase(autoscaler_scale_events_total{${AUTOSCALED}}[${RATE}]))`, legend: '{{direction}} {{service}}' }],
    },
    {
      title: 'Errors by kind',
      unit: 'short',
      kind: 'bars',
      queries: [{ expr: `sum by (kind) (increase(autoscaler_errors_total[${RATE}]))`, legend: '{{kind}}' }],
    },
    {
      title: 'Reconcile loop duration p95',
      unit: 's',
      queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(autoscaler_loop_duration_seconds_bucket[${RATE}])))`, legend: 'p95' }],
    },
  ],
};

export const DASHBOARDS: Record<string, DashboardSpec> = {
  'service.json': serviceDashboard,
  'swarm.json': swarmDashboard,
  'autoscaler.json': autoscalerDashboard,
};

// From the source tree or from dist/ alike.
const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));
export const DASHBOARD_DIR = path.join(REPO_ROOT, 'stack/grafana/dashboards');

/** The file contents `npm run dashboards` writes, by file name. */
export function renderDashboards(): Map<string, string> {
  return new Map(Object.entries(DASHBOARDS).map(([file, spec]) => [file, `${JSON.stringify(buildDashboard(spec), null, 2)}\n`]));
}

if (require.main === module) {
  for (const [file, text] of renderDashboards()) {
    writeFileSync(path.join(DASHBOARD_DIR, file), text);
    console.log(`wrote stack/grafana/dashboards/${file}`);
  }
}
