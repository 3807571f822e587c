// What a PaymentRouter payment counts as (docs/design.md §9): a purchase, a tip, or a plain
// transfer that unlocks nothing. The indexer records every Payment event with this verdict and
// the payment relay refuses before gas what would not judge as a tip or a purchase, so both
// decide alike.
import type { Kysely } from 'kysely';
import {
  MIN_TIP_WEI,
  type PurchaseSplit,
  parsePaymentRef,
  purchaseConditionSchema,
  purchaseShares,
} from '@coliving/protocol';
import type { DB, ItemType } from '../db/schema.js';

/** A payment as PaymentRouter's `Payment` event (or a signed authorization) states it. */
export type PaymentToJudge = {
  payer: string;
  token: string;
  /** DGCO wei. */
  amount: bigint;
  recipients: readonly string[];
  basisPoints: readonly number[];
  ref: string;
};

/** Why a payment is a plain transfer: a stable code. */
export type TransferCode =
  | 'wrong_token'
  | 'unknown_payer'
  | 'unknown_ref'
  | 'unknown_content'
  | 'deleted_content'
  | 'not_for_sale'
  | 'own_content'
  | 'wrong_amount'
  | 'wrong_splits'
  | 'unknown_user'
  | 'self_tip'
  | 'wrong_recipient'
  | 'tip_too_small';

type Judged = {
  /** The payer's user id (null: the payer is no user's wallet). */
  payerUserId: number | null;
  /** Each recipient's user id, in the payment's order (null: no user's wallet). */
  recipientUserIds: (number | null)[];
};

/** What a payment counts as. */
export type PaymentVerdict =
  | (Judged & {
      kind: 'purchase';
      payerUserId: number;
      sellerUserId: number;
      contentType: ItemType;
      contentId: number;
      /**
       * The buyer already held a purchase of it (or, for a track, of an album holding it): still a
       * purchase (the money moved) but it grants nothing new; the relay refuses it (`already_owned`).
       */
      alreadyOwned: boolean;
    })
  | (Judged & { kind: 'tip'; payerUserId: number; receiverUserId: number })
  | (Judged & { kind: 'transfer'; code: TransferCode; reason: string });

/**
 * When to judge: `Date` T judges against the data chain as of its last block with timestamp ≤ T
 * (the content's conditions then, the users that existed then), as the indexer does with an eth
 * block's time; 'now' against the latest indexed state, as the relay does before paying gas.
 */
export type JudgeAsOf = Date | 'now';

export type JudgePaymentOptions = {
  /** The DgcoToken address (any case): a payment in another token is a transfer. */
  token: string;
};

/** The user whose wallet is `wallet` (lower case), as of `asOf`. */
async function userOfWallet(
  db: Kysely<DB>,
  wallets: readonly string[],
  asOf: JudgeAsOf,
): Promise<Map<string, number>> {
  if (wallets.length === 0) return new Map();
  let query = db.selectFrom('users').select(['user_id', 'wallet']).where('wallet', 'in', wallets);
  if (asOf !== 'now') query = query.where('created_at', '<=', asOf);
  return new Map((await query.execute()).map((u) => [u.wallet, u.user_id]));
}

/** The wallets of users `ids` that exist as of `asOf`. */
async function walletsOfUsers(
  db: Kysely<DB>,
  ids: readonly number[],
  asOf: JudgeAsOf,
): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  let query = db.selectFrom('users').select(['user_id', 'wallet']).where('user_id', 'in', ids);
  if (asOf !== 'now') query = query.where('created_at', '<=', asOf);
  return new Map((await query.execute()).map((u) => [u.user_id, u.wallet]));
}

/** The content's conditions as of `asOf` (the last history row at or before it). */
export async function contentConditionsAsOf(
  db: Kysely<DB>,
  contentType: ItemType,
  contentId: number,
  asOf: JudgeAsOf,
) {
  let query = db
    .selectFrom('content_conditions')
    .selectAll()
    .where('content_type', '=', contentType)
    .where('content_id', '=', contentId);
  if (asOf !== 'now') query = query.where('block_time', '<=', asOf);
  return query.orderBy('block_number', 'desc').limit(1).executeTakeFirst();
}

/** The purchase gate of conditions, if they are one. */
export function purchaseGate(
  conditions: unknown,
): { price: bigint; splits: PurchaseSplit[] | undefined } | undefined {
  const parsed = purchaseConditionSchema.safeParse(conditions);
  if (!parsed.success) return undefined;
  return {
    price: BigInt(parsed.data.dgco_purchase.price),
    splits: parsed.data.dgco_purchase.splits,
  };
}

/**
 * Whether `userId` holds a purchase that unlocks the content: the content itself, or for a
 * track an album (a playlist with is_album) that holds it now.
 */
export async function hasPurchased(
  db: Kysely<DB>,
  userId: number,
  contentType: ItemType,
  contentId: number,
): Promise<boolean> {
  const direct = await db
    .selectFrom('purchases')
    .select('content_id')
    .where('buyer_user_id', '=', userId)
    .where('content_type', '=', contentType)
    .where('content_id', '=', contentId)
    .limit(1)
    .executeTakeFirst();
  if (direct) return true;
  if (contentType !== 'track') return false;
  const album = await db
    .selectFrom('purchases')
    .innerJoin('playlist_tracks', 'playlist_tracks.playlist_id', 'purchases.content_id')
    .innerJoin('playlists', 'playlists.playlist_id', 'purchases.content_id')
    .select('purchases.content_id')
    .where('purchases.buyer_user_id', '=', userId)
    .where('purchases.content_type', '=', 'playlist')
    .where('playlists.is_album', '=', true)
    .where('playlist_tracks.track_id', '=', contentId)
    .limit(1)
    .executeTakeFirst();
  return album !== undefined;
}

/**
 * What `payment` counts as (docs/design.md §9, decision 3 of issue 23), judged as of `asOf`:
 * - a token other than DgcoToken: transfer `wrong_token`; a payer that is no user's wallet:
 *   transfer `unknown_payer`;
 * - `track:<id>` / `playlist:<id>`: a purchase when the content exists and is not deleted, its
 *   stream conditions (or, without a purchase gate there, its download conditions) are a
 *   `dgco_purchase`, the payer is not its owner, the amount is exactly the price and the
 *   recipients and basis points are exactly `purchaseShares(splits, owner)` (as wallets, in that
 *   order); else transfer `unknown_content`, `deleted_content`, `not_for_sale`, `own_content`,
 *   `wrong_amount`, `wrong_splits`. Buying again what one holds is still a purchase
 *   (`alreadyOwned`);
 * - `tip:<userId>`: a tip when that user exists, is not the payer, is the one recipient, and the
 *   amount is at least MIN_TIP_WEI; else transfer `unknown_user`, `self_tip`,
 *   `wrong_recipient`, `tip_too_small`;
 * - any other ref: transfer `unknown_ref`.
 */
export async function judgePayment(
  db: Kysely<DB>,
  payment: PaymentToJudge,
  asOf: JudgeAsOf,
  { token }: JudgePaymentOptions,
): Promise<PaymentVerdict> {
  const payer = payment.payer.toLowerCase();
  const recipients = payment.recipients.map((r) => r.toLowerCase());
  const users = await userOfWallet(db, [...new Set([payer, ...recipients])], asOf);
  const payerUserId = users.get(payer) ?? null;
  const recipientUserIds = recipients.map((r) => users.get(r) ?? null);
  const transfer = (code: TransferCode, reason: string): PaymentVerdict => ({
    kind: 'transfer',
    code,
    reason,
    payerUserId,
    recipientUserIds,
  });

  if (payment.token.toLowerCase() !== token.toLowerCase()) {
    return transfer('wrong_token', 'The payment is not in DGCO');
  }
  if (payerUserId === null) return transfer('unknown_payer', "The payer is no user's wallet");
  const ref = parsePaymentRef(payment.ref);
  if (!ref)
    return transfer('unknown_ref', `The reference ${JSON.stringify(payment.ref)} names nothing`);

  if (ref.kind === 'tip') {
    const receiverWallet = (await walletsOfUsers(db, [ref.userId], asOf)).get(ref.userId);
    if (receiverWallet === undefined)
      return transfer('unknown_user', `User ${ref.userId} does not exist`);
    if (ref.userId === payerUserId) return transfer('self_tip', 'A user cannot tip themselves');
    if (recipients.length !== 1 || recipients[0] !== receiverWallet) {
      return transfer('wrong_recipient', `A tip to user ${ref.userId} pays their wallet alone`);
    }
    if (payment.amount < MIN_TIP_WEI) {
      return transfer('tip_too_small', `A tip is at least ${MIN_TIP_WEI} DGCO wei`);
    }
    return { kind: 'tip', payerUserId, receiverUserId: ref.userId, recipientUserIds };
  }

  const contentType = ref.kind;
  const contentId = ref.id;
  const name = `${contentType === 'track' ? 'Track' : 'Playlist'} ${contentId}`;
  const content = await contentConditionsAsOf(db, contentType, contentId, asOf);
  if (!content) return transfer('unknown_content', `${name} does not exist`);
  if (content.is_deleted) return transfer('deleted_content', `${name} is deleted`);
  const gate = purchaseGate(content.stream_conditions) ?? purchaseGate(content.download_conditions);
  if (!gate) return transfer('not_for_sale', `${name} is not for sale`);
  if (content.owner_id === payerUserId) {
    return transfer('own_content', `User ${payerUserId} owns ${name}`);
  }
  if (payment.amount !== gate.price) {
    return transfer('wrong_amount', `${name} costs ${gate.price} DGCO wei, not ${payment.amount}`);
  }
  const shares = purchaseShares(gate.splits, content.owner_id);
  const wallets = await walletsOfUsers(
    db,
    shares.map((s) => s.userId),
    asOf,
  );
  const splitsMatch =
    shares.length === recipients.length &&
    shares.every(
      (s, i) => wallets.get(s.userId) === recipients[i] && s.basisPoints === payment.basisPoints[i],
    );
  if (!splitsMatch) {
    return transfer(
      'wrong_splits',
      `A purchase of ${name} pays ${shares.map((s) => `user ${s.userId} ${s.basisPoints / 100}%`).join(', ')}, in that order`,
    );
  }
  return {
    kind: 'purchase',
    payerUserId,
    sellerUserId: content.owner_id,
    contentType,
    contentId,
    alreadyOwned: await hasPurchased(db, payerUserId, contentType, contentId),
    recipientUserIds,
  };
}
