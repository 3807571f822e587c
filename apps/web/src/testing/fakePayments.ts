// For tests: a stand-in for the discovery node's money routes (docs/design.md §9) beside the
// SDK's fake discovery node, which has none. It keeps a DGCO ledger in memory, checks each
// relayed authorization's EIP-712 signature and judges it as the relay does (exact price and
// splits, own content, already owned, balance, tip minimum, self tip, used nonce), then moves
// the money and records the tip or purchase. Content and users are read from the fake node, so
// the real SDK runs end to end against both. It also answers the playlist reads the fake node
// lacks (a playlist's permalink, its tracks), from the fake chain's playlist ids.
import {
  MIN_TIP_WEI,
  type PurchaseSplit,
  decodeHashId,
  encodeHashId,
  parsePaymentRef,
  paymentAuthorizationFromJson,
  paymentTypedData,
  purchaseShares,
  splitAmount,
} from '@coliving/protocol';
import type { Playlist, Track, User } from '@coliving/sdk';
import { fetch as nodeFetch, Response } from 'undici';
import { type Address, type Hex, getAddress, recoverTypedDataAddress } from 'viem';

export const FAKE_PAYMENTS_CHAIN_ID = 31337;
export const FAKE_TOKEN: Address = '0x00000000000000000000000000000000000000D6';
export const FAKE_ROUTER: Address = '0x00000000000000000000000000000000000000A1';

type Row = {
  kind: 'tip' | 'purchase';
  payer: number;
  amount: bigint;
  /** tip: the receiver; purchase: the seller. */
  to: number;
  content?: { type: 'track' | 'playlist'; id: number };
  txHash: Hex;
  block: number;
  at: string;
};

export type FakePayments = {
  /** DGCO wei by wallet (lowercase). */
  balances: Map<string, bigint>;
  rows: Row[];
  /** Answers a money route, or undefined for the fake discovery node to answer. */
  answer(url: URL, init: RequestInit | undefined): Promise<Response | undefined>;
  /** Gives `wallet` DGCO, as the devnet's treasury does. */
  fund(wallet: string, wei: bigint): void;
  balanceOf(wallet: string): bigint;
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refuse = (status: number, code: string, message: string) =>
  json(status, { error: { code, message } });

/**
 * A ledger answering the money routes, reading users and content from `discovery`; `playlistIds`
 * lists the fake chain's playlists (numeric ids), for the playlist reads.
 */
export function createFakePayments(
  discovery: string,
  playlistIds: () => Iterable<number> = () => [],
): FakePayments {
  const balances = new Map<string, bigint>();
  const rows: Row[] = [];
  const nonces = new Set<string>();
  let block = 1;

  const read = async <T>(path: string): Promise<T | undefined> => {
    const response = await nodeFetch(`${discovery}${path}`);
    if (!response.ok) return undefined;
    return ((await response.json()) as { data: T }).data;
  };
  const user = (id: number) => read<User>(`/v1/users/${encodeHashId(id)}`);
  const userByWallet = (wallet: string) => read<User>(`/v1/users/account/${wallet}`);
  const balanceOf = (wallet: string) => balances.get(wallet.toLowerCase()) ?? 0n;
  const envelope = (data: unknown) => json(200, { data });

  const content = async (type: 'track' | 'playlist', id: number) => {
    if (type === 'track') return read<Track>(`/v1/tracks/${encodeHashId(id)}`);
    return (await read<Playlist[]>(`/v1/playlists/${encodeHashId(id)}`))?.[0];
  };
  const owns = (buyer: number, type: 'track' | 'playlist', id: number) =>
    rows.some(
      (r) =>
        r.kind === 'purchase' &&
        r.payer === buyer &&
        r.content?.type === type &&
        r.content.id === id,
    );

  const purchaseRow = (r: Row) => ({
    slot: r.block,
    signature: r.txHash,
    seller_user_id: encodeHashId(r.to),
    buyer_user_id: encodeHashId(r.payer),
    amount: r.amount.toString(),
    extra_amount: '0',
    content_type: r.content!.type,
    content_id: encodeHashId(r.content!.id),
    created_at: r.at,
    updated_at: r.at,
    access: 'stream',
  });

  async function relay(body: { authorization: unknown; signature: Hex }): Promise<Response> {
    let auth;
    try {
      auth = paymentAuthorizationFromJson(body.authorization);
    } catch (error) {
      return refuse(400, 'invalid_payment', String(error));
    }
    const signer = await recoverTypedDataAddress({
      ...paymentTypedData(FAKE_PAYMENTS_CHAIN_ID, FAKE_ROUTER, auth),
      signature: body.signature,
    }).catch(() => undefined);
    if (!signer || getAddress(signer) !== getAddress(auth.payer))
      return refuse(401, 'invalid_signature', 'The signature is not the payer’s');
    const nonceKey = `${auth.payer.toLowerCase()}:${auth.nonce}`;
    if (nonces.has(nonceKey)) return refuse(409, 'nonce_used', 'This nonce was used');
    if (auth.deadline < BigInt(Math.floor(Date.now() / 1000)))
      return refuse(400, 'authorization_expired', 'The authorization expired');
    const payer = await userByWallet(auth.payer);
    if (!payer) return refuse(400, 'unknown_payer', 'The payer is no user');
    const payerId = decodeHashId(payer.id);
    const ref = parsePaymentRef(auth.ref);
    if (!ref) return refuse(400, 'unknown_ref', 'Only tips and purchases are relayed');
    let row: Row;
    if (ref.kind === 'tip') {
      if (auth.amount < MIN_TIP_WEI) return refuse(400, 'tip_too_small', 'Below the minimum tip');
      if (ref.userId === payerId) return refuse(400, 'self_tip', 'A tip to oneself');
      const receiver = await user(ref.userId);
      if (
        !receiver ||
        auth.recipients.length !== 1 ||
        getAddress(auth.recipients[0]!) !== getAddress(receiver.wallet)
      )
        return refuse(400, 'wrong_recipient', 'The tip is not paid to the user');
      row = { kind: 'tip', payer: payerId, amount: auth.amount, to: ref.userId } as Row;
    } else {
      const item = await content(ref.kind, ref.id);
      if (!item) return refuse(400, 'unknown_content', 'No such content');
      const gate = (
        item.stream_conditions as {
          dgco_purchase?: { price: string; splits?: PurchaseSplit[] };
        } | null
      )?.dgco_purchase;
      if (!gate) return refuse(400, 'not_for_sale', 'Not for sale');
      const owner = decodeHashId(item.user.id);
      if (owner === payerId) return refuse(409, 'own_content', 'Own content');
      if (owns(payerId, ref.kind, ref.id)) return refuse(409, 'already_owned', 'Already owned');
      if (auth.amount !== BigInt(gate.price)) return refuse(400, 'wrong_amount', 'Not the price');
      const shares = purchaseShares(gate.splits, owner);
      const wallets = await Promise.all(shares.map(async (s) => (await user(s.userId))?.wallet));
      const matches =
        shares.length === auth.recipients.length &&
        shares.every(
          (s, i) =>
            wallets[i] !== undefined &&
            getAddress(wallets[i]) === getAddress(auth.recipients[i]!) &&
            s.basisPoints === auth.basisPoints[i],
        );
      if (!matches) return refuse(400, 'wrong_splits', 'Not the splits');
      row = {
        kind: 'purchase',
        payer: payerId,
        amount: auth.amount,
        to: owner,
        content: { type: ref.kind, id: ref.id },
      } as Row;
    }
    if (balanceOf(auth.payer) < auth.amount)
      return refuse(402, 'insufficient_balance', 'The balance is short');
    nonces.add(nonceKey);
    const paid = splitAmount(auth.amount, auth.basisPoints);
    balances.set(auth.payer.toLowerCase(), balanceOf(auth.payer) - auth.amount);
    auth.recipients.forEach((r, i) => balances.set(r.toLowerCase(), balanceOf(r) + paid[i]!));
    block += 1;
    row.txHash = `0x${block.toString(16).padStart(64, '0')}`;
    row.block = block;
    row.at = new Date().toISOString();
    rows.unshift(row);
    return envelope({
      tx_hash: row.txHash,
      block_number: block,
      kind: row.kind,
      payment: { payer: auth.payer, nonce: auth.nonce.toString() },
    });
  }

  async function accessInfo(type: 'track' | 'playlist', id: number, viewer: number | undefined) {
    const item = await content(type, id);
    if (!item) return undefined;
    const conditions = item.stream_conditions ?? null;
    const owner = decodeHashId(item.user.id);
    let stream = conditions === null || viewer === owner;
    if (!stream && viewer !== undefined && conditions) {
      if ('dgco_purchase' in conditions) stream = owns(viewer, type, id);
      else if (typeof conditions.tip_user_id === 'number')
        stream = rows.some(
          (r) => r.kind === 'tip' && r.payer === viewer && r.to === conditions.tip_user_id,
        );
      else if (typeof conditions.follow_user_id === 'number') {
        const followee = await read<User>(
          `/v1/users/${encodeHashId(conditions.follow_user_id)}?user_id=${encodeHashId(viewer)}`,
        );
        stream = Boolean(followee?.does_current_user_follow);
      }
    }
    return {
      access: { stream, download: stream },
      user_id: viewer === undefined ? null : encodeHashId(viewer),
      blocknumber: block,
      is_stream_gated: conditions !== null,
      stream_conditions: conditions,
      is_download_gated: false,
      download_conditions: null,
    };
  }

  const ranked = async (pairs: Map<number, bigint>, as: 'sender' | 'receiver') =>
    Promise.all(
      [...pairs]
        .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
        .map(async ([id, amount], i) => ({
          rank: i + 1,
          amount: amount.toString(),
          [as]: await user(id),
        })),
    );

  return {
    balances,
    rows,
    balanceOf,
    fund(wallet, wei) {
      balances.set(wallet.toLowerCase(), balanceOf(wallet) + wei);
    },
    async answer(url, init) {
      const path = url.pathname;
      const q = url.searchParams;
      const viewer = q.get('user_id') ? decodeHashId(q.get('user_id')!) : undefined;
      let m: RegExpExecArray | null;
      if (path === '/relay/payment' && init?.method === 'POST')
        return relay(JSON.parse(init.body as string) as { authorization: unknown; signature: Hex });
      if (path === '/v1/payments/info') {
        const wallet = q.get('wallet');
        return envelope({
          chain_id: FAKE_PAYMENTS_CHAIN_ID,
          token: FAKE_TOKEN,
          payment_router: FAKE_ROUTER,
          min_tip: MIN_TIP_WEI.toString(),
          ...(wallet
            ? { balance: balanceOf(wallet).toString(), allowance: '0', permit_nonce: '0' }
            : {}),
        });
      }
      // Bulk reads the fake node lacks, from its one-by-one reads.
      if ((path === '/v1/users' || path === '/v1/tracks') && q.getAll('id').length > 0) {
        const kind = path.slice(4);
        const found = await Promise.all(
          q.getAll('id').map((id) => read<unknown>(`/v1/${kind}/${id}`)),
        );
        return envelope(found.filter((x) => x !== undefined));
      }
      // Tracks by permalink (as a track page reads them), through the fake node's resolve, as
      // the current user: the owner of a scheduled track finds it, as on a real node.
      if (path === '/v1/tracks' && q.getAll('permalink').length > 0) {
        const viewing = viewer === undefined ? '' : `&user_id=${encodeHashId(viewer)}`;
        const found = await Promise.all(
          q
            .getAll('permalink')
            .map((permalink) =>
              read<Track>(`/v1/resolve?url=${encodeURIComponent(permalink)}${viewing}`),
            ),
        );
        return envelope(found.filter((x) => x !== undefined));
      }
      // A playlist's or album's permalink, and a playlist's tracks, through its one-by-one reads.
      // Read as the current user (user_id), as a real node's resolve is: a private playlist is
      // found by its owner only.
      const as = viewer === undefined ? '' : `?user_id=${encodeHashId(viewer)}`;
      if (path === '/v1/resolve' && /^\/[^/]+\/(album|playlist)\/[^/]+$/.test(q.get('url') ?? '')) {
        // The kind the link names first, then the other (a playlist that became an album), as a
        // real node's resolve does.
        const url = q.get('url')!;
        const other = url.replace(/\/(album|playlist)\//, (_, kind: string) =>
          kind === 'album' ? '/playlist/' : '/album/',
        );
        const listed: Playlist[] = [];
        for (const id of playlistIds()) {
          const [playlist] =
            (await read<Playlist[]>(`/v1/playlists/${encodeHashId(id)}${as}`)) ?? [];
          if (playlist) listed.push(playlist);
        }
        const found =
          listed.find((p) => p.permalink === url) ?? listed.find((p) => p.permalink === other);
        if (found) return envelope([found]);
        return refuse(404, 'permalink_not_found', 'No such playlist');
      }
      if ((m = /^\/v1\/playlists\/([^/]+)\/tracks$/.exec(path))) {
        const [playlist] = (await read<Playlist[]>(`/v1/playlists/${m[1]!}${as}`)) ?? [];
        if (!playlist) return refuse(404, 'playlist_not_found', 'No such playlist');
        const tracks = await Promise.all(
          playlist.playlist_contents.map((e) => read<Track>(`/v1/tracks/${e.track_id}${as}`)),
        );
        return envelope(tracks.filter((t) => t !== undefined));
      }
      if (path === '/v1/tips') {
        const tips = rows.filter(
          (r) =>
            r.kind === 'tip' && (viewer === undefined || r.payer === viewer || r.to === viewer),
        );
        return envelope(
          await Promise.all(
            tips.map(async (r) => ({
              amount: r.amount.toString(),
              sender: await user(r.payer),
              receiver: await user(r.to),
              created_at: r.at,
              slot: r.block,
              tx_signature: r.txHash,
              followee_supporters: [],
            })),
          ),
        );
      }
      if ((m = /^\/v1\/(tracks|playlists)\/([^/]+)\/access-info$/.exec(path))) {
        const info = await accessInfo(
          m[1] === 'tracks' ? 'track' : 'playlist',
          decodeHashId(m[2]!),
          viewer,
        );
        return info ? envelope(info) : refuse(404, 'not_found', 'Not found');
      }
      m = /^\/v1\/users\/([^/]+)\/(purchases|sales|sales\/aggregate|supporters|supporting)$/.exec(
        path,
      );
      if (m) {
        const id = decodeHashId(m[1]!);
        const purchases = rows.filter((r) => r.kind === 'purchase');
        switch (m[2]) {
          case 'purchases':
            return envelope(purchases.filter((r) => r.payer === id).map(purchaseRow));
          case 'sales':
            return envelope(purchases.filter((r) => r.to === id).map(purchaseRow));
          case 'sales/aggregate': {
            const byItem = new Map<string, { count: number; amount: bigint; row: Row }>();
            for (const r of purchases.filter((p) => p.to === id)) {
              const key = `${r.content!.type}:${r.content!.id}`;
              const before = byItem.get(key) ?? { count: 0, amount: 0n, row: r };
              byItem.set(key, {
                count: before.count + 1,
                amount: before.amount + r.amount,
                row: r,
              });
            }
            return envelope(
              [...byItem.values()].map((v) => ({
                content_type: v.row.content!.type,
                content_id: encodeHashId(v.row.content!.id),
                purchase_count: v.count,
                amount: v.amount.toString(),
              })),
            );
          }
          default: {
            const supporters = m[2] === 'supporters';
            const totals = new Map<number, bigint>();
            for (const r of rows.filter(
              (t) => t.kind === 'tip' && (supporters ? t.to === id : t.payer === id),
            )) {
              const other = supporters ? r.payer : r.to;
              totals.set(other, (totals.get(other) ?? 0n) + r.amount);
            }
            return envelope(await ranked(totals, supporters ? 'sender' : 'receiver'));
          }
        }
      }
      return undefined;
    },
  };
}
