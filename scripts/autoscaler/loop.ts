// Runs a tick every `intervalMs`, never two at once (the next is planned when the last ends),
// and never dies of a tick's failure. `stop()` waits for a tick in progress.
export interface Loop {
  stop(): Promise<void>;
}

export interface LoopOptions {
  intervalMs: number;
  tick: () => Promise<void>;
  onError: (error: unknown) => void;
  /** Seconds each tick took, for the loop-duration histogram. */
  onTickDone?: (seconds: number) => void;
}

export function startLoop({ intervalMs, tick, onError, onTickDone }: LoopOptions): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = async () => {
    const started = performance.now();
    try {
      await tick();
    } catch (error) {
      onError(error);
    }
    onTickDone?.((performance.now() - started) / 1000);
    if (!stopped) timer = setTimeout(() => (running = run()), Math.max(0, intervalMs - (performance.now() - started)));
  };
  running = run();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
