// Money (docs/design.md §9), the client's half: `sdk.wallet`, `sdk.tips` and `sdk.purchases`. A
// payment is signed, not sent: the account signs a PaymentRouter authorization (and, when its
// allowance is short, an EIP-2612 permit) and a discovery node relays it, paying the gas
// (POST /relay/payment). Everything the signature needs (chain, token, router, allowance, permit
// nonce) comes from the node's GET /v1/payments/info, since apps talk only to discovery nodes.
import { type Address, type Hex, getAddress, parseSignature, parseUnits } from 'viem';
import {
  PERMIT_TYPES,
  type PaymentAuthorization,
  type PaymentRelayBody,
  type PurchaseSplit,
  decodeHashId,
  encodeHashId,
  paymentAuthorizationToJson,
  paymentTypedData,
  playlistPaymentRef,
  purchaseShares,
  tipPaymentRef,
  trackPaymentRef,
} from '@coliving/protocol';
import { INDEXING_TIMEOUT_MS, RELAY_TIMEOUT_MS, WRITE_HEALTH_MAX_AGE_MS } from './constants.js';
import { type SdkContext, getData, getDataOn, requireAccount, toEntityId } from './context.js';
import { ColivingSdkError, toColivingSdkError } from './errors.js';
import { requestJson, sleep, throwIfAborted } from './http.js';
import type { Page, PaymentsInfo, Playlist, Purchase, Tip, Track, User } from './types.js';

/** An amount of DGCO: a bigint of wei, or a decimal string of DGCO ("2.5" is 2.5 DGCO). */
export type AmountInput = bigint | string;

/** DGCO has 18 decimals. */
export const DGCO_DECIMALS = 18;
/** How long a signed authorization (and its permit) stays good. */
const AUTHORIZATION_LIFETIME_S = 3600n;
/** How long a payment refused as `conditions_settling` is sent again, and how often. */
const SETTLE_TIMEOUT_MS = 30_000;
const SETTLE_RETRY_MS = 1_000;

/**
 * An amount as wei: a bigint is wei already; a string is DGCO with at most 18 decimals.
 * `invalid_input` (`invalid_amount`) for anything else, zero or less.
 */
export function toWei(amount: AmountInput): bigint {
  let wei: bigint;
  if (typeof amount === 'bigint') {
    wei = amount;
  } else if (typeof amount === 'string' && /^[0-9]+(\.[0-9]{1,18})?$/.test(amount.trim())) {
    wei = parseUnits(amount.trim(), DGCO_DECIMALS);
  } else {
    throw new ColivingSdkError(
      'invalid_input',
      `"${String(amount)}" is not an amount of DGCO (a decimal such as "2.5", or a bigint of wei)`,
      { code: 'invalid_amount' },
    );
  }
  if (wei <= 0n) {
    throw new ColivingSdkError('invalid_input', 'An amount must be above zero', {
      code: 'invalid_amount',
    });
  }
  return wei;
}

/** Wei as a DGCO decimal string without trailing zeros ("2500000000000000000" → "2.5"). */
export function formatDgco(wei: bigint | string): string {
  const value = BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(DGCO_DECIMALS);
  const whole = abs / unit;
  const fraction = (abs % unit).toString().padStart(DGCO_DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export type PaymentReturnType = {
  /** The eth-chain transaction that moved the money. */
  txHash: Hex;
  /** Its eth-chain block. */
  blockNumber: number;
};

export type PaymentStatus = 'signing' | 'relaying' | 'indexing';

export type PaymentOptions = {
  signal?: AbortSignal;
  /** Told each step: `signing`, `relaying`, `indexing`. */
  onStatus?: (status: PaymentStatus) => void;
};

export type SendTipParameters = {
  /** The sender: the user of the account set now. */
  userId: string;
  /** The user tipped. */
  toUserId: string;
  /** At least `min_tip` of /v1/payments/info (0.1 DGCO). */
  amount: AmountInput;
} & PaymentOptions;

export type ListTipsParameters = Page & {
  /** Only tips sent or received by this user (as the node filters `user_id`). */
  userId?: string;
  signal?: AbortSignal;
};

export type BuyParameters = (
  | { userId: string; trackId: string }
  | {
      userId: string;
      playlistId: string;
    }
) &
  PaymentOptions;

/** `GET /v1/payments/info`, for `wallet` when given. */
export function paymentsInfo(
  ctx: SdkContext,
  wallet?: string,
  signal?: AbortSignal,
): Promise<PaymentsInfo> {
  return getData<PaymentsInfo>(ctx, '/v1/payments/info', { wallet }, signal);
}

/** What one payment pays, before it is signed. */
type PaymentIntent = {
  amount: bigint;
  recipients: Address[];
  basisPoints: number[];
  ref: string;
};

/**
 * Signs `intent` with the account set now (and a permit when its allowance is short), relays it
 * through one discovery node, and answers where it was mined; undefined when a node failed after
 * submitting it and the retry found it paid (where is then read from the index).
 */
async function pay(
  ctx: SdkContext,
  intent: PaymentIntent,
  options: PaymentOptions,
): Promise<PaymentReturnType | undefined> {
  const account = requireAccount(ctx);
  const { signal } = options;
  const info = await paymentsInfo(ctx, account.address, signal);
  options.onStatus?.('signing');
  const deadline = BigInt(Math.floor(Date.now() / 1000)) + AUTHORIZATION_LIFETIME_S;
  const authorization: PaymentAuthorization = {
    payer: getAddress(account.address),
    token: getAddress(info.token),
    amount: intent.amount,
    recipients: intent.recipients,
    basisPoints: intent.basisPoints,
    ref: intent.ref,
    nonce: randomNonce128(),
    deadline,
  };
  let body: PaymentRelayBody;
  try {
    const router = getAddress(info.payment_router);
    const signature = await account.signTypedData(
      paymentTypedData(info.chain_id, router, authorization),
    );
    let permit: PaymentRelayBody['permit'] = null;
    if (BigInt(info.allowance ?? '0') < intent.amount) {
      // Exactly this payment's amount: the router can move no more than what was signed for.
      const permitSignature = await account.signTypedData({
        domain: {
          name: info.permit_domain?.name ?? 'Coliving',
          version: info.permit_domain?.version ?? '1',
          chainId: info.chain_id,
          verifyingContract: authorization.token,
        },
        types: PERMIT_TYPES,
        primaryType: 'Permit',
        message: {
          owner: authorization.payer,
          spender: router,
          value: intent.amount,
          nonce: BigInt(info.permit_nonce ?? '0'),
          deadline,
        },
      });
      const { r, s, v, yParity } = parseSignature(permitSignature);
      permit = {
        value: intent.amount.toString(),
        deadline: deadline.toString(),
        v: v === undefined ? 27 + yParity : Number(v),
        r,
        s,
      };
    }
    body = { authorization: paymentAuthorizationToJson(authorization), signature, permit };
  } catch (error) {
    throw toColivingSdkError(error);
  }

  options.onStatus?.('relaying');
  let attempts = 0;
  // One node at a time, never hedged: a second copy of the payment would be refused (its nonce
  // is spent), but only after the first is mined.
  const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
  const send = async (endpoint: string): Promise<PaymentReturnType | undefined> => {
    attempts++;
    try {
      const { body: answer } = await requestJson<{
        data: { tx_hash: Hex; block_number: number };
      }>(ctx.fetch, `${endpoint}/relay/payment`, {
        method: 'POST',
        json: body,
        signal,
        timeoutMs: RELAY_TIMEOUT_MS,
      });
      return { txHash: answer.data.tx_hash, blockNumber: answer.data.block_number };
    } catch (error) {
      // Just after a price or gate changed (or the payer's account was made), the payment
      // chain's clock has not reached the change yet: nothing was sent; the same signed payment
      // is good a second or two later.
      if (
        error instanceof ColivingSdkError &&
        error.type === 'conflict' &&
        error.code === 'conditions_settling' &&
        Date.now() < settleBy
      ) {
        await sleep(SETTLE_RETRY_MS, signal);
        return send(endpoint);
      }
      // The same signed payment, sent again after a node failed to answer, is refused once the
      // first copy is mined: it was paid (once), in a transaction the index will show.
      if (
        attempts > 1 &&
        error instanceof ColivingSdkError &&
        error.type === 'conflict' &&
        error.code === 'nonce_used'
      ) {
        return undefined;
      }
      throw error;
    }
  };
  return ctx.discovery.run(send, signal, { maxHealthAgeMs: WRITE_HEALTH_MAX_AGE_MS });
}

/** 128 random bits, as the brief's payers pick nonces. */
function randomNonce128(): bigint {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`);
}

/**
 * Polls until a node lists the payment `txHash` among `path`'s rows (indexed): payments are
 * indexed once the data chain has passed their time, so this takes a few seconds.
 */
async function waitForIndexed<T>(
  ctx: SdkContext,
  path: string,
  query: Record<string, string | number | undefined>,
  matches: (row: T) => boolean,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + INDEXING_TIMEOUT_MS;
  for (;;) {
    throwIfAborted(signal);
    const found = await ctx.discovery.run(async (endpoint) => {
      const rows = await getDataOn<T[]>(ctx, endpoint, path, query, signal);
      return (rows ?? []).find(matches);
    }, signal);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new ColivingSdkError(
        'timeout',
        `The payment was mined but no discovery node has recorded it after ${INDEXING_TIMEOUT_MS / 1000} s`,
        { code: 'indexing_timeout' },
      );
    }
    await sleep(ctx.pollIntervalMs, signal);
  }
}

const sameHash = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A numeric user id from a condition's or split's `user_id` (a number, or a hashid). */
function numericUserId(id: unknown): number {
  if (typeof id === 'number') return id;
  if (typeof id === 'string') return /^[0-9]+$/.test(id) ? Number(id) : decodeHashId(id);
  throw new ColivingSdkError('server', 'The node answered a split without a user id', {
    code: 'invalid_answer',
  });
}

/** The wallets of users (numeric ids), in the order asked. */
async function walletsOf(
  ctx: SdkContext,
  userIds: number[],
  signal?: AbortSignal,
): Promise<Address[]> {
  const ids = userIds.map((id) => encodeHashId(id));
  const users = await getData<User[]>(ctx, '/v1/users', { id: ids }, signal);
  const byId = new Map(users.map((u) => [u.id, u.wallet]));
  return ids.map((id) => {
    const wallet = byId.get(id);
    if (!wallet) {
      throw new ColivingSdkError('not_found', `No user has the id "${id}" (named in the splits)`, {
        code: 'unknown_user',
      });
    }
    return getAddress(wallet);
  });
}

/** `sdk.wallet`. */
export function createWalletApi(ctx: SdkContext) {
  return {
    /**
     * A wallet's DGCO balance in wei (a decimal string), from the eth chain via a discovery
     * node: the account set now's, unless `wallet` names another.
     */
    async balance(
      opts: { wallet?: string; signal?: AbortSignal } = {},
    ): Promise<{ wallet: string; balance: string }> {
      const wallet = opts.wallet ?? requireAccount(ctx).address;
      const info = await paymentsInfo(ctx, wallet, opts.signal);
      return { wallet: getAddress(wallet), balance: info.balance ?? '0' };
    },
    /** Chain id, token, router and minimum tip (and, with `wallet`, its balance and allowance). */
    info: (opts: { wallet?: string; signal?: AbortSignal } = {}) =>
      paymentsInfo(ctx, opts.wallet, opts.signal),
  };
}

/** `sdk.tips`. */
export function createTipsApi(ctx: SdkContext) {
  return {
    /**
     * `userId` (the account set now's user) tips `toUserId` `amount`; resolves once a discovery
     * node has indexed the tip (the receiver's tip gate then opens for the sender).
     */
    async send(p: SendTipParameters): Promise<PaymentReturnType> {
      const amount = toWei(p.amount);
      const sender = toEntityId(p.userId, 'user id');
      const receiver = toEntityId(p.toUserId, 'user id');
      if (sender === receiver) {
        throw new ColivingSdkError('invalid_input', 'You cannot tip yourself', {
          code: 'self_tip',
        });
      }
      const [wallet] = await walletsOf(ctx, [receiver], p.signal);
      const result = await pay(
        ctx,
        { amount, recipients: [wallet!], basisPoints: [10_000], ref: tipPaymentRef(receiver) },
        p,
      );
      p.onStatus?.('indexing');
      const tip = await waitForIndexed<Tip>(
        ctx,
        '/v1/tips',
        { user_id: encodeHashId(sender), limit: 100 },
        (t) =>
          result
            ? sameHash(t.tx_signature, result.txHash)
            : t.sender.id === encodeHashId(sender) &&
              t.receiver.id === encodeHashId(receiver) &&
              t.amount === amount.toString(),
        p.signal,
      );
      return result ?? { txHash: tip.tx_signature as Hex, blockNumber: tip.slot };
    },

    /** Tips, newest first. */
    async list(p: ListTipsParameters = {}): Promise<Tip[]> {
      return getData<Tip[]>(
        ctx,
        '/v1/tips',
        { limit: p.limit, offset: p.offset, user_id: p.userId },
        p.signal,
      );
    },
  };
}

/** `sdk.purchases`. */
export function createPurchasesApi(ctx: SdkContext) {
  return {
    /**
     * `userId` (the account set now's user) buys a track or a playlist (an album unlocks its
     * tracks) at its price, split as its purchase gate says; resolves once a discovery node has
     * indexed the purchase, so access is granted. Refusals before any money moves:
     * `not_for_sale`, `own_content`, `already_owned`, `insufficient_balance`, ...
     */
    async buy(p: BuyParameters): Promise<PaymentReturnType> {
      const isTrack = 'trackId' in p;
      const contentId = isTrack ? p.trackId : p.playlistId;
      const id = toEntityId(contentId, isTrack ? 'track id' : 'playlist id');
      const buyer = toEntityId(p.userId, 'user id');
      const content = await getData<Track | Playlist>(
        ctx,
        `/v1/${isTrack ? 'tracks' : 'playlists'}/${encodeURIComponent(contentId)}`,
        {},
        p.signal,
      ).then((answer) => (Array.isArray(answer) ? answer[0] : answer) as Track | Playlist);
      type Gate = { dgco_purchase?: { price: string; splits?: PurchaseSplit[] } } | null;
      // The stream gate's price, or without one the download gate's, as the node judges it.
      const purchase =
        (content.stream_conditions as Gate)?.dgco_purchase ??
        ((content as { download_conditions?: unknown }).download_conditions as Gate)?.dgco_purchase;
      if (!purchase) {
        throw new ColivingSdkError(
          'invalid_input',
          `This ${isTrack ? 'track' : 'playlist'} is not for sale`,
          {
            code: 'not_for_sale',
          },
        );
      }
      const owner = numericUserId(content.user.id);
      if (owner === buyer) {
        throw new ColivingSdkError('conflict', 'You cannot buy your own content', {
          code: 'own_content',
        });
      }
      const splits = purchase.splits?.map((s) => ({
        user_id: numericUserId(s.user_id),
        percentage: s.percentage,
      }));
      let shares: { userId: number; basisPoints: number }[];
      try {
        shares = purchaseShares(splits, owner);
      } catch (error) {
        throw toColivingSdkError(error);
      }
      const recipients = await walletsOf(
        ctx,
        shares.map((s) => s.userId),
        p.signal,
      );
      const result = await pay(
        ctx,
        {
          amount: BigInt(purchase.price),
          recipients,
          basisPoints: shares.map((s) => s.basisPoints),
          ref: isTrack ? trackPaymentRef(id) : playlistPaymentRef(id),
        },
        p,
      );
      p.onStatus?.('indexing');
      const row = await waitForIndexed<Purchase>(
        ctx,
        `/v1/users/${encodeURIComponent(encodeHashId(buyer))}/purchases`,
        { limit: 100 },
        (r) =>
          result
            ? sameHash(r.signature, result.txHash)
            : r.content_type === (isTrack ? 'track' : 'playlist') &&
              r.content_id === encodeHashId(id),
        p.signal,
      );
      return result ?? { txHash: row.signature as Hex, blockNumber: row.slot };
    },
  };
}

export type WalletApi = ReturnType<typeof createWalletApi>;
export type TipsApi = ReturnType<typeof createTipsApi>;
export type PurchasesApi = ReturnType<typeof createPurchasesApi>;
