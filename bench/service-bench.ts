// npm run bench: loads the built service (SQLite) and a bare Express 5 app with autocannon, each
// server in its own process pinned to one core, the load from this process on another core.
// Rounds alternate between the two so drift on a noisy machine hits both alike; medians reported.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT, startNode, type NodeProcess } from '../tests/helpers/processes';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SERVICE_NODE_ARGS = ['--max-semi-space-size=4'];
const TARGETS = { getHello: 0.85, getUser: 0.75, peakRssMb: 150 };

interface Case {
  name: string;
  server: 'bare' | 'service';
  method: 'GET' | 'PUT';
  path: string;
  body?: string;
}

const CASES: Case[] = [
  { name: 'bare GET /hello', server: 'bare', method: 'GET', path: '/hello' },
  { name: 'GET /hello', server: 'service', method: 'GET', path: '/hello' },
  { name: 'GET /hello/:username', server: 'service', method: 'GET', path: '/hello/Alice' },
  { name: 'PUT /hello/:username', server: 'service', method: 'PUT', path: '/hello/Alice', body: '{"dateOfBirth":"1990-05-05"}' },
];

interface Sample {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  non2xx: number;
  /** Server CPU (user + system) per request: steadier than req/s on a noisy machine. */
  cpuUsPerRequest: number;
}

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const cores = os.availableParallelism();
const serverCore = hasTaskset && cores > 1 ? 0 : undefined;
if (hasTaskset && cores > 1) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S; // utime, stime
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

interface Server {
  process: NodeProcess;
  port: number;
}

async function load(target: Server, c: Case, durationS: number): Promise<Sample> {
  const pid = target.process.child.pid ?? 0;
  let peak = rssMb(pid);
  const cpuBefore = cpuSeconds(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${target.port}${c.path}`,
      method: c.method,
      body: c.body,
      headers: c.body ? { 'content-type': 'application/json' } : {},
      connections: CONNECTIONS,
      duration: durationS,
    });
    return {
      requestsPerSec: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      peakRssMb: Math.max(peak, rssMb(pid)),
      non2xx: result.non2xx + result.errors,
      cpuUsPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.requests.total),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  // Output to files, as a container's log driver takes it: reading it costs the load generator nothing.
  const bareProcess = startNode('dist/bench/bare-express.js', { cpu: serverCore, outputToFiles: true });
  const serviceProcess = startNode('dist/service/main.js', {
    env: { PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: path.join(dataDir, 'app.db'), LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' },
    // Started as `npm start` and the image start it: a 4 MiB young generation keeps RSS down.
    nodeArgs: SERVICE_NODE_ARGS,
    cpu: serverCore,
    outputToFiles: true,
  });
  try {
    const bare: Server = { process: bareProcess, port: await bareProcess.port() };
    const service: Server = { process: serviceProcess, port: await serviceProcess.port() };
    await fetch(`http://127.0.0.1:${service.port}/hello/Alice`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"dateOfBirth":"1990-05-05"}' });
    const samples = new Map<string, Sample[]>(CASES.map((c) => [c.name, []]));
    for (const c of CASES) await load(c.server === 'bare' ? bare : service, c, 2); // warm-up: JIT, caches
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of CASES) {
        const sample = await load(c.server === 'bare' ? bare : service, c, DURATION_S);
        samples.get(c.name)?.push(sample);
        process.stderr.write(`round ${round}/${ROUNDS} ${c.name}: ${sample.requestsPerSec.toFixed(0)} req/s\n`);
      }
    }
    const baseline = median((samples.get('bare GET /hello') ?? []).map((s) => s.requestsPerSec));
    const rows = CASES.map((c) => {
      const s = samples.get(c.name) ?? [];
      const rps = median(s.map((x) => x.requestsPerSec));
      return {
        case: c.name,
        requestsPerSec: Math.round(rps),
        p50Ms: median(s.map((x) => x.p50Ms)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        peakRssMb: Math.round(Math.max(...s.map((x) => x.peakRssMb))),
        cpuUsPerRequest: Math.round(median(s.map((x) => x.cpuUsPerRequest))),
        ratioToBare: Number((rps / baseline).toFixed(3)),
        non2xx: s.reduce((sum, x) => sum + x.non2xx, 0),
        roundsRequestsPerSec: s.map((x) => Math.round(x.requestsPerSec)),
      };
    });
    const ratio = (name: string) => rows.find((r) => r.case === name)?.ratioToBare ?? 0;
    const servicePeak = Math.max(...rows.filter((r) => r.case !== 'bare GET /hello').map((r) => r.peakRssMb));
    const targets = {
      getHelloRatio: { target: TARGETS.getHello, measured: ratio('GET /hello'), met: ratio('GET /hello') >= TARGETS.getHello },
      getUserRatio: { target: TARGETS.getUser, measured: ratio('GET /hello/:username'), met: ratio('GET /hello/:username') >= TARGETS.getUser },
      servicePeakRssMb: { target: TARGETS.peakRssMb, measured: servicePeak, met: servicePeak < TARGETS.peakRssMb },
    };
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus()[0]?.model, cores, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, pinned: serverCore !== undefined },
      settings: { durationS: DURATION_S, rounds: ROUNDS, connections: CONNECTIONS, serverLogLevel: 'info', database: 'sqlite', serviceNodeArgs: SERVICE_NODE_ARGS },
      rows,
      targets,
    };
    mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, 'bench/results/service.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.table(rows.map(({ roundsRequestsPerSec: _rounds, ...row }) => row));
    console.table(targets);
    if (rows.some((r) => r.non2xx > 0)) {
      console.error('some responses were not 2xx: the figures are not comparable');
      process.exitCode = 1;
    }
  } finally {
    await Promise.all([bareProcess.stop(), serviceProcess.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
