// The content nodes a stream can be sent to (docs/design.md §8): the registered ones from NodeRegistry,
// ranked for a CID by rendezvous hashing, and which of them answer their health check.
import type { Kysely } from 'kysely';
import { DEFAULT_REPLICATION_FACTOR, rankNodes } from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { listNodes } from '../db/nodes.js';

/** A health answer is trusted this long: streams start without a probe, and a dead node is retried soon. */
export const DEFAULT_HEALTH_TTL_MS = 10_000;
/** A node slower than this to answer its health check is too slow to start a stream from. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
/** NodeRegistry changes rarely; a second or two of staleness spares a query per stream. */
export const DEFAULT_NODE_LIST_TTL_MS = 2_000;
/** Nodes probed at once while looking for a healthy one: the holders of a blob, side by side. */
const PROBE_BATCH = DEFAULT_REPLICATION_FACTOR;

export type ContentNodes = {
  /** Registered content-node endpoints (no trailing slash), by node id. */
  endpoints(): Promise<string[]>;
  /** All registered endpoints ranked for `key` (a CID) by rendezvous. */
  ranked(key: string): Promise<string[]>;
  /** The first healthy node in placement order for `key`, or undefined when none answers. */
  firstHealthy(key: string, signal?: AbortSignal): Promise<string | undefined>;
};

export type ContentNodesInit = {
  db: Kysely<DB>;
  healthTtlMs?: number;
  healthTimeoutMs?: number;
  nodeListTtlMs?: number;
  fetch?: typeof fetch;
};

type HealthEntry = { healthy: boolean; expiresAt: number };

/** Content nodes from the database, with their health cached per endpoint. */
export function createContentNodes(init: ContentNodesInit): ContentNodes {
  const {
    db,
    healthTtlMs = DEFAULT_HEALTH_TTL_MS,
    healthTimeoutMs = DEFAULT_HEALTH_TIMEOUT_MS,
    nodeListTtlMs = DEFAULT_NODE_LIST_TTL_MS,
    fetch: fetchFn = globalThis.fetch,
  } = init;

  let list: { endpoints: Promise<string[]>; expiresAt: number } | undefined;
  const health = new Map<string, HealthEntry>();
  const probing = new Map<string, Promise<boolean>>();

  function endpoints(): Promise<string[]> {
    if (list && Date.now() < list.expiresAt) return list.endpoints;
    const loading = listNodes(db, 'content-node').then((nodes) => {
      const current = [...new Set(nodes.map((n) => n.endpoint.replace(/\/+$/, '')))];
      // Forget the health of nodes that left, so the cache cannot outgrow the registry.
      for (const endpoint of health.keys())
        if (!current.includes(endpoint)) health.delete(endpoint);
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

  /** Asks one node; any failure, timeout or unhealthy answer is false. Never throws. */
  async function probe(endpoint: string): Promise<boolean> {
    try {
      const res = await fetchFn(`${endpoint}/health_check`, {
        signal: AbortSignal.timeout(healthTimeoutMs),
        redirect: 'error',
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        return false;
      }
      const body = (await res.json()) as { data?: { healthy?: unknown } } | null;
      return body?.data?.healthy === true;
    } catch {
      return false;
    }
  }

  /** The node's health: cached, or one shared probe however many callers ask at once. */
  function isHealthy(endpoint: string): Promise<boolean> {
    const cached = health.get(endpoint);
    if (cached && Date.now() < cached.expiresAt) return Promise.resolve(cached.healthy);
    let pending = probing.get(endpoint);
    if (!pending) {
      pending = probe(endpoint).then((healthy) => {
        health.set(endpoint, { healthy, expiresAt: Date.now() + healthTtlMs });
        probing.delete(endpoint);
        return healthy;
      });
      probing.set(endpoint, pending);
    }
    return pending;
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
    async firstHealthy(key, signal) {
      const order = await orAbort(ranked(key), signal);
      // Probe a batch at a time, side by side, so a dead top node costs one timeout rather than
      // one per dead node; the first healthy node in rank order wins.
      for (let i = 0; i < order.length; i += PROBE_BATCH) {
        const batch = order.slice(i, i + PROBE_BATCH);
        const checks = batch.map((endpoint) => isHealthy(endpoint));
        for (const [j, check] of checks.entries()) {
          if (await orAbort(check, signal)) return batch[j];
        }
      }
      return undefined;
    },
  };
}
