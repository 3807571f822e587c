// Where a blob lives, as this node sees the network (docs/design.md §7): the top R of its
// rendezvous ranking among the nodes not dead past the grace, and the copies kept beside them.
import { rankNodes } from '@coliving/protocol';

/**
 * A copy ranked this many places past R is kept even when the node is not a holder, as Audius's
 * mediorum does: a node that drops out of the top R for a while (a peer back from the dead)
 * still serves, and nothing is copied back and forth while nodes come and go.
 */
export const KEEP_RANK_SLACK = 2;

export type BlobPlacement = {
  /** Every node, in rendezvous order for the blob. */
  ranking: string[];
  /** The first R of the ranking that are not dead: the nodes that should hold a copy. */
  holders: string[];
};

/** The ranking and the live holders of `cid` among `endpoints`. */
export function placeBlob(
  endpoints: readonly string[],
  cid: string,
  replicationFactor: number,
  isDead: (endpoint: string) => boolean,
): BlobPlacement {
  const ranking = rankNodes(endpoints, cid);
  const holders = ranking.filter((e) => !isDead(e)).slice(0, replicationFactor);
  return { ranking, holders };
}

/** Whether `node` keeps its copy: it is a holder, or ranks within R + KEEP_RANK_SLACK. */
export function keepsCopy(
  { ranking, holders }: BlobPlacement,
  node: string,
  replicationFactor: number,
): boolean {
  if (holders.includes(node)) return true;
  const rank = ranking.indexOf(node);
  return rank >= 0 && rank < replicationFactor + KEEP_RANK_SLACK;
}
