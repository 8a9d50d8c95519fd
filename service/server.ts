import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config';
import type { ServiceReadiness } from './readiness';
import { createMetricsServer } from './shared/metrics-server';
import type { BirthdayStore } from './storage/store';

export interface RunningService {
  port: number;
  metricsPort: number;
  /** Drains and stops; resolves `forced: true` when in-flight work had to be cut at the timeout. */
  shutdown(): Promise<{ forced: boolean }>;
}

export interface StartOptions {
  app: Express;
  config: Pick<Config, 'port' | 'metricsPort' | 'host' | 'shutdownDelayMs' | 'shutdownTimeoutMs'>;
  registry: Registry;
  readiness: ServiceReadiness;
  store: BirthdayStore;
  logger: Logger;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startService({ app, config, registry, readiness, store, logger }: StartOptions): Promise<RunningService> {
  const server = http.createServer((req, res) => {
    // Once draining, tell keep-alive clients (the proxy) to reconnect, to another task.
    if (readiness.isDraining()) res.setHeader('Connection', 'close');
    app(req, res);
  });
  const metricsServer = createMetricsServer(registry);
  const port = await listen(server, config.port, config.host);
  const metricsPort = await listen(metricsServer, config.metricsPort, config.host).catch(async (error) => {
    server.close();
    throw error;
  });

  let stopping: Promise<{ forced: boolean }> | undefined;
  const stop = async () => {
    const deadline = Date.now() + config.shutdownTimeoutMs;
    readiness.startDraining();
    logger.info({ delayMs: config.shutdownDelayMs }, 'draining: readiness is now 503');
    await sleep(config.shutdownDelayMs); // keep serving until the proxy has seen us go unready
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timedOut = await Promise.race([
      closed.then(() => false),
      sleep(Math.max(0, deadline - Date.now()), true, { ref: false }),
    ]);
    if (timedOut) {
      logger.warn('shutdown timeout reached; closing connections with requests still in flight');
      server.closeAllConnections();
      await closed;
    }
    await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    metricsServer.closeAllConnections();
    await store.close();
    logger.info({ forced: timedOut }, 'stopped');
    return { forced: timedOut };
  };
  return {
    port,
    metricsPort,
    shutdown: () => (stopping ??= stop()),
  };
}
