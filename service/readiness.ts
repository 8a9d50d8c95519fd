import type { Readiness } from './probes';
import type { BirthdayStore } from './storage/store';

export interface ServiceReadiness extends Readiness {
  startDraining(): void;
}

/** Readiness backed by a database ping bounded by `timeoutMs`; reasons never reveal addresses. */
export function createReadiness(store: BirthdayStore, timeoutMs = 2000): ServiceReadiness {
  let draining = false;
  return {
    isDraining: () => draining,
    startDraining: () => {
      draining = true;
    },
    checkDatabase: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          store.ping().catch(() => {
            throw new Error('database is not answering queries');
          }),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
