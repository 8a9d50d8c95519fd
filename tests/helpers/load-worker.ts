import { parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadOptions, LoadReport } from './load';

// The load loop of tests/helpers/load.ts, in a worker thread of its own: the scenarios run
// blocking commands (docker, ansible-playbook) on the main thread, which would otherwise stall
// every request in flight and turn the pauses into false timeouts.

const options = workerData as LoadOptions;
const latencies: number[] = [];
const report: LoadReport = { requests: 0, failures: [], accepted: 0, latencyMs: { p50: 0, p99: 0 }, startedAt: Date.now(), endedAt: 0, acknowledged: [] };
const acknowledged = new Map<string, string>();
const deadline = Date.now() + options.maxMs;
let stopped = false;

// Names unique to this run (letters only, as usernames must be), so that a read can only pass on
// a write of this load, never on one left by an earlier scenario.
const letters = 'abcdefghijklmnopqrstuvwxyz';
const inLetters = (n: number, width: number) => Array.from({ length: width }, (_, i) => letters[Math.floor(n / 26 ** i) % 26]).join('');
const run = inLetters(Math.floor(Math.random() * 26 ** 4), 4);

type Check = (status: number, body: string) => string | undefined;

async function call(method: string, path: string, check: Check, init: RequestInit = {}, dataRoute = true): Promise<number | undefined> {
  const started = performance.now();
  report.requests++;
  const failed = (what: string) => report.failures.push({ at: Date.now(), what: `${method} ${path}: ${what}` });
  try {
    const response = await fetch(`${options.baseUrl}${path}`, { ...init, method, signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000) });
    const body = await response.text();
    latencies.push(performance.now() - started);
    if (response.status >= 200 && response.status < 300) {
      const wrong = check(response.status, body);
      if (wrong) failed(wrong);
    } else if (dataRoute && options.acceptDataStatuses?.includes(response.status)) {
      report.accepted++;
    } else {
      failed(`${response.status} ${body.slice(0, 100)}`);
    }
    return response.status;
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    failed(cause?.message ?? (error as Error).message);
    return undefined;
  }
}

/** One paced loop: GET /hello, PUT a new user, GET the last user this loop had acknowledged. */
async function loop(index: number, intervalMs: number): Promise<void> {
  let lastAcknowledged: string | undefined;
  for (let round = 0; !stopped && Date.now() < deadline && report.requests < options.maxRequests; round++) {
    const started = Date.now();
    if (round % 3 === 0) {
      await call('GET', '/hello', (_s, body) => (body === '{"message":"Hello, World!"}' ? undefined : `wrong body ${body.slice(0, 80)}`), {}, false);
    } else if (round % 3 === 1) {
      const user = `load${run}${inLetters(index, 2)}${inLetters(round, 3)}`;
      const dateOfBirth = `1990-${String(1 + (round % 12)).padStart(2, '0')}-15`;
      const status = await call('PUT', `/hello/${user}`, (s) => (s === 204 ? undefined : `status ${s}`), {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ dateOfBirth }),
      });
      if (status === 204) {
        acknowledged.set(user, dateOfBirth);
        lastAcknowledged = user;
      }
    } else if (lastAcknowledged) {
      const user = lastAcknowledged;
      await call('GET', `/hello/${user}`, (_s, body) => (body.includes(`Hello, ${user}!`) ? undefined : `wrong body ${body.slice(0, 80)}`));
    }
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round1 = (n: number) => Math.round(n * 10) / 10;
function snapshot(): LoadReport {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { ...report, failures: [...report.failures], latencyMs: { p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)) }, endedAt: Date.now(), acknowledged: [...acknowledged] };
}

const workers = options.workers ?? 8;
const running = Promise.all(Array.from({ length: workers }, (_, i) => loop(i, (1000 * workers) / options.rate)));
parentPort!.on('message', (message: 'snapshot' | 'stop') => {
  if (message === 'snapshot') {
    parentPort!.postMessage(snapshot());
    return;
  }
  stopped = true;
  void running.then(() => parentPort!.postMessage(snapshot()));
});
