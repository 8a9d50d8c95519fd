// The load traces, in cores of demand over time. Capacity at the start is 4 tasks of 1 core.
import type { Trace } from './simulation';

const MIN = 60_000;
const IDLE = 0.8; // 4 tasks at 20 %
const CAPACITY = 4; // the starting replicas' cores

/** A fixed-seed pseudo-random sequence, so every run replays the same noise. */
function noise(seed: number): (tMs: number) => number {
  const values: number[] = [];
  let state = seed;
  return (tMs) => {
    const index = Math.floor(tMs / 5000); // a new level every 5 s
    while (values.length <= index) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      values.push((state / 2 ** 31) * 2 - 1);
    }
    return values[index] ?? 0;
  };
}
const plateauNoise = noise(7);

export const TRACES: Trace[] = [
  {
    name: 'step: idle to 3x capacity',
    initialReplicas: 4,
    durationMs: 15 * MIN,
    demand: (t) => (t < MIN ? IDLE : 3 * CAPACITY),
  },
  {
    name: 'slow ramp: idle to 3x capacity over 20 minutes',
    initialReplicas: 4,
    durationMs: 30 * MIN,
    demand: (t) => (t < MIN ? IDLE : Math.min(3 * CAPACITY, IDLE + ((3 * CAPACITY - IDLE) * (t - MIN)) / (20 * MIN))),
  },
  {
    name: 'spike: 30 s at 3x capacity',
    initialReplicas: 4,
    durationMs: 15 * MIN,
    demand: (t) => (t >= 2 * MIN && t < 2 * MIN + 30_000 ? 3 * CAPACITY : 0.7 * CAPACITY),
  },
  {
    name: 'noisy plateau: target load plus or minus 15 % for 30 minutes',
    initialReplicas: 10,
    durationMs: 30 * MIN,
    demand: (t) => 7 * (1 + 0.15 * plateauNoise(t)),
  },
  {
    name: 'drop to idle',
    initialReplicas: 18,
    durationMs: 25 * MIN,
    demand: (t) => (t < 5 * MIN ? 12 : IDLE),
  },
];
