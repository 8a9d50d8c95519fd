import path from 'node:path';
import { Worker } from 'node:worker_threads';

// Steady mixed load for the cluster scenarios: GET /hello, PUT /hello/:user and GET of that user,
// from a fixed number of loops paced to a target rate, bounded in count and time. Every socket
// error, timeout, unexpected status and wrong body is a failure, kept with its time. It runs in a
// worker thread (load-worker.ts), so blocking commands of the test cannot stall it.
//
// Not autocannon: when a server closes a connection with a request unanswered (a task stopping
// under an update, the very failure measured here), autocannon's client reconnects and sends the
// next request without counting the lost one (lib/httpClient.js, the socket's 'end' handler).
// Node's fetch (undici) rejects such a request, so each one is counted.

export interface LoadOptions {
  baseUrl: string;
  token: string;
  /** Requests per second over all loops. */
  rate: number;
  workers?: number;
  maxRequests: number;
  maxMs: number;
  requestTimeoutMs?: number;
  /** Statuses that are right for data routes besides 2xx (e.g. 503 while the database is down). */
  acceptDataStatuses?: number[];
}

export interface Failure { at: number; what: string }

export interface LoadReport {
  requests: number;
  failures: Failure[];
  /** Data-route answers with one of acceptDataStatuses (counted, not failures). */
  accepted: number;
  latencyMs: { p50: number; p99: number };
  startedAt: number;
  endedAt: number;
  /** Users whose PUT was acknowledged with 204, with the date sent. */
  acknowledged: [string, string][];
}

export interface Load {
  /** The report so far; the load goes on. */
  snapshot: () => Promise<LoadReport>;
  /** Ends the load (the requests in flight finish) and resolves with the report. */
  stop: () => Promise<LoadReport>;
}

/** Starts the load at once. */
export function startLoad(options: LoadOptions): Load {
  const worker = new Worker(path.join(__dirname, 'load-worker.ts'), { workerData: options, execArgv: ['--require', 'ts-node/register/transpile-only'] });
  let failed: Error | undefined;
  worker.on('error', (error) => (failed = error));
  const ask = (message: 'snapshot' | 'stop') =>
    new Promise<LoadReport>((resolve, reject) => {
      if (failed) return reject(failed);
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(message);
    });
  return {
    snapshot: () => ask('snapshot'),
    stop: async () => {
      try {
        return await ask('stop');
      } finally {
        await worker.terminate();
      }
    },
  };
}
