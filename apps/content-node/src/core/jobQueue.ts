/**
 * Runs jobs by id with a fixed number of workers. The queue itself is in memory; durability comes
 * from the caller, which re-enqueues unfinished work from its records at start.
 */
export type JobQueue = {
  /** Adds a job; a job already queued or running is not added twice. */
  enqueue(id: string): void;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops taking jobs and waits for the running ones. */
  stop(): Promise<void>;
  readonly size: number;
};

export type CreateJobQueueParameters = {
  concurrency: number;
  run: (id: string, signal: AbortSignal) => Promise<void>;
  /** Called when `run` throws; the job is not retried by the queue. */
  onError: (id: string, error: unknown) => void;
};

export function createJobQueue({ concurrency, run, onError }: CreateJobQueueParameters): JobQueue {
  const waiting: string[] = [];
  const known = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const controller = new AbortController();
  let idleWaiters: (() => void)[] = [];
  let stopped = false;

  const settleIdle = () => {
    if (waiting.length === 0 && running.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const pump = () => {
    while (!stopped && running.size < concurrency && waiting.length > 0) {
      const id = waiting.shift()!;
      const job = (async () => {
        try {
          await run(id, controller.signal);
        } catch (error) {
          onError(id, error);
        } finally {
          running.delete(id);
          known.delete(id);
          pump();
          settleIdle();
        }
      })();
      running.set(id, job);
    }
    settleIdle();
  };

  return {
    enqueue(id) {
      if (stopped || known.has(id)) return;
      known.add(id);
      waiting.push(id);
      pump();
    },
    idle() {
      if (waiting.length === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      waiting.length = 0;
      controller.abort(new Error('content node is stopping'));
      await Promise.allSettled(running.values());
      settleIdle();
    },
    get size() {
      return waiting.length + running.size;
    },
  };
}
