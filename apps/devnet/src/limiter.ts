// A bound on how many of the demo catalog's tasks run at once (ffmpeg, uploads, writes).

export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` tasks at once, the rest in the order they were handed in. */
export function limiter(n: number): Limit {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot to the next in line, so none can slip in between.
    if (running < n) running++;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
