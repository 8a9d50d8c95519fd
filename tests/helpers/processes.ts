// Programs of this repository in their own Node processes, for the tests and the bench (which
// builds this file into dist/: no test framework here).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { until } from './wait';

/** The repository's root, from its sources or from their build under dist/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));

export interface StartOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** The program's own arguments. */
  args?: string[];
  /** Node's options, before the file (`--max-semi-space-size=4`). */
  nodeArgs?: string[];
  /** Pins the process to this core with taskset. */
  cpu?: number;
  /**
   * Sends the output to files, as a container's log driver takes it, rather than through pipes
   * to this process: reading it then costs the caller (a load generator, say) nothing.
   */
  outputToFiles?: boolean;
}

export interface NodeProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  /** Both, stdout first. */
  output: () => string;
  /** Waits for the JSON log line carrying `"port":N` (and `"metricsPort":M`, else 0); kills the process if none comes. */
  listening: (timeoutMs?: number) => Promise<{ port: number; metricsPort: number }>;
  port: (timeoutMs?: number) => Promise<number>;
  /** Sends a signal (SIGTERM by default) unless the process has ended, and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts a file of this repository (relative to its root, or absolute) in its own Node process: a .ts file through ts-node. */
export function startNode(file: string, options: StartOptions = {}): NodeProcess {
  const typescript = file.endsWith('.ts');
  const node = [process.execPath, ...(options.nodeArgs ?? []), ...(typescript ? ['-r', 'ts-node/register'] : []), path.resolve(REPO_ROOT, file), ...(options.args ?? [])];
  const [command, ...args] = options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node];
  const env = { ...process.env, ...(typescript ? { TS_NODE_TRANSPILE_ONLY: 'true' } : {}), ...options.env };
  const output = options.outputToFiles ? fileOutput() : memoryOutput();
  const child = spawn(command!, args, { cwd: REPO_ROOT, env, stdio: ['ignore', ...output.stdio] });
  output.attach(child);
  // 'close', not 'exit': by then the pipes have delivered all the output too.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      output.finish();
      resolve(code);
    }),
  );
  const listening = async (timeoutMs = 30_000) => {
    const probe = async () => {
      const match = /"port":(\d+)(?:,"metricsPort":(\d+))?/.exec(output.stdout());
      if (match) return { port: Number(match[1]), metricsPort: Number(match[2] ?? 0) };
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${file} exited (${child.exitCode ?? child.signalCode}) without logging its port`);
      return undefined;
    };
    try {
      return await until(`${file} to log its port`, probe, timeoutMs, 25);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}: ${output.stdout()} ${output.stderr()}`);
    }
  };
  return {
    child,
    exited,
    stdout: output.stdout,
    stderr: output.stderr,
    output: () => output.stdout() + output.stderr(),
    listening,
    port: async (timeoutMs) => (await listening(timeoutMs)).port,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

interface Output {
  stdio: ['pipe', 'pipe'] | [number, number];
  attach: (child: ChildProcess) => void;
  stdout: () => string;
  stderr: () => string;
  /** Called once the process has exited. */
  finish: () => void;
}

function memoryOutput(): Output {
  let stdout = '';
  let stderr = '';
  return {
    stdio: ['pipe', 'pipe'],
    attach: (child) => {
      child.stdout?.on('data', (chunk) => (stdout += chunk));
      child.stderr?.on('data', (chunk) => (stderr += chunk));
    },
    stdout: () => stdout,
    stderr: () => stderr,
    finish: () => {},
  };
}

/** Output in two files of a temporary directory, read when asked, kept in memory and removed once the process has exited. */
function fileOutput(): Output {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'process-output-'));
  const files = { stdout: path.join(dir, 'stdout.log'), stderr: path.join(dir, 'stderr.log') };
  const stdio: [number, number] = [openSync(files.stdout, 'a'), openSync(files.stderr, 'a')];
  let final: { stdout: string; stderr: string } | undefined;
  const read = () => final ?? { stdout: readFileSync(files.stdout, 'utf8'), stderr: readFileSync(files.stderr, 'utf8') };
  return {
    stdio,
    attach: () => stdio.forEach((fd) => closeSync(fd)),
    stdout: () => read().stdout,
    stderr: () => read().stderr,
    finish: () => {
      final = read();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file of this repository to its end, killing it after `timeoutMs`. */
export async function runTs(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Finished> {
  const p = startNode(file, { env, args });
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code === null) throw new Error(`${file} did not finish within ${timeoutMs} ms`);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
