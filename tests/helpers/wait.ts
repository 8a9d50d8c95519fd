// Waiting in the tests (and the bench) that drive real processes, daemons and clusters: always
// bounded, and a timeout names what was awaited. No test framework here: bench/ builds it.
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Polls `probe` until it returns a value, every `everyMs`; bounded by `timeoutMs`. A probe that throws ends the wait. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
