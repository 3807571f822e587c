/**
 * What this node has seen of its peers: whether each answered the last time it was called (a
 * health check, a blob pushed or pulled). Only this node's own calls count, never what another
 * node reports, so a peer cannot talk a live node out of the placement (docs/design.md §7).
 */
export type PeerLiveness = {
  /** The peer answered (any HTTP status): it is up again. */
  answered(endpoint: string): void;
  /** The peer did not answer (refused, reset, timed out): down from now, if it was not already. */
  failed(endpoint: string): void;
  /** Whether the last call to the peer failed. A peer never called counts as up. */
  isDown(endpoint: string): boolean;
  /** Whether the peer has not answered for at least the grace: its blobs go to the next nodes. */
  isDead(endpoint: string): boolean;
  /** When each peer that is down stopped answering (ms since the epoch), for the health report. */
  downSince(): Map<string, number>;
};

export type PeerLivenessInit = {
  /** How long a peer may stay unreachable before it counts as dead. */
  deadAfterMs: number;
  now?: () => number;
};

/** A fresh view: every peer up until a call to it fails. */
export function createPeerLiveness({
  deadAfterMs,
  now = Date.now,
}: PeerLivenessInit): PeerLiveness {
  const down = new Map<string, number>();
  return {
    answered: (endpoint) => void down.delete(endpoint),
    failed(endpoint) {
      if (!down.has(endpoint)) down.set(endpoint, now());
    },
    isDown: (endpoint) => down.has(endpoint),
    isDead(endpoint) {
      const since = down.get(endpoint);
      return since !== undefined && now() - since >= deadAfterMs;
    },
    downSince: () => new Map(down),
  };
}
