// What the autoscaler sees and decides for each service it manages.
import { RATE, type DashboardSpec } from './spec';

const AUTOSCALED = 'service=~"$service"';

export const autoscalerDashboard: DashboardSpec = {
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
