// Where a blob this node lacks can be found: asked of the peers that rank first for it, so a node
// that lost its disk (or has not pulled yet) sends a listener on instead of answering 404
// (docs/design.md §8).
import { rankNodes } from '@coliving/protocol';
import { MISSING_BLOB_PEERS, MISSING_BLOB_PEER_TIMEOUT_MS } from '../constants.js';
import type { NetworkView } from './network.js';
import type { PeerClient } from './peerClient.js';
import type { PeerLiveness } from './peerLiveness.js';

/** A holder found is trusted this long; a blob nobody has is asked about again sooner. */
const FOUND_TTL_MS = 10_000;
const NOT_FOUND_TTL_MS = 2_000;
/**
 * Lookups in flight at once: each asks up to MISSING_BLOB_PEERS peers, so a flood of requests
 * for absent blobs costs the peers a bounded number of HEADs; past it a request is a plain 404.
 */
const MAX_LOOKUPS = 16;

export type FindHolderComponents = {
  peers: Pick<PeerClient, 'hasBlob'>;
  network: NetworkView;
  liveness: PeerLiveness;
};

export type FindHolderInit = { self: string };

/** Finds a peer that holds a blob: the first in rank order that says so, or undefined. */
export function createHolderFinder(
  { peers, network, liveness }: FindHolderComponents,
  { self }: FindHolderInit,
) {
  const cache = new Map<string, { holder: string | undefined; expiresAt: number }>();
  const pending = new Map<string, Promise<string | undefined>>();

  async function lookup(cid: string): Promise<string | undefined> {
    const candidates = rankNodes(
      network.contentNodes().map((n) => n.endpoint),
      cid,
    )
      .filter((e) => e !== self && !liveness.isDown(e))
      .slice(0, MISSING_BLOB_PEERS);
    const signal = AbortSignal.timeout(MISSING_BLOB_PEER_TIMEOUT_MS);
    const answers = candidates.map((peer) => peers.hasBlob(peer, cid, signal).catch(() => false));
    for (const [i, answer] of answers.entries()) if (await answer) return candidates[i];
    return undefined;
  }

  return async function findHolder(cid: string): Promise<string | undefined> {
    const cached = cache.get(cid);
    if (cached && Date.now() < cached.expiresAt) return cached.holder;
    let found = pending.get(cid);
    if (!found) {
      if (pending.size >= MAX_LOOKUPS) return undefined;
      found = lookup(cid).then((holder) => {
        pending.delete(cid);
        // Entries only for blobs asked about lately: expired ones go as new ones come.
        for (const [key, entry] of cache) if (Date.now() >= entry.expiresAt) cache.delete(key);
        cache.set(cid, {
          holder,
          expiresAt: Date.now() + (holder ? FOUND_TTL_MS : NOT_FOUND_TTL_MS),
        });
        return holder;
      });
      pending.set(cid, found);
    }
    return found;
  };
}

export type FindHolder = ReturnType<typeof createHolderFinder>;
