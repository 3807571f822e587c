// A wallet's history as a person reads it: tips sent and received, purchases and sales, newest
// first, each naming the other person and what was bought.
import type { ColivingSdk, Playlist, Purchase, User } from '@coliving/sdk';

/** How many of each kind the wallet page reads. */
export const HISTORY_LIMIT = 50;

export type HistoryEntry = {
  kind: 'tip-sent' | 'tip-received' | 'purchase' | 'sale';
  /** ISO time. */
  at: string;
  /** Wei; positive when it came in. */
  amount: bigint;
  /** The other person. */
  who: User | null;
  /** What was bought or sold. */
  item: { title: string; permalink: string } | null;
  /** The eth-chain transaction. */
  txHash: string;
};

/** Names of what `rows` bought or sold: tracks in one read, playlists one by one. */
export async function itemsOf(
  sdk: ColivingSdk,
  rows: Pick<Purchase, 'content_type' | 'content_id'>[],
  signal?: AbortSignal,
): Promise<Map<string, { title: string; permalink: string }>> {
  const trackIds = [
    ...new Set(rows.filter((r) => r.content_type === 'track').map((r) => r.content_id)),
  ];
  const playlistIds = [
    ...new Set(rows.filter((r) => r.content_type === 'playlist').map((r) => r.content_id)),
  ];
  const [tracks, playlists] = await Promise.all([
    trackIds.length > 0 ? sdk.tracks.bulk({ ids: trackIds, signal }) : Promise.resolve([]),
    Promise.all(playlistIds.map((id) => sdk.playlists.get(id, { signal }).catch(() => null))),
  ]);
  const items = new Map<string, { title: string; permalink: string }>();
  for (const t of tracks) items.set(`track:${t.id}`, { title: t.title, permalink: t.permalink });
  for (const p of playlists.filter((p): p is Playlist => p !== null))
    items.set(`playlist:${p.id}`, { title: p.playlist_name, permalink: p.permalink });
  return items;
}

/** Users by id, for the buyers and sellers of `rows`. */
export async function usersOf(
  sdk: ColivingSdk,
  ids: string[],
  signal?: AbortSignal,
): Promise<Map<string, User>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const users = await sdk.users.bulk({ ids: unique, signal });
  return new Map(users.map((u) => [u.id, u]));
}

/** Everything `userId`'s wallet paid and received through tips and purchases, newest first. */
export async function readHistory(
  sdk: ColivingSdk,
  userId: string,
  signal?: AbortSignal,
): Promise<HistoryEntry[]> {
  const page = { limit: HISTORY_LIMIT, signal };
  const [tips, purchases, sales] = await Promise.all([
    sdk.tips.list({ userId, ...page }),
    sdk.users.purchases(userId, page),
    sdk.users.sales(userId, page),
  ]);
  const [items, users] = await Promise.all([
    itemsOf(sdk, [...purchases, ...sales], signal),
    usersOf(
      sdk,
      [...purchases.map((p) => p.seller_user_id), ...sales.map((s) => s.buyer_user_id)],
      signal,
    ),
  ]);
  const entries: HistoryEntry[] = [
    ...tips.map((t): HistoryEntry => {
      const sent = t.sender.id === userId;
      return {
        kind: sent ? 'tip-sent' : 'tip-received',
        at: t.created_at,
        amount: sent ? -BigInt(t.amount) : BigInt(t.amount),
        who: sent ? t.receiver : t.sender,
        item: null,
        txHash: t.tx_signature,
      };
    }),
    ...purchases.map((p): HistoryEntry => ({
      kind: 'purchase',
      at: p.created_at,
      amount: -BigInt(p.amount),
      who: users.get(p.seller_user_id) ?? null,
      item: items.get(`${p.content_type}:${p.content_id}`) ?? null,
      txHash: p.signature,
    })),
    ...sales.map((s): HistoryEntry => ({
      kind: 'sale',
      at: s.created_at,
      amount: BigInt(s.amount),
      who: users.get(s.buyer_user_id) ?? null,
      item: items.get(`${s.content_type}:${s.content_id}`) ?? null,
      txHash: s.signature,
    })),
  ];
  return entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
