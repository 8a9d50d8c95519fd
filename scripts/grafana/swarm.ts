// The Swarm nodes and the tasks on them, from node-exporter, cAdvisor and dockerd.
import { RATE, type DashboardSpec } from './spec';

const CONTAINER = 'container_label_com_docker_swarm_service_name';
const TASK_CONTAINERS = `${CONTAINER}=~"$service", container_label_com_docker_swarm_task_id!="", swarm_node=~"$node"`;

export const swarmDashboard: DashboardSpec = {
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
