import { Writable } from 'node:stream';
import pino from 'pino';

/** A real pino logger writing into an array, so tests can read what the service logged. */
export function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
