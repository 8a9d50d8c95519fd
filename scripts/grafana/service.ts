// The birthday service: traffic, errors, latency and its Node.js runtime.
import { RATE, type DashboardSpec } from './spec';

const SERVICE = 'swarm_service=~"$service"';
const quantile = (q: number) => ({
  expr: `histogram_quantile(${q}, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="app", ${SERVICE}}[${RATE}])))`,
  legend: `p${Math.round(q * 100)} {{route}}`,
});

export const serviceDashboard: DashboardSpec = {
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
