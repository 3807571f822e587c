// The content nodes a stream can be sent to (docs/design.md §8): the registered ones from
// NodeRegistry, ranked for a CID by rendezvous hashing, and which of them answered lately for that
// CID. A stream goes only to a node seen holding the blob; a node that refuses a connection is
// down at once for every CID, and the next holder in rank order (a live fallback the content
// nodes' repair placed, when top ones are dead) takes the stream.
import type { Kysely } from 'kysely';
import { DEFAULT_REPLICATION_FACTOR, rankNodes } from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { listNodes } from '../db/nodes.js';

/** A node seen holding a blob is sent streams for it this long without asking it again. */
export const DEFAULT_HOLDER_TTL_MS = 60_000;
/**
 * Past this, a stream still goes to the holder seen, and the holder is asked again in the
 * background: the common case costs no round trip, and a node killed since is found down within
 * about this long of its next stream.
 */
export const DEFAULT_HOLDER_REFRESH_MS = 1_000;
/** A node that answered "not here" (404, a redirect) for a blob is skipped for it this long. */
export const DEFAULT_LACKS_TTL_MS = 5_000;
/** A node that did not answer is skipped this long before it is asked again (in the background). */
export const DEFAULT_DOWN_RETRY_MS = 2_000;
/** A node slower than this to answer for a blob is too slow to start a stream from. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;
/** NodeRegistry changes rarely; a second or two of staleness spares a query per stream. */
export const DEFAULT_NODE_LIST_TTL_MS = 2_000;
/** Nodes asked at once while looking for a holder: the holders of a blob, side by side. */
const PROBE_BATCH = DEFAULT_REPLICATION_FACTOR;
/** Past this many cached answers, expired ones are swept out. */
const MAX_ENTRIES = 10_000;

export type ContentNodes = {
  /** Registered content-node endpoints (no trailing slash), by node id. */
  endpoints(): Promise<string[]>;
  /** All registered endpoints ranked for `key` (a CID) by rendezvous. */
  ranked(key: string): Promise<string[]>;
  /**
   * The first node in rank order for `cid` that answered lately for it: known holders at no
   * cost, other nodes asked with `HEAD <node><path>` (`path` is the signed stream path, which
   * names no node). Undefined when no node holds it or answers.
   */
  holderFor(cid: string, path: string, signal?: AbortSignal): Promise<string | undefined>;
};

export type ContentNodesInit = {
  db: Kysely<DB>;
  holderTtlMs?: number;
  holderRefreshMs?: number;
  lacksTtlMs?: number;
  downRetryMs?: number;
  probeTimeoutMs?: number;
  nodeListTtlMs?: number;
  fetch?: typeof fetch;
};

/** What asking a node for a blob found: it holds it, it does not, or it did not answer. */
type Probe = 'holds' | 'lacks' | 'down';

/** Content nodes from the database, with what each answered for each blob cached briefly. */
export function createContentNodes(init: ContentNodesInit): ContentNodes {
  const {
    db,
    holderTtlMs = DEFAULT_HOLDER_TTL_MS,
    holderRefreshMs = DEFAULT_HOLDER_REFRESH_MS,
    lacksTtlMs = DEFAULT_LACKS_TTL_MS,
    downRetryMs = DEFAULT_DOWN_RETRY_MS,
    probeTimeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
    nodeListTtlMs = DEFAULT_NODE_LIST_TTL_MS,
    fetch: fetchFn = globalThis.fetch,
  } = init;

  let list: { endpoints: Promise<string[]>; expiresAt: number } | undefined;
  /** `endpoint cid` -> when the node last answered that it holds the blob. */
  const holds = new Map<string, number>();
  /** `endpoint cid` -> until when the node counts as lacking the blob. */
  const lacks = new Map<string, number>();
  /** endpoint -> when it may be asked again, for nodes that did not answer. */
  const down = new Map<string, number>();
  /** Probes in flight, by `endpoint cid`: callers share one. */
  const probing = new Map<string, Promise<Probe>>();

  function endpoints(): Promise<string[]> {
    if (list && Date.now() < list.expiresAt) return list.endpoints;
    const loading = listNodes(db, 'content-node').then((nodes) => {
      const current = [...new Set(nodes.map((n) => n.endpoint.replace(/\/+$/, '')))];
      // Forget nodes that left, so the caches cannot outgrow the registry.
      for (const endpoint of down.keys()) if (!current.includes(endpoint)) down.delete(endpoint);
      return current;
    });
    const entry = { endpoints: loading, expiresAt: Date.now() + nodeListTtlMs };
    list = entry;
    // A failed read is not cached: the next caller asks the database again.
    loading.catch(() => {
      if (list === entry) list = undefined;
    });
    return loading;
  }

  function sweep(): void {
    if (holds.size + lacks.size < MAX_ENTRIES) return;
    const now = Date.now();
    for (const [key, at] of holds) if (now - at >= holderTtlMs) holds.delete(key);
    for (const [key, until] of lacks) if (now >= until) lacks.delete(key);
  }

  /** Asks one node whether it serves the blob; never throws. */
  async function ask(endpoint: string, path: string): Promise<Probe> {
    try {
      // HEAD: the node checks the signature and looks the blob up, and no listen is counted.
      // Not followed: a node that lacks the blob redirects to one that has it, and the stream
      // should go to that one directly.
      const res = await fetchFn(`${endpoint}${path}`, {
        method: 'HEAD',
        redirect: 'manual',
        signal: AbortSignal.timeout(probeTimeoutMs),
      });
      await res.body?.cancel();
      if (res.status === 200 || res.status === 206) return 'holds';
      return res.status >= 500 ? 'down' : 'lacks';
    } catch {
      // Refused, reset or too slow: down from the first failure, for every blob.
      return 'down';
    }
  }

  /** One shared probe of `endpoint` for `cid`, its answer recorded. */
  function probe(endpoint: string, cid: string, path: string): Promise<Probe> {
    const key = `${endpoint} ${cid}`;
    let pending = probing.get(key);
    if (!pending) {
      pending = ask(endpoint, path).then((answer) => {
        probing.delete(key);
        sweep();
        if (answer === 'holds') {
          holds.set(key, Date.now());
          lacks.delete(key);
          down.delete(endpoint);
        } else if (answer === 'lacks') {
          holds.delete(key);
          lacks.set(key, Date.now() + lacksTtlMs);
          down.delete(endpoint);
        } else {
          holds.delete(key);
          down.set(endpoint, Date.now() + downRetryMs);
        }
        return answer;
      });
      probing.set(key, pending);
    }
    return pending;
  }

  /**
   * What is known of `endpoint` for `cid` without waiting: a holder (asked again in the
   * background once the answer is older than the refresh), a node to skip, or unknown.
   */
  function known(endpoint: string, cid: string, path: string): 'holds' | 'skip' | 'unknown' {
    const key = `${endpoint} ${cid}`;
    const retryAt = down.get(endpoint);
    if (retryAt !== undefined) {
      // A down node is asked again in the background; streams skip it until it answers.
      if (Date.now() >= retryAt) void probe(endpoint, cid, path);
      return 'skip';
    }
    const until = lacks.get(key);
    if (until !== undefined) {
      if (Date.now() < until) return 'skip';
      lacks.delete(key);
    }
    const at = holds.get(key);
    if (at === undefined || Date.now() - at >= holderTtlMs) return 'unknown';
    if (Date.now() - at >= holderRefreshMs) void probe(endpoint, cid, path);
    return 'holds';
  }

  /** Waits for `promise`, or rejects with the signal's reason; the work itself goes on (it is shared). */
  async function orAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return promise;
    signal.throwIfAborted();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([promise, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function ranked(key: string): Promise<string[]> {
    return rankNodes(await endpoints(), key);
  }

  return {
    endpoints,
    ranked,
    async holderFor(cid, path, signal) {
      const order = await orAbort(ranked(cid), signal);
      const candidates: { endpoint: string; state: 'holds' | 'unknown' }[] = [];
      for (const endpoint of order) {
        const state = known(endpoint, cid, path);
        // The common case: the first candidate is a known holder, and nothing is awaited.
        if (state === 'holds' && candidates.length === 0) return endpoint;
        if (state !== 'skip') candidates.push({ endpoint, state });
      }
      // Ask a batch at a time, side by side, so a dead or empty node costs one timeout rather
      // than one per node; the first holder in rank order wins.
      for (let i = 0; i < candidates.length; i += PROBE_BATCH) {
        const batch = candidates.slice(i, i + PROBE_BATCH);
        const answers = batch.map(({ endpoint, state }) =>
          state === 'holds' ? Promise.resolve<Probe>('holds') : probe(endpoint, cid, path),
        );
        for (const [j, answer] of answers.entries()) {
          if ((await orAbort(answer, signal)) === 'holds') return batch[j]!.endpoint;
        }
      }
      // Every node skipped or without it: those down may be back (a restart), so ask them now.
      const retried = order.filter((e) => down.has(e));
      const answers = retried.map((endpoint) => probe(endpoint, cid, path));
      for (const [j, answer] of answers.entries()) {
        if ((await orAbort(answer, signal)) === 'holds') return retried[j];
      }
      return undefined;
    },
  };
}
