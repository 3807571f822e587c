// What every part of the demo catalog's seeding shares (seedDemoCatalog.ts and the seedDemo*
// modules): who the members are, the tracks planned, and the run's steps, whose first failure
// stops every other and is the one reported.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { ColivingSdk } from '@coliving/sdk';
import type { Address } from 'viem';
import { IMAGE_CONCURRENCY, WRITE_CONCURRENCY } from './constants.js';
import type { DemoResidentProfile } from './demoCatalogContent.js';
import { type DemoImageKind, renderDemoImage } from './demoImages.js';
import { DemoCatalogError } from './errors.js';
import { type Limit, limiter } from './limiter.js';
import { messageOf, retrying } from './retrying.js';

/** Every demo account's password (the devnet manifest lists them; devnet only). */
export const DEMO_PASSWORD = 'coliving-demo';

/** A member of the catalog with their own SDK (and so their own signing wallet). */
export type DemoMember = {
  profile: DemoResidentProfile;
  role: 'landlord' | 'resident';
  sdk: ColivingSdk;
  email: string;
  wallet?: Address;
  userId?: string;
  /** Their user was there already (an earlier seeding that stopped midway). */
  existed?: boolean;
};

/** A track to synthesize and upload: the `index`th of landlord `landlord`. */
export type PlannedTrack = { landlord: number; index: number; title: string; seed: string };

/** One seeding run: its progress, its signal and how its steps run. */
export type DemoSeeding = {
  say: (message: string) => void;
  /** Aborted by the caller, or by the run's first failure. */
  signal: AbortSignal;
  /** What `retrying` needs of the run. */
  retry: { say: (message: string) => void; signal: AbortSignal };
  /** Runs one step; its failure (as a DemoCatalogError saying `what`) stops every other. */
  step: <T>(what: string, task: () => Promise<T>) => Promise<T>;
  /** Awaited later: until then a rejection is handled here (it has aborted the rest already). */
  later: <T>(promise: Promise<T>) => Promise<T>;
  /** A generated picture (cached in `cacheDir`), as bytes to upload. */
  image: (kind: DemoImageKind, seed: string) => Promise<Uint8Array>;
  /** Bounds the run's writes (WRITE_CONCURRENCY). */
  writeLimit: Limit;
  /** A write that may simply be sent again (a repeat changes nothing), as a step. */
  write: <T>(what: string, task: () => Promise<T>) => Promise<T>;
  cacheDir: string;
};

export type CreateDemoSeedingParameters = {
  cacheDir: string;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
};

/**
 * How many listeners the run's signal may have before Node warns of a leak (its default is 10).
 * Every call in flight listens to it (the SDK's reads and writes, uploads, image renders, retry
 * waits); at its busiest, `npm start` has a few dozen at once, which is no leak.
 */
const SIGNAL_LISTENERS = 500;

/** Starts a seeding run; throws at once if `signal` is aborted already. */
export function createDemoSeeding(p: CreateDemoSeedingParameters): DemoSeeding {
  const say = (message: string) => p.onProgress?.(message);
  // The first failure stops every task still running, and is the one reported.
  const abort = new AbortController();
  const signal = p.signal ? AbortSignal.any([p.signal, abort.signal]) : abort.signal;
  setMaxListeners(SIGNAL_LISTENERS, signal);
  signal.throwIfAborted();
  const step = async <T>(what: string, task: () => Promise<T>): Promise<T> => {
    try {
      signal.throwIfAborted();
      return await task();
    } catch (error) {
      // Stopped by an earlier failure: that one is the error to report, wherever it is awaited.
      if (abort.signal.aborted) throw abort.signal.reason;
      if (p.signal?.aborted) throw error;
      const failure =
        error instanceof DemoCatalogError
          ? error
          : new DemoCatalogError(`Seeding the demo catalog failed ${what}: ${messageOf(error)}`, {
              cause: error,
            });
      abort.abort(failure);
      throw failure;
    }
  };
  const later = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };
  const retry = { say, signal };
  const imageLimit = limiter(IMAGE_CONCURRENCY);
  const image = async (kind: DemoImageKind, seed: string) => {
    const { file } = await imageLimit(() =>
      renderDemoImage({ kind, seed, cacheDir: p.cacheDir, signal }),
    );
    return new Uint8Array(await readFile(file));
  };
  const writeLimit = limiter(WRITE_CONCURRENCY);
  const write = <T>(what: string, task: () => Promise<T>) =>
    step(what, () => writeLimit(() => retrying(what, task, retry)));
  return { say, signal, retry, step, later, image, writeLimit, write, cacheDir: p.cacheDir };
}

/** The user id of a member whose account exists (createDemoMember has run). */
export function userIdOf(m: DemoMember): string {
  return m.userId!;
}

/** Seconds since `since` (a performance.now()), for a line of progress. */
export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
