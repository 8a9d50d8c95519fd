// Turns what Prometheus answered into the decision's signals. Pure: the service's tasks and the
// per-task values in, one sample per running task out.
import type { Signal } from './decision';
import type { SwarmTask } from './docker-api';
import type { MetricSource } from './labels';

export const SIGNAL_NAMES: Record<MetricSource['kind'], string> = { cpu: 'cpu', custom: 'query', requests: 'requests' };

/**
 * CPU is compared as a fraction of the task's limit (of one core when it has none); only
 * against a real limit can a task be saturated, so only then does CPU carry a threshold.
 */
export function toSignal(source: MetricSource, tasks: SwarmTask[], values: Map<string, number>, nanoCpus: number | undefined): Signal {
  const divisor = source.kind === 'cpu' && nanoCpus ? nanoCpus / 1e9 : 1;
  const signal: Signal = {
    name: SIGNAL_NAMES[source.kind],
    target: source.target,
    tasks: tasks.map((task) => {
      const value = values.get(task.ID);
      return { startedAtMs: Date.parse(task.Status.Timestamp), value: value === undefined ? undefined : value / divisor };
    }),
  };
  if (source.kind === 'cpu' && nanoCpus) signal.saturationThreshold = source.saturation;
  return signal;
}
