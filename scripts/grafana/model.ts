// A dashboard spec as Grafana's JSON model: every panel and query gets the datasource variable, a
// unit, an id and a place in the grid (rows fill left to right), so no definition can forget one.
import type { DashboardSpec, PanelSpec, VariableSpec } from './spec';

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
