import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { type ChainSource, type IndexChainReturnType, indexChain } from './chainSource.js';
import { ReorgError } from './checkpoints.js';

/** What one pass of an indexer reports. */
export type PassResult = {
  indexedBlock: number | undefined;
  headBlock: number;
  /**
   * Whether nothing more may be indexed now; by default, when the indexed block is the head.
   * A source held back by confirmations or a ceiling says so, and pauses instead of spinning.
   */
  caughtUp?: boolean;
};

export type IndexerStatus = {
  indexedBlock: number | undefined;
  headBlock: number | undefined;
  /** The last pass's failure, until a pass succeeds; a reorg stays until restart. */
  error: string | undefined;
  halted: boolean;
};

export type RunIndexerParameters = {
  name: string;
  pass: () => Promise<PassResult>;
  /** Pause when caught up with the chain, and after a failed pass. */
  pollIntervalMs: number;
  onError: (error: unknown) => void;
};

/**
 * Runs an indexer's passes back to back while it is behind, and every `pollIntervalMs` once it
 * has caught up. A failed pass is retried after the pause; a reorg beyond the confirmations
 * halts the indexer (its state would disagree with the chain).
 */
export function runIndexer({ name, pass, pollIntervalMs, onError }: RunIndexerParameters) {
  const status: IndexerStatus = {
    indexedBlock: undefined,
    headBlock: undefined,
    error: undefined,
    halted: false,
  };
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const waiters = new Set<{ block: number; resolve: () => void }>();

  async function loop(): Promise<void> {
    while (!stopped) {
      let caughtUp = true;
      try {
        const result = await pass();
        status.indexedBlock = result.indexedBlock;
        status.headBlock = result.headBlock;
        status.error = undefined;
        caughtUp =
          result.caughtUp ??
          (result.indexedBlock === undefined || result.indexedBlock >= result.headBlock);
        for (const waiter of waiters) {
          if ((result.indexedBlock ?? -1) >= waiter.block) {
            waiters.delete(waiter);
            waiter.resolve();
          }
        }
      } catch (error) {
        status.error = `${name}: ${(error as Error).message}`;
        onError(error);
        if (error instanceof ReorgError) {
          status.halted = true;
          return;
        }
      }
      if (!caughtUp) continue;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, pollIntervalMs);
        wake = resolve;
      });
    }
  }
  let wake: (() => void) | undefined;

  return {
    status,
    start(): void {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    /** Runs the next pass now instead of after the pause (a relay just landed a block). */
    poke(): void {
      clearTimeout(timer);
      wake?.();
    },
    /** Resolves once `block` is indexed. */
    waitFor(block: number): Promise<void> {
      if ((status.indexedBlock ?? -1) >= block) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.add({ block, resolve });
        this.poke();
      });
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}

export type Indexer = ReturnType<typeof runIndexer>;

export type RunIndexersParameters = {
  db: Kysely<DB>;
  /** What to follow, one indexer each. */
  sources: readonly ChainSource[];
  pollIntervalMs: number;
  onError: (source: ChainSource, error: unknown) => void;
  /**
   * Runs after each pass that succeeded (metrics, what is kept in memory of the indexed state);
   * the pass is done, and the indexer's status moves, once it has. A throw fails the pass.
   */
  onPass?: (source: ChainSource, result: IndexChainReturnType) => void | Promise<void>;
};

/**
 * One indexer per source, each on its own checkpoint and at its own pace (a slow chain does not
 * hold up another), by checkpoint name. Each starts and stops with its own start()/stop().
 */
export function runIndexers({
  db,
  sources,
  pollIntervalMs,
  onError,
  onPass,
}: RunIndexersParameters): Map<string, Indexer> {
  return new Map(
    sources.map((source) => [
      source.checkpoint,
      runIndexer({
        name: source.name,
        pollIntervalMs,
        onError: (error) => onError(source, error),
        pass: async () => {
          const result = await indexChain(db, source);
          await onPass?.(source, result);
          return result;
        },
      }),
    ]),
  );
}
