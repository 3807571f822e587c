// PaymentRouter on the eth chain: every Payment event, judged as a purchase, a tip or a plain
// transfer (core/payments.ts judgePayment) and recorded in `payments`, `payment_shares` and
// `purchases` or `tips` (docs/design.md §9).
//
// Money is on the eth chain, content and its conditions on the data chain. A payment in an eth
// block with time T is judged against the data chain as of its last block with timestamp ≤ T
// (the `content_conditions` history and the users created by then), so every node, and a
// reindex, judges it alike. That needs the data chain indexed past T: this source never indexes
// an eth block whose time is after the data chain's indexed checkpoint block, or, while the data
// indexer is at the data chain's head, after now - the settle window (PAYMENT_SETTLE_MS, or
// DEVNET_PAYMENT_SETTLE_MS on a devnet; a data block mined later has a later time) (`ceiling`).
import type { Kysely, Transaction } from 'kysely';
import { type Address, type PublicClient, getAbiItem } from 'viem';
import { paymentRouterAbi } from '@coliving/contracts';
import { splitAmount } from '@coliving/protocol';
import type { EntityChanges } from '../../core/entityChanges.js';
import { type PaymentVerdict, judgePayment } from '../../core/payments.js';
import type { DB } from '../../db/schema.js';
import { PAYMENTS_CHECKPOINT } from '../../db/stateDigest.js';
import {
  type ChainSource,
  type IndexChainOptions,
  type IndexChainReturnType,
  indexChain,
} from '../chainSource.js';
import { readCheckpoint } from '../checkpoints.js';
import { readInHalves } from '../readInHalves.js';
import { readBlockTimes } from '../readEntityEvents.js';
import { DATA_CHAIN } from './entityManager.js';

export { PAYMENTS_CHECKPOINT };
/**
 * While the data indexer is at the data chain's head, eth blocks this old are judged: a data block
 * not mined yet will have a later time than theirs (block times follow the clock within seconds).
 */
export const PAYMENT_SETTLE_MS = 30_000;
/**
 * The settle window on a devnet's data chain (devchain), whose blocks take this machine's clock's
 * time (several may share a second). Its clock is at most a second or two behind the wall clock:
 * a seeded past ends by moving it to the present's second (`coliving devnet up`), and a burst of
 * writes only moves it ahead. So a data block mined later has a later time than an eth block five
 * seconds old. A purchase on an idle devnet is recorded in about 5 s instead of 30.
 */
export const DEVNET_PAYMENT_SETTLE_MS = 5_000;

const paymentEvent = getAbiItem({ abi: paymentRouterAbi, name: 'Payment' });

export type PaymentRouterSourceInit = {
  /** A client of the eth chain. */
  client: PublicClient;
  paymentRouter: Address;
  /** DgcoToken: payments in another token are transfers. */
  token: Address;
  /** The block PaymentRouter was deployed in: indexing starts there. */
  deployBlock: number;
  /** Blocks the eth head must be past a block before it is indexed; 0 on a devnet. */
  confirmations: number;
  /** Blocks read with one eth_getLogs, and applied in one transaction. */
  blocksPerRead: number;
  /** A client of the data chain, whose indexed block times bound the payments judged. */
  dataClient: PublicClient;
  /** The data indexer's confirmations: it is at the head when this close to it. */
  dataConfirmations: number;
  /**
   * While the data indexer is at its head, how old (ms) an eth block must be to be judged:
   * PAYMENT_SETTLE_MS by default, DEVNET_PAYMENT_SETTLE_MS on a devnet.
   */
  settleMs?: number;
  /** Milliseconds since the epoch; the clock by default. */
  now?: () => number;
  /**
   * Runs after a transaction that recorded tips commits, with the users who sent or received
   * them (their supporter and supporting counts moved).
   */
  onChanges?: (changes: EntityChanges) => void;
};

/** One Payment log, as read. */
export type PaymentLog = {
  blockNumber: number;
  logIndex: number;
  txHash: string;
  /** The block's time, seconds. */
  time: number;
  payer: Address;
  token: Address;
  amount: bigint;
  recipients: readonly Address[];
  basisPoints: readonly number[];
  ref: string;
  nonce: bigint;
};

/**
 * The latest time (seconds) an eth block may have to be judged now: the data chain's indexed
 * checkpoint block's time, or now - the settle window (`settleMs`) when the data indexer is at
 * its head.
 * Undefined before the data indexer has a checkpoint.
 */
export async function paymentTimeCeiling(
  db: Kysely<DB>,
  init: Pick<PaymentRouterSourceInit, 'dataClient' | 'dataConfirmations' | 'settleMs' | 'now'>,
): Promise<number | undefined> {
  const checkpoint = await readCheckpoint(db, DATA_CHAIN);
  if (!checkpoint) return undefined;
  const [block, head] = await Promise.all([
    init.dataClient.getBlock({ blockNumber: BigInt(checkpoint.block_number) }),
    init.dataClient.getBlockNumber({ cacheTime: 0 }),
  ]);
  // Blocks may share a time (a devchain mines several in one second; so may a fast L2): a later
  // data block with the checkpoint's own time may still come, so only times before it are safe.
  let limit = Number(block.timestamp) - 1;
  if (checkpoint.block_number >= Number(head) - init.dataConfirmations) {
    const now = init.now?.() ?? Date.now();
    limit = Math.max(limit, Math.floor((now - (init.settleMs ?? PAYMENT_SETTLE_MS)) / 1000));
  }
  return limit;
}

/** The PaymentRouter source. */
export function paymentRouterSource(init: PaymentRouterSourceInit): ChainSource<PaymentLog[]> {
  const { client, paymentRouter, token } = init;
  /** Eth block times by number (seconds), asked again and again by the ceiling's search. */
  const times = new Map<number, number>();
  const timeOf = async (blockNumber: number): Promise<number> => {
    let time = times.get(blockNumber);
    if (time === undefined) {
      time = Number((await client.getBlock({ blockNumber: BigInt(blockNumber) })).timestamp);
      if (times.size > 10_000) times.clear();
      times.set(blockNumber, time);
    }
    return time;
  };
  return {
    name: 'payments',
    checkpoint: PAYMENTS_CHECKPOINT,
    client,
    deployBlock: init.deployBlock,
    confirmations: init.confirmations,
    blocksPerRead: init.blocksPerRead,

    async ceiling(db) {
      const limit = await paymentTimeCeiling(db, init);
      if (limit === undefined) return -1;
      // The last eth block with time ≤ limit: block times only grow, so a binary search between
      // the last block indexed (or the one before the deploy) and the head.
      const head = Number(await client.getBlockNumber({ cacheTime: 0 })) - init.confirmations;
      let low =
        ((await readCheckpoint(db, PAYMENTS_CHECKPOINT))?.block_number ?? init.deployBlock) - 1;
      if (head <= low) return head;
      if ((await timeOf(head)) <= limit) return head;
      let high = head;
      // Invariant: blocks ≤ low are allowed (or already indexed), `high` is not.
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if ((await timeOf(middle)) <= limit) low = middle;
        else high = middle;
      }
      return low;
    },

    async read(fromBlock, toBlock) {
      const logs = await readInHalves(fromBlock, toBlock, (from, to) =>
        client.getLogs({
          address: paymentRouter,
          event: paymentEvent,
          fromBlock: BigInt(from),
          toBlock: BigInt(to),
          strict: true,
        }),
      );
      // Judging reads what earlier payments bought: chain order, not the node's.
      logs.sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex);
      const blocks = await readBlockTimes(client, [
        ...new Set(logs.map((l) => Number(l.blockNumber))),
        toBlock,
      ]);
      const payments = logs.map((log): PaymentLog => ({
        blockNumber: Number(log.blockNumber),
        logIndex: log.logIndex,
        txHash: log.transactionHash,
        time: blocks.get(Number(log.blockNumber))!.timestamp,
        payer: log.args.payer,
        token: log.args.token,
        amount: log.args.amount,
        recipients: log.args.recipients,
        basisPoints: log.args.basisPoints,
        ref: log.args.ref,
        nonce: log.args.nonce,
      }));
      return [
        { toBlock, toHash: blocks.get(toBlock)!.hash, events: payments.length, data: payments },
      ];
    },

    async apply(tx, payments) {
      let skipped = 0;
      const tipped = new Set<number>();
      for (const payment of payments) {
        const verdict = await judgePayment(tx, payment, new Date(payment.time * 1000), { token });
        if (verdict.kind === 'transfer') skipped++;
        if (verdict.kind === 'tip') tipped.add(verdict.payerUserId).add(verdict.receiverUserId);
        await recordPayment(tx, payment, verdict);
      }
      const { onChanges } = init;
      const changes: EntityChanges = { users: tipped, tracks: new Set(), playlists: new Set() };
      return {
        applied: payments.length - skipped,
        skipped,
        ...(tipped.size > 0 && onChanges ? { committed: () => onChanges(changes) } : {}),
      };
    },
  };
}

/** Writes a payment, who got what, and the purchase or tip it is. */
async function recordPayment(
  tx: Transaction<DB>,
  payment: PaymentLog,
  verdict: PaymentVerdict,
): Promise<void> {
  const { blockNumber: block_number, logIndex: log_index, txHash: tx_hash } = payment;
  const time = new Date(payment.time * 1000);
  await tx
    .insertInto('payments')
    .values({
      block_number,
      log_index,
      block_time: time,
      tx_hash,
      payer: payment.payer.toLowerCase(),
      token: payment.token.toLowerCase(),
      payer_user_id: verdict.payerUserId,
      amount: payment.amount,
      ref: payment.ref,
      nonce: payment.nonce,
      kind: verdict.kind,
      reason_code: verdict.kind === 'transfer' ? verdict.code : null,
      reason: verdict.kind === 'transfer' ? verdict.reason : null,
    })
    .execute();
  const amounts = splitAmount(payment.amount, payment.basisPoints);
  if (payment.recipients.length > 0) {
    await tx
      .insertInto('payment_shares')
      .values(
        payment.recipients.map((recipient, position) => ({
          block_number,
          log_index,
          position,
          recipient: recipient.toLowerCase(),
          user_id: verdict.recipientUserIds[position] ?? null,
          basis_points: payment.basisPoints[position]!,
          amount: amounts[position]!,
        })),
      )
      .execute();
  }
  if (verdict.kind === 'purchase') {
    await tx
      .insertInto('purchases')
      .values({
        block_number,
        log_index,
        buyer_user_id: verdict.payerUserId,
        seller_user_id: verdict.sellerUserId,
        content_type: verdict.contentType,
        content_id: verdict.contentId,
        amount: payment.amount,
        created_at: time,
        tx_hash,
      })
      .execute();
  } else if (verdict.kind === 'tip') {
    await tx
      .insertInto('tips')
      .values({
        block_number,
        log_index,
        sender_user_id: verdict.payerUserId,
        receiver_user_id: verdict.receiverUserId,
        amount: payment.amount,
        created_at: time,
        tx_hash,
      })
      .execute();
  }
}

export type IndexPaymentsParameters = PaymentRouterSourceInit &
  IndexChainOptions & { db: Kysely<DB> };

/** One pass of the payment source alone (tests); see indexChain. */
export async function indexPayments(
  parameters: IndexPaymentsParameters,
): Promise<IndexChainReturnType> {
  const { db, onStage, ...init } = parameters;
  return indexChain(db, paymentRouterSource(init), { onStage });
}
