// DgcoToken on the eth chain: every Transfer log moves the balances in `wallet_balances`, which
// the user model's `balance` and `total_balance` read (docs/design.md §9). A mint (from the zero
// address) only credits, a burn (to it) only debits; the constructor's mint to the treasury is in
// the token's deploy block, where indexing starts. Balances are summed, not read from the chain,
// so every node and a reindex reach the same rows at the same block (they are in the digest).
import { type Kysely, type Transaction, sql } from 'kysely';
import { type Address, type PublicClient, getAbiItem, zeroAddress } from 'viem';
import { dgcoTokenAbi } from '@coliving/contracts';
import type { EntityChanges } from '../../core/entityChanges.js';
import type { DB } from '../../db/schema.js';
import { BALANCES_CHECKPOINT } from '../../db/stateDigest.js';
import {
  type ChainSource,
  type IndexChainOptions,
  type IndexChainReturnType,
  indexChain,
} from '../chainSource.js';
import { readInHalves } from '../readInHalves.js';

export { BALANCES_CHECKPOINT };

/** Wallets written per statement (three parameters each, well under PostgreSQL's 65,535). */
const WALLETS_PER_STATEMENT = 5000;

const transferEvent = getAbiItem({ abi: dgcoTokenAbi, name: 'Transfer' });

export type DgcoBalancesSourceInit = {
  /** A client of the eth chain. */
  client: PublicClient;
  /** DgcoToken. */
  token: Address;
  /** The block DgcoToken was deployed in (its initial mint): indexing starts there. */
  deployBlock: number;
  /** Blocks the eth head must be past a block before it is indexed; 0 on a devnet. */
  confirmations: number;
  /** Blocks read with one eth_getLogs, and applied in one transaction. */
  blocksPerRead: number;
  /**
   * Runs after a transaction that moved balances commits, with the wallets that moved: answers
   * kept for their users (and the tracks those own) show the old balance (`usersOfWallets`).
   */
  onWalletsMoved?: (wallets: readonly string[]) => void | Promise<void>;
};

/** One Transfer log, as read; addresses lower-case. */
export type TransferLog = {
  blockNumber: number;
  logIndex: number;
  from: string;
  to: string;
  value: bigint;
};

/** The DgcoToken balances source. */
export function dgcoBalancesSource(init: DgcoBalancesSourceInit): ChainSource<TransferLog[]> {
  const { client, token } = init;
  return {
    name: 'DGCO balances',
    checkpoint: BALANCES_CHECKPOINT,
    client,
    deployBlock: init.deployBlock,
    confirmations: init.confirmations,
    blocksPerRead: init.blocksPerRead,

    async read(fromBlock, toBlock) {
      const [logs, last] = await Promise.all([
        readInHalves(fromBlock, toBlock, (from, to) =>
          client.getLogs({
            address: token,
            event: transferEvent,
            fromBlock: BigInt(from),
            toBlock: BigInt(to),
            strict: true,
          }),
        ),
        client.getBlock({ blockNumber: BigInt(toBlock) }),
      ]);
      const transfers = logs.map((log): TransferLog => ({
        blockNumber: Number(log.blockNumber),
        logIndex: log.logIndex,
        from: log.args.from.toLowerCase(),
        to: log.args.to.toLowerCase(),
        value: log.args.value,
      }));
      return [{ toBlock, toHash: last.hash, events: transfers.length, data: transfers }];
    },

    async apply(tx, transfers) {
      const moved = await applyTransfers(tx, transfers);
      const { onWalletsMoved } = init;
      return {
        applied: transfers.length,
        skipped: 0,
        ...(moved.length > 0 && onWalletsMoved ? { committed: () => onWalletsMoved(moved) } : {}),
      };
    },
  };
}

/** Adds the transfers to the balances; returns the wallets they touched. */
async function applyTransfers(
  tx: Transaction<DB>,
  transfers: readonly TransferLog[],
): Promise<string[]> {
  const zero = zeroAddress.toLowerCase();
  const deltas = new Map<string, { delta: bigint; block: number }>();
  const move = (wallet: string, by: bigint, block: number) => {
    if (wallet === zero) return;
    const entry = deltas.get(wallet);
    if (entry) {
      entry.delta += by;
      entry.block = Math.max(entry.block, block);
    } else {
      deltas.set(wallet, { delta: by, block });
    }
  };
  for (const t of transfers) {
    move(t.from, -t.value, t.blockNumber);
    move(t.to, t.value, t.blockNumber);
  }
  // In wallet order, so two transactions touching the same wallets lock them alike.
  const rows = [...deltas]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([wallet, { delta, block }]) => ({
      wallet,
      balance: delta.toString(),
      updated_block: block,
    }));
  for (let i = 0; i < rows.length; i += WALLETS_PER_STATEMENT) {
    const written = await tx
      .insertInto('wallet_balances')
      .values(rows.slice(i, i + WALLETS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.column('wallet').doUpdateSet({
          balance: sql`wallet_balances.balance + excluded.balance`,
          updated_block: (eb) => eb.ref('excluded.updated_block'),
        }),
      )
      .returning(['wallet', 'balance'])
      .execute();
    // The token never lets a balance fall below zero: one here means a transfer was missed
    // (indexing started after the token's deploy block), and every balance after it is wrong.
    const negative = written.find((r) => r.balance.startsWith('-'));
    if (negative) {
      throw new Error(
        `DGCO balance of ${negative.wallet} below zero (${negative.balance}): a Transfer was missed`,
      );
    }
  }
  return rows.map((r) => r.wallet);
}

/**
 * What a change of `wallets`' balances makes stale: their users. Read after the balances
 * committed, so a user made meanwhile is either found here or was made after the commit (and
 * every answer about them shows the new balance).
 */
export async function balanceChanges(
  db: Kysely<DB>,
  wallets: readonly string[],
): Promise<EntityChanges> {
  // One array parameter, however many wallets a part moved.
  const { rows } = await sql<{ user_id: number }>`
    select user_id from users where wallet = any(${wallets}::text[])`.execute(db);
  return {
    users: new Set(rows.map((r) => Number(r.user_id))),
    tracks: new Set(),
    playlists: new Set(),
  };
}

export type IndexBalancesParameters = DgcoBalancesSourceInit &
  IndexChainOptions & { db: Kysely<DB> };

/** One pass of the balances source alone (tests); see indexChain. */
export async function indexBalances(
  parameters: IndexBalancesParameters,
): Promise<IndexChainReturnType> {
  const { db, onStage, ...init } = parameters;
  return indexChain(db, dgcoBalancesSource(init), { onStage });
}
