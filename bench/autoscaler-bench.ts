// npm run bench:autoscaler: replays load traces through six scaling policies (policies.ts),
// scores each, writes bench/results/autoscaler.json and one SVG chart per trace.
// Deterministic: the same figures on every run and machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineChart } from './autoscaler/chart';
import { cpuAndRequestsPolicy, cpuPolicy, FAST_SCALE_UP, hpaEquivalentPolicy, REQUESTS_TARGET, SATURATION, SPEC, TARGET, thresholdPolicy } from './autoscaler/policies';
import { EVALUATION_INTERVAL_MS, METRIC_DELAY_MS, neededTasks, REQUESTS_PER_CORE, score, simulate, TASK_START_MS, type Policy } from './autoscaler/simulation';
import { checkTargets, type PolicyName, type TraceResult } from './autoscaler/targets';
import { TRACES } from './autoscaler/traces';
import { REPO_ROOT } from '../tests/helpers/processes';

const RESULTS = path.join(REPO_ROOT, 'bench/results');
const slug = (name: string) => name.split(':')[0]?.trim().replace(/\s+/g, '-') ?? 'trace';

const POLICIES: Record<PolicyName, { label: string; color: string; dashed?: boolean; make: () => Policy }> = {
  hpaEquivalent: { label: 'HPA-equivalent (before)', color: '#8e44ad', make: () => hpaEquivalentPolicy() },
  cpu: { label: 'CPU', color: '#1f6fd1', make: () => cpuPolicy() },
  cpuFast: { label: 'CPU, up 200%/15s', color: '#c0392b', make: () => cpuPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP }) },
  // Dashed: in this model they coincide with CPU alone (see simulation.ts), and must stay visible on top.
  cpuAndRequests: { label: 'CPU + requests', color: '#2a9d3a', dashed: true, make: () => cpuAndRequestsPolicy() },
  cpuAndRequestsFast: { label: 'CPU + requests, up 200%/15s', color: '#f1c40f', dashed: true, make: () => cpuAndRequestsPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP }) },
  baseline: { label: 'threshold baseline', color: '#e07b00', make: thresholdPolicy },
};
const NAMES = Object.keys(POLICIES) as PolicyName[];

function main() {
  mkdirSync(RESULTS, { recursive: true });
  const results: TraceResult[] = TRACES.map((trace) => {
    const timelines = NAMES.map((name) => [name, simulate(trace, POLICIES[name].make())] as const);
    const first = timelines[0]![1];
    const chart = `autoscaler-${slug(trace.name)}.svg`;
    writeFileSync(
      path.join(RESULTS, chart),
      lineChart(trace.name, first.tMs, [
        { label: `tasks needed at ${TARGET * 100} % CPU`, color: '#888', dashed: true, values: first.demand.map((d) => neededTasks(d, TARGET)) },
        ...timelines.map(([name, timeline]) => ({ label: POLICIES[name].label, color: POLICIES[name].color, dashed: POLICIES[name].dashed, values: timeline.running })),
      ]),
    );
    const scores = Object.fromEntries(timelines.map(([name, timeline]) => [name, score(timeline, TARGET)])) as TraceResult['scores'];
    return { trace: trace.name, chart, scores };
  });

  const targets = checkTargets(results);
  const report = {
    settings: {
      evaluationIntervalS: EVALUATION_INTERVAL_MS / 1000,
      metricDelayS: METRIC_DELAY_MS / 1000,
      taskStartS: TASK_START_MS / 1000,
      cpuTarget: TARGET,
      cpuSaturation: SATURATION,
      requestsPerCore: REQUESTS_PER_CORE,
      requestsTarget: REQUESTS_TARGET,
    },
    policies: Object.fromEntries(NAMES.map((name) => [name, POLICIES[name].label])),
    results,
    targets,
  };
  writeFileSync(path.join(RESULTS, 'autoscaler.json'), `${JSON.stringify(report, null, 2)}\n`);
  const round = (v: number) => Math.round(v * 100) / 100;
  console.table(
    results.flatMap((r) =>
      NAMES.map((name) => ({
        trace: slug(r.trace),
        policy: POLICIES[name].label,
        'adequate after s': r.scores[name].timeToAdequateCapacityS,
        'under task-s': r.scores[name].underProvisionedTaskSeconds,
        'over task-s': r.scores[name].overProvisionedTaskSeconds,
        'direction changes': r.scores[name].directionChanges,
        'over-provisioning': round(r.scores[name].overProvisioningRatio),
      })),
    ),
  );
  console.table(targets);
}

main();
