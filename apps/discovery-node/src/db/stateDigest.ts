import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { canonicalJson } from '@coliving/protocol';
import type { DB } from './schema.js';

/**
 * The tables the digest covers, each with its primary key: every row the data chain decides,
 * the payments (eth chain) judged against it, and the wallets' DGCO balances (eth chain).
 * Node-local tables (checkpoints, block hashes) and NodeRegistry's tables are left out.
 */
export const DIGEST_TABLES: readonly { table: keyof DB; key: readonly string[] }[] = [
  { table: 'users', key: ['user_id'] },
  { table: 'tracks', key: ['track_id'] },
  { table: 'playlists', key: ['playlist_id'] },
  { table: 'playlist_tracks', key: ['playlist_id', 'position'] },
  { table: 'follows', key: ['follower_id', 'followee_id'] },
  { table: 'saves', key: ['user_id', 'item_type', 'item_id'] },
  { table: 'reposts', key: ['user_id', 'item_type', 'item_id'] },
  { table: 'aggregate_user', key: ['user_id'] },
  { table: 'aggregate_track', key: ['track_id'] },
  { table: 'aggregate_playlist', key: ['playlist_id'] },
  { table: 'skipped_actions', key: ['block_number', 'log_index'] },
  // Developer apps and grants (indexer/entities/developerApp.ts, grant.ts).
  { table: 'developer_apps', key: ['address'] },
  { table: 'grants', key: ['user_id', 'grantee_address'] },
  // The play log's (indexer/sources/playLog.ts): on the same chain, at its own checkpoint.
  { table: 'plays', key: ['play_id'] },
  { table: 'skipped_plays', key: ['block_number', 'log_index', 'play_index'] },
  // The conditions history (EntityManager's) and the payments judged against it (the eth
  // chain's PaymentRouter, indexer/sources/paymentRouter.ts, at its own checkpoint).
  { table: 'content_conditions', key: ['content_type', 'content_id', 'block_number'] },
  { table: 'payments', key: ['block_number', 'log_index'] },
  { table: 'payment_shares', key: ['block_number', 'log_index', 'position'] },
  { table: 'purchases', key: ['block_number', 'log_index'] },
  { table: 'tips', key: ['block_number', 'log_index'] },
  // DGCO balances from the token's Transfer logs (indexer/sources/dgcoBalances.ts, at its own
  // eth checkpoint).
  { table: 'wallet_balances', key: ['wallet'] },
];

/** The play log's row in `indexing_checkpoints` (indexer/sources/playLog.ts names it too). */
export const PLAYS_CHECKPOINT = 'plays';
/** The PaymentRouter source's row (indexer/sources/paymentRouter.ts names it too). */
export const PAYMENTS_CHECKPOINT = 'payments';
/** The DgcoToken balances source's row (indexer/sources/dgcoBalances.ts names it too). */
export const BALANCES_CHECKPOINT = 'balances';

/** Rows read per query while hashing. */
const PAGE_ROWS = 5000;

/** One value in its canonical form: times as ISO strings, bytes as 0x hex, JSON with sorted keys. */
function canonicalValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  return value;
}

export type StateDigest = {
  /** The last data-chain block the entity tables hold. */
  block: number;
  /** The last data-chain block the play tables hold (the play log's own checkpoint). */
  plays_block: number;
  /** The last eth-chain block the payment tables hold (the PaymentRouter source's checkpoint). */
  payments_block: number;
  /** The last eth-chain block the balances hold (the DgcoToken source's checkpoint). */
  balances_block: number;
  digest: `0x${string}`;
};

/**
 * A sha-256 over a canonical dump of the state as of the last indexed blocks (the entity tables',
 * the play tables', the payment tables' and the balances' (eth blocks), each at its source's
 * checkpoint): for each table in a fixed order, its name, then every row in primary-key order as
 * canonical JSON. Read in one repeatable-read transaction, so the rows and the block agree. Two nodes on
 * the same chain at the same block give the same digest.
 */
export async function computeStateDigest(db: Kysely<DB>, chain = 'data'): Promise<StateDigest> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const checkpoints = await tx
        .selectFrom('indexing_checkpoints')
        .select(['chain', 'block_number'])
        .where('chain', 'in', [chain, PLAYS_CHECKPOINT, PAYMENTS_CHECKPOINT, BALANCES_CHECKPOINT])
        .execute();
      const blockOf = (name: string) =>
        checkpoints.find((c) => c.chain === name)?.block_number ?? 0;
      const hash = createHash('sha256');
      for (const { table, key } of DIGEST_TABLES) {
        hash.update(`table ${table}\n`);
        const keyList = sql.join(key.map((k) => sql.ref(k)));
        let after: unknown[] | undefined;
        for (;;) {
          const where = after
            ? sql`where (${keyList}) > (${sql.join(after.map((v) => sql`${v}`))})`
            : sql``;
          const rows = (
            await sql<Record<string, unknown>>`select * from ${sql.table(table)} ${where}
              order by ${keyList} limit ${PAGE_ROWS}`.execute(tx)
          ).rows;
          for (const row of rows) {
            const canonical: Record<string, unknown> = {};
            for (const [column, value] of Object.entries(row)) {
              canonical[column] = canonicalValue(value);
            }
            hash.update(canonicalJson(canonical));
            hash.update('\n');
          }
          if (rows.length < PAGE_ROWS) break;
          const lastRow = rows.at(-1)!;
          after = key.map((k) => lastRow[k]);
        }
      }
      return {
        block: blockOf(chain),
        plays_block: blockOf(PLAYS_CHECKPOINT),
        payments_block: blockOf(PAYMENTS_CHECKPOINT),
        balances_block: blockOf(BALANCES_CHECKPOINT),
        digest: `0x${hash.digest('hex')}`,
      };
    });
}
