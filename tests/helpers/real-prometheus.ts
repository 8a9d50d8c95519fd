// Debian's Prometheus, started on 127.0.0.1 for an end-to-end test.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { until } from './wait';

/** A loopback port nobody listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  const probe = http.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface PrometheusProcess {
  url: string;
  process: ChildProcess;
  stop: () => void;
}

/** Writes `config` into `dir`, starts Prometheus on a free loopback port and waits until ready. */
export async function startPrometheus(dir: string, config: string): Promise<PrometheusProcess> {
  const port = await freePort();
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const child = spawn(
    'prometheus',
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await until('Prometheus to be ready', async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 30_000);
  return { url, process: child, stop: () => child.kill('SIGKILL') };
}
