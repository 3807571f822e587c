import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** How many nodes hold each blob by default (docs/design.md §7). */
export const DEFAULT_REPLICATION_FACTOR = 3;

/** The rendezvous weight of a node for a key: sha256(endpoint ‖ key), as bytes. */
function weight(endpoint: string, key: string): Uint8Array {
  // Two updates, as node:crypto's hash was fed, so even odd strings (a lone surrogate at the
  // seam) encode as before and no blob moves.
  return sha256.create().update(utf8ToBytes(endpoint)).update(utf8ToBytes(key)).digest();
}

/** Orders byte strings as unsigned bytes, shorter first on a tie (what `Buffer.compare` does). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
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
  return unique.sort((a, b) => compareBytes(weights.get(b)!, weights.get(a)!) || (a < b ? -1 : 1));
}

/** The nodes that should hold `key`: the first `replicationFactor` of its ranking. */
export function placementFor(
  endpoints: readonly string[],
  key: string,
  replicationFactor = DEFAULT_REPLICATION_FACTOR,
): string[] {
  return rankNodes(endpoints, key).slice(0, replicationFactor);
}
