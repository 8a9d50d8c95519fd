// A deterministic cluster model for comparing scaling policies on load traces (1 s steps).
// Demand is in cores, and each core of demand is REQUESTS_PER_CORE requests per second. Each
// task can use up to TASK_LIMIT_CORES (its CPU limit) and so answers at most its capacity,
// TASK_LIMIT_CORES x REQUESTS_PER_CORE requests per second. Both metrics show what the tasks
// served, not what was asked of them: CPU stops at the limit, and the request rate (the app's
// `http_requests_total`, counting answered requests) stops at the capacity, so demand beyond it
// (queued, timed out or refused) is seen by neither. The backlog is dropped, not replayed once
// capacity arrives. Tasks start TASK_START_MS after being asked for; the autoscaler sees each
// task's utilisation and request rate METRIC_DELAY_MS late.
import type { TaskSample } from '../../scripts/autoscaler/decision';

export const STEP_MS = 1000;
export const EVALUATION_INTERVAL_MS = 15_000;
export const METRIC_DELAY_MS = 15_000;
export const TASK_START_MS = 5000;
export const REQUESTS_PER_CORE = 100;
/** Each task's CPU limit, in cores: what it can use and, in requests, what it can answer. */
export const TASK_LIMIT_CORES = 1;

export interface Trace {
  name: string;
  durationMs: number;
  /** Demand in cores at a time. */
  demand: (tMs: number) => number;
  initialReplicas: number;
}

export interface Observation {
  nowMs: number;
  currentReplicas: number;
  /** Running tasks with their CPU utilisation as seen METRIC_DELAY_MS ago (undefined: too new). */
  cpu: TaskSample[];
  /**
   * The same tasks with the requests per second they answered: their share of demand up to
   * their capacity, as the app's counter shows. Like CPU it stops at the limit, so an overload
   * shows only as tasks at capacity, never by how much demand exceeds it.
   */
  requests: TaskSample[];
  /** Average utilisation per task over the last `windowMs`, as seen METRIC_DELAY_MS ago. */
  averageUtilisation: (windowMs: number) => number | undefined;
}

/** A policy is asked every EVALUATION_INTERVAL_MS and answers the replicas it wants. */
export type Policy = (observation: Observation) => number;

export interface Timeline {
  tMs: number[];
  demand: number[];
  running: number[];
  desired: number[];
}

export function simulate(trace: Trace, policy: Policy): Timeline {
  const timeline: Timeline = { tMs: [], demand: [], running: [], desired: [] };
  let tasks: number[] = Array.from({ length: trace.initialReplicas }, () => -3_600_000); // start times
  let pendingStarts: number[] = [];
  let desired = trace.initialReplicas;
  const demandPerTaskAt: number[] = []; // per step, the demand on each running task, in cores

  for (let t = 0; t <= trace.durationMs; t += STEP_MS) {
    for (const at of pendingStarts.filter((s) => s <= t)) tasks.push(at);
    pendingStarts = pendingStarts.filter((s) => s > t);
    const demand = trace.demand(t);
    demandPerTaskAt.push(tasks.length === 0 ? demand : demand / tasks.length);

    if (t > 0 && t % EVALUATION_INTERVAL_MS === 0) {
      const seenAt = t - METRIC_DELAY_MS;
      const seen = demandPerTaskAt[Math.max(0, seenAt / STEP_MS)] ?? 0;
      const sample = (value: number) => tasks.map((startedAtMs) => ({ startedAtMs, value: startedAtMs <= seenAt ? value : undefined }));
      const served = Math.min(TASK_LIMIT_CORES, seen); // cores' worth of work each task got done
      const observation: Observation = {
        nowMs: t,
        currentReplicas: desired,
        cpu: sample(served / TASK_LIMIT_CORES),
        requests: sample(served * REQUESTS_PER_CORE),
        averageUtilisation: (windowMs) => {
          const to = Math.floor(seenAt / STEP_MS);
          const from = Math.max(0, to - Math.floor(windowMs / STEP_MS) + 1);
          if (to < 0) return undefined;
          const window = demandPerTaskAt.slice(from, to + 1);
          return window.reduce((sum, u) => sum + Math.min(TASK_LIMIT_CORES, u) / TASK_LIMIT_CORES, 0) / window.length;
        },
      };
      const next = policy(observation);
      if (next > desired) {
        const starting = tasks.length + pendingStarts.length;
        for (let i = starting; i < next; i++) pendingStarts.push(t + TASK_START_MS);
      } else if (next < desired) {
        // Swarm removes the newest tasks first; pending ones are cancelled before running ones.
        let excess = tasks.length + pendingStarts.length - next;
        while (excess > 0 && pendingStarts.length > 0) {
          pendingStarts.pop();
          excess--;
        }
        tasks = tasks.slice(0, Math.max(0, tasks.length - excess));
      }
      desired = next;
    }
    timeline.tMs.push(t);
    timeline.demand.push(demand);
    timeline.running.push(tasks.length);
    timeline.desired.push(desired);
  }
  return timeline;
}

export interface TraceScore {
  /** From the first second demand exceeds capacity to the first second running capacity covers it (null: never). */
  timeToAdequateCapacityS: number | null;
  underProvisionedTaskSeconds: number;
  overProvisionedTaskSeconds: number;
  directionChanges: number;
  /** Mean running over mean needed, minus 1 (0.2 = 20 % more tasks than needed at target). */
  overProvisioningRatio: number;
}

/** Tasks needed to run `demand` cores with every task at `target` of its limit. */
export const neededTasks = (demand: number, target: number) => Math.ceil(demand / (target * TASK_LIMIT_CORES) - 1e-9);

/** Scores a timeline against the replicas needed to run every task at `target` utilisation. */
export function score(timeline: Timeline, target: number): TraceScore {
  let under = 0;
  let over = 0;
  let sumRunning = 0;
  let sumNeeded = 0;
  let shortSince: number | null = null;
  let timeToAdequate: number | null = null;
  let firstShortage: number | null = null;
  timeline.tMs.forEach((t, i) => {
    const demand = timeline.demand[i] ?? 0;
    const running = timeline.running[i] ?? 0;
    const needed = neededTasks(demand, target);
    under += Math.max(0, needed - running);
    over += Math.max(0, running - needed);
    sumRunning += running;
    sumNeeded += needed;
    const adequate = running * TASK_LIMIT_CORES >= demand; // every task below its limit: no request queues for CPU
    if (!adequate && shortSince === null) {
      shortSince = t;
      firstShortage ??= t;
    }
    if (adequate && shortSince !== null) {
      if (shortSince === firstShortage) timeToAdequate = (t - shortSince) / 1000;
      shortSince = null;
    }
  });
  let directionChanges = 0;
  let lastDirection = 0;
  for (let i = 1; i < timeline.desired.length; i++) {
    const direction = Math.sign((timeline.desired[i] ?? 0) - (timeline.desired[i - 1] ?? 0));
    if (direction === 0) continue;
    if (lastDirection !== 0 && direction !== lastDirection) directionChanges++;
    lastDirection = direction;
  }
  return {
    timeToAdequateCapacityS: firstShortage === null ? 0 : timeToAdequate,
    underProvisionedTaskSeconds: under,
    overProvisionedTaskSeconds: over,
    directionChanges,
    overProvisioningRatio: sumNeeded === 0 ? 0 : sumRunning / sumNeeded - 1,
  };
}
