import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  /** Everything the process printed so far. */
  output: () => string;
  /** Sends a signal (SIGTERM by default) and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface StartOptions {
  /** Pin to this core with taskset. */
  cpu?: number;
  timeoutMs?: number;
  nodeArgs?: string[];
}

/**
 * Starts a Node program that logs a JSON line with `port` (and `metricsPort`) when it listens,
 * as the built service does. Its output goes to a file, as a container's log driver takes it,
 * so that reading it costs the caller (a load generator, say) nothing.
 */
export function startProcess(script: string, env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<ServiceProcess> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'service-log-'));
  const logFile = path.join(logDir, 'output.log');
  const fd = openSync(logFile, 'a');
  const node = [process.execPath, ...(options.nodeArgs ?? []), script];
  const [command, ...args] = options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node];
  const child = spawn(command ?? process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let finalOutput: string | undefined;
  const output = () => finalOutput ?? readFileSync(logFile, 'utf8');
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = /"port":(\d+)(?:,"metricsPort":(\d+))?/.exec(output());
      if (match) {
        clearInterval(poll);
        resolve({
          child,
          port: Number(match[1]),
          metricsPort: Number(match[2] ?? 0),
          output,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited.finally(() => {
              finalOutput ??= output();
              rmSync(logDir, { recursive: true, force: true });
            });
          },
        });
      } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        child.kill('SIGKILL');
        const text = output();
        rmSync(logDir, { recursive: true, force: true });
        reject(new Error(`${script} did not start within ${timeoutMs} ms (exit ${child.exitCode}): ${text}`));
      }
    }, 25);
  });
}
