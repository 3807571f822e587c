import { createHash } from 'node:crypto';

/** How many nodes hold each blob by default (DESIGN §7). */
export const DEFAULT_REPLICATION_FACTOR = 3;

/** The rendezvous weight of a node for a key: sha256(endpoint ‖ key), as bytes. */
function weight(endpoint: string, key: string): Buffer {
  return createHash('sha256').update(endpoint).update(key).digest();
}

/**
 * Ranks nodes for a key (a CID, or a login record's lookup key) by rendezvous hashing: highest
 * sha256(endpoint ‖ key) first. Every node computes the same order from the same node list, and
 * adding or removing a node moves only the keys that rank it first. Endpoints are compared as
 * given, so callers pass them in one canonical form (no trailing slash).
 */
export function rankNodes(endpoints: readonly string[], key: string): string[] {
  const unique = [...new Set(endpoints)];
  const weights = new Map(unique.map((endpoint) => [endpoint, weight(endpoint, key)]));
  return unique.sort(
    (a, b) => Buffer.compare(weights.get(b)!, weights.get(a)!) || (a < b ? -1 : 1),
  );
}

/** The nodes that should hold `key`: the first `replicationFactor` of its ranking. */
export function placementFor(
  endpoints: readonly string[],
  key: string,
  replicationFactor = DEFAULT_REPLICATION_FACTOR,
): string[] {
  return rankNodes(endpoints, key).slice(0, replicationFactor);
}
