// What a dashboard definition is written in: panels with a title, a unit and their queries, and
// the variables they filter by. model.ts turns it into Grafana's JSON model.

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

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE = '$__rate_interval';
