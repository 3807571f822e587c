// What unlocks gated content (docs/design.md §9), read from its `stream_conditions` as the API
// returns them (user ids as numbers, the price as a wei string).
import { type PurchaseSplit, encodeHashId, purchaseShares, splitAmount } from '@coliving/protocol';
import { toWei } from './dgco.js';

export type Gate =
  | { kind: 'follow'; userId: string }
  | { kind: 'tip'; userId: string }
  | { kind: 'purchase'; price: bigint; splits: PurchaseSplit[] | undefined };

type Conditions = Record<string, unknown> | null | undefined;

/** The gate `conditions` describe, or null when the content is free (or the shape unknown). */
export function gateOf(conditions: Conditions): Gate | null {
  if (!conditions || typeof conditions !== 'object') return null;
  const c = conditions;
  if (typeof c.follow_user_id === 'number')
    return { kind: 'follow', userId: encodeHashId(c.follow_user_id) };
  if (typeof c.tip_user_id === 'number')
    return { kind: 'tip', userId: encodeHashId(c.tip_user_id) };
  const purchase = c.dgco_purchase as { price?: unknown; splits?: PurchaseSplit[] } | undefined;
  if (purchase && typeof purchase.price === 'string') {
    return { kind: 'purchase', price: toWei(purchase.price), splits: purchase.splits };
  }
  return null;
}

/** Content with the fields a gate is read from (a Track or a Playlist of the API). */
export type Gated = {
  id: string;
  user: { id: string };
  stream_conditions?: Conditions;
  access?: { stream: boolean; download: boolean } | null;
};

/**
 * What this listener did since the pages read their data (and, at login, what they did before
 * that the pages, read without the viewer, cannot know): content bought, landlords tipped, and
 * follows made (true) or undone (false). It overrides a page's stale `access`.
 */
export type Unlocks = {
  /** Content ids bought: tracks, albums, and each track of an album bought. */
  bought: ReadonlySet<string>;
  /** Ids of the landlords tipped. */
  tipped: ReadonlySet<string>;
  /** Follows by landlord id: true followed, false unfollowed. */
  follows: ReadonlyMap<string, boolean>;
};

export const NO_UNLOCKS: Unlocks = { bought: new Set(), tipped: new Set(), follows: new Map() };

/**
 * The gate that still stands between `viewerId` and the content, or null when it plays in full:
 * free content, the owner's own, access the node reported, or access gained since (`unlocks`).
 * A follow or unfollow since is the last word on a follow gate, so an unfollow locks it again
 * though the page read `access.stream` before. Only a purchase opens a purchase gate (an
 * album's opens its tracks'), only a tip a tip gate, only a follow a follow gate, as on the node.
 */
export function lockOf(
  content: Gated,
  viewerId: string | undefined,
  unlocks: Unlocks,
): Gate | null {
  const gate = gateOf(content.stream_conditions);
  if (!gate) return null;
  if (viewerId !== undefined && content.user.id === viewerId) return null;
  if (gate.kind === 'follow') {
    const following = unlocks.follows.get(gate.userId);
    if (following !== undefined) return following ? null : gate;
  }
  if (content.access?.stream) return null;
  if (gate.kind === 'purchase' && unlocks.bought.has(content.id)) return null;
  if (gate.kind === 'tip' && unlocks.tipped.has(gate.userId)) return null;
  return gate;
}

/** Who gets what of a purchase: the landlord last, with the rounding remainder (PaymentRouter). */
export function purchaseBreakdown(
  gate: Extract<Gate, { kind: 'purchase' }>,
  ownerId: string,
  decodeId: (hashId: string) => number,
): { userId: string; percentage: number; amount: bigint }[] {
  const shares = purchaseShares(gate.splits, decodeId(ownerId));
  const amounts = splitAmount(
    gate.price,
    shares.map((s) => s.basisPoints),
  );
  return shares.map((s, i) => ({
    userId: encodeHashId(s.userId),
    percentage: s.basisPoints / 100,
    amount: amounts[i]!,
  }));
}
