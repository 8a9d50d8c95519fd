import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { REPO_ROOT } from '../../bench/lib/service-process';

export { REPO_ROOT };

export interface TsProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  /** Polls stdout for a JSON log line carrying `"port":N` and returns N. */
  port: (timeoutMs?: number) => Promise<number>;
}

/** Starts a TypeScript file of this repo in its own Node process, through ts-node. */
export function spawnTs(file: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): TsProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    port: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && child.exitCode === null) {
        const match = /"port":(\d+)/.exec(stdout);
        if (match) return Number(match[1]);
        await sleep(25);
      }
      throw new Error(`${file} logged no port (exit ${child.exitCode}): ${stdout} ${stderr}`);
    },
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file of this repo to its end, killing it after `timeoutMs`. */
export async function runTs(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Finished> {
  const p = spawnTs(file, env, args);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code === null) throw new Error(`${file} did not finish within ${timeoutMs} ms`);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
