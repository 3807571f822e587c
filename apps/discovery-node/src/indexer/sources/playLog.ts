// PlayLog on the data chain: the listens content nodes served, in batches each content node
// submits from its delegate wallet (docs/design.md §11). Which plays count is decided from chain
// data alone, so every discovery node, and a reindex, counts the same ones:
// - a batch counts only if its submitter was the delegate wallet of content node `nodeId` in
//   NodeRegistry as of the eth block `ethBlockHash` names (core/nodeRegistration.ts);
// - a play counts only if its track existed, undeleted, at the end of the play's block; if its id
//   was never counted before; if its listen time is within [block time - a week, block time +
//   PLAY_CLOCK_SKEW_MS]; and if, among the plays of its (track, user) counted before it in chain
//   order, fewer than PLAY_LIMITS.trackUser lie within an hour, a day and a week of it.
// Every batch or play that does not count is recorded in `skipped_plays` with a stable code.
//
// "The track existed at the end of block B" is read from the entity tables as the EntityManager
// source left them, which may be newer than B: a track made after B has created_block > B, and one
// deleted after B has updated_block > B (a deleted track takes no further action), so both are
// told apart. It needs the entity tables to hold every block up to B, so this source never
// indexes past the EntityManager source's checkpoint (`ceiling`). The two sources run at their
// own pace, yet each play is decided against the same state on every node.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import {
  type Address,
  type Hex,
  type PublicClient,
  getAbiItem,
  getAddress,
  hexToBytes,
} from 'viem';
import { playLogAbi } from '@coliving/contracts';
import {
  type DecodedPlay,
  MAX_PLAYS_PER_BATCH,
  PLAY_LIMITS,
  UnavailableError,
  decodePlays,
} from '@coliving/protocol';
import type { EntityChanges } from '../../core/entityChanges.js';
import type { NodeRegistrations } from '../../core/nodeRegistration.js';
import type { DB } from '../../db/schema.js';
import { PLAYS_CHECKPOINT } from '../../db/stateDigest.js';
import {
  type ChainSource,
  type IndexChainOptions,
  type IndexChainReturnType,
  type SourcePart,
  indexChain,
} from '../chainSource.js';
import { readCheckpoint } from '../checkpoints.js';
import { readInHalves } from '../readInHalves.js';
import { readBlockTimes } from '../readEntityEvents.js';
import { DATA_CHAIN } from './entityManager.js';

export { PLAYS_CHECKPOINT };

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** How far past its block's time a listen may be: content nodes' clocks and block times drift. */
export const PLAY_CLOCK_SKEW_MS = 10 * 60 * 1000;
/** The oldest a listen may be when its block is made: a content node submits within minutes. */
export const PLAY_MAX_AGE_MS = WEEK_MS;
/** The per-(track, user) windows and how many counted plays each holds. */
const WINDOWS = [
  { ms: HOUR_MS, limit: PLAY_LIMITS.trackUser.hour, name: 'an hour' },
  { ms: DAY_MS, limit: PLAY_LIMITS.trackUser.day, name: 'a day' },
  { ms: WEEK_MS, limit: PLAY_LIMITS.trackUser.week, name: 'a week' },
] as const;

const playsSubmitted = getAbiItem({ abi: playLogAbi, name: 'PlaysSubmitted' });

export type PlayLogSourceInit = {
  client: PublicClient;
  playLog: Address;
  /** The block PlayLog was deployed in: indexing starts there. */
  deployBlock: number;
  /** Blocks the head must be past a block before it is indexed (reorg safety); 0 on a devnet. */
  confirmations: number;
  /** Blocks read with one eth_getLogs. */
  blocksPerRead: number;
  /** Plays per database transaction, about; a block is never split between two. */
  playsPerTransaction: number;
  /** Content nodes' delegates as of eth blocks (shared with the upload receipts' check). */
  registrations: NodeRegistrations;
  /** Runs after each transaction commits with the tracks whose play counts it changed. */
  onChanges?: (changes: EntityChanges) => void;
};

/** Why a batch or a play does not count. */
type Skip = { code: string; reason: string };

/** One PlaysSubmitted log, read and with its submitter checked. */
type PlayBatch = {
  blockNumber: number;
  logIndex: number;
  nodeId: bigint;
  /** Its plays, or why the whole batch does not count. */
  plays: DecodedPlay[] | Skip;
};

type PlayPart = {
  batches: PlayBatch[];
  /** Block times in seconds, by block number. */
  times: Map<number, number>;
};

/** The play log source: batches of plays, each batch and play decided by the rules above. */
export function playLogSource(init: PlayLogSourceInit): ChainSource<PlayPart> {
  const { client, playLog, registrations } = init;
  return {
    name: 'play log',
    checkpoint: PLAYS_CHECKPOINT,
    client,
    deployBlock: init.deployBlock,
    confirmations: init.confirmations,
    blocksPerRead: init.blocksPerRead,

    async ceiling(db) {
      // Tracks are decided from the entity tables: never ahead of the blocks they hold.
      return (await readCheckpoint(db, DATA_CHAIN))?.block_number ?? -1;
    },

    async read(fromBlock, toBlock): Promise<SourcePart<PlayPart>[]> {
      const logs = await readInHalves(fromBlock, toBlock, (from, to) =>
        readRange(client, playLog, from, to),
      );
      const batches = await Promise.all(
        logs.map(async (log): Promise<PlayBatch> => {
          const { submitter, nodeId, ethBlockHash, plays } = log.args;
          const batch = {
            blockNumber: Number(log.blockNumber),
            logIndex: log.logIndex,
            nodeId,
          };
          const refused = await checkSubmitter(registrations, submitter, nodeId, ethBlockHash);
          return { ...batch, plays: refused ?? decodeBatch(plays) };
        }),
      );
      const blocks = await readBlockTimes(client, [
        ...new Set(batches.map((b) => b.blockNumber)),
        toBlock,
      ]);
      const times = new Map([...blocks].map(([number, block]) => [number, block.timestamp]));
      // Whole blocks, in transactions of about playsPerTransaction plays.
      const groups: PlayBatch[][] = [];
      let group: PlayBatch[] = [];
      let plays = 0;
      for (let i = 0; i < batches.length; i++) {
        const batch = batches[i]!;
        group.push(batch);
        plays += Array.isArray(batch.plays) ? batch.plays.length : 1;
        const blockEnds = batches[i + 1]?.blockNumber !== batch.blockNumber;
        if (blockEnds && plays >= init.playsPerTransaction) {
          groups.push(group);
          group = [];
          plays = 0;
        }
      }
      if (group.length > 0 || groups.length === 0) groups.push(group);
      return groups.map((part, index) => {
        // The last group also covers the blocks after the last batch, up to `toBlock`.
        const upTo = index === groups.length - 1 ? toBlock : part.at(-1)!.blockNumber;
        return {
          toBlock: upTo,
          toHash: blocks.get(upTo)!.hash,
          events: part.length,
          data: { batches: part, times },
        };
      });
    },

    async apply(tx, { batches, times }, stage) {
      const decided = await decidePlays(tx, batches, times);
      await stage('loaded');
      await insertPlays(tx, decided.counted);
      await insertSkips(tx, decided.skipped);
      const tracks = new Set(decided.counted.map((p) => p.trackId));
      return {
        applied: decided.counted.length,
        skipped: decided.skipped.length,
        committed: () => {
          if (tracks.size > 0) init.onChanges?.({ tracks, users: new Set(), playlists: new Set() });
        },
      };
    },
  };
}

export type IndexPlaysParameters = PlayLogSourceInit & IndexChainOptions & { db: Kysely<DB> };

/** One pass of the play log source alone (tests, the bench); see indexChain. */
export async function indexPlays(parameters: IndexPlaysParameters): Promise<IndexChainReturnType> {
  const { db, onStage, ...init } = parameters;
  return indexChain(db, playLogSource(init), { onStage });
}

async function readRange(
  client: PublicClient,
  playLog: Address,
  fromBlock: number,
  toBlock: number,
) {
  const logs = await client.getLogs({
    address: playLog,
    event: playsSubmitted,
    fromBlock: BigInt(fromBlock),
    toBlock: BigInt(toBlock),
    strict: true,
  });
  // Nodes return logs in order; the plays counted depend on it, so it is not left to trust.
  return logs.sort(
    (a, b) => Number(a.blockNumber - b.blockNumber) || Number(a.logIndex - b.logIndex),
  );
}

/**
 * Why `submitter` may not submit plays for content node `nodeId` as of `ethBlockHash`, or
 * undefined when it may. Throws (UnavailableError) when the eth chain cannot answer yet.
 */
async function checkSubmitter(
  registrations: NodeRegistrations,
  submitter: Address,
  nodeId: bigint,
  ethBlockHash: Hex,
): Promise<Skip | undefined> {
  const registration = await registrations.at(nodeId, ethBlockHash);
  if ('delegate' in registration) {
    if (registration.delegate === getAddress(submitter)) return undefined;
    return {
      code: 'not_a_content_node',
      reason: `${submitter} is not the delegate of content node ${nodeId} at eth block ${registration.block}`,
    };
  }
  switch (registration.missing) {
    case 'unknown_block':
    case 'not_canonical':
      return {
        code: 'unknown_eth_block',
        reason: `The batch's eth block ${ethBlockHash} is not on the canonical eth chain`,
      };
    case 'unconfirmed':
      throw new UnavailableError(
        `A play batch's eth block ${registration.block} is not confirmed yet`,
        { code: 'eth_block_unconfirmed' },
      );
    case 'not_registered':
      return {
        code: 'not_a_content_node',
        reason: `Node ${nodeId} was not registered at eth block ${registration.block}`,
      };
    case 'not_a_content_node':
      return {
        code: 'not_a_content_node',
        reason: `Node ${nodeId} is not a content node`,
      };
  }
}

function decodeBatch(packed: Hex): DecodedPlay[] | Skip {
  const plays = decodePlays(packed);
  if (!plays) {
    return {
      code: 'malformed_batch',
      reason: `A batch of ${(packed.length - 2) / 2} bytes is not a whole number of plays`,
    };
  }
  if (plays.length > MAX_PLAYS_PER_BATCH) {
    return {
      code: 'malformed_batch',
      reason: `A batch holds at most ${MAX_PLAYS_PER_BATCH} plays, not ${plays.length}`,
    };
  }
  return plays;
}

/** A play that counts, as its row is written. */
type CountedPlay = {
  id: Buffer;
  trackId: number;
  userId: number | null;
  at: number;
  blockNumber: number;
  logIndex: number;
  nodeId: number;
};

type SkippedPlay = {
  blockNumber: number;
  logIndex: number;
  /** -1 for the whole batch. */
  playIndex: number;
  id: Buffer | null;
} & Skip;

/**
 * Which plays of `batches` count and why the rest do not, in chain order. Reads what it needs in
 * three queries whatever the number of plays: the tracks named, the ids already counted, and the
 * counted plays of the (track, user) pairs named within a week of their listen times.
 */
async function decidePlays(
  tx: Transaction<DB>,
  batches: PlayBatch[],
  times: Map<number, number>,
): Promise<{ counted: CountedPlay[]; skipped: SkippedPlay[] }> {
  const counted: CountedPlay[] = [];
  const skipped: SkippedPlay[] = [];
  const candidates: { batch: PlayBatch; index: number; play: DecodedPlay; id: Buffer }[] = [];
  for (const batch of batches) {
    const { blockNumber, logIndex } = batch;
    if (!Array.isArray(batch.plays)) {
      skipped.push({ blockNumber, logIndex, playIndex: -1, id: null, ...batch.plays });
      continue;
    }
    for (const [index, play] of batch.plays.entries()) {
      candidates.push({ batch, index, play, id: Buffer.from(hexToBytes(play.id)) });
    }
  }
  if (candidates.length === 0) return { counted, skipped };

  const trackIds = new Set<number>();
  const pairs = new Map<string, { trackId: number; userId: number }>();
  let minAt = Infinity;
  let maxAt = -Infinity;
  for (const { play } of candidates) {
    if (play.trackId === undefined || play.userId === undefined || play.at === undefined) continue;
    trackIds.add(play.trackId);
    if (play.userId !== 0) {
      pairs.set(`${play.trackId}:${play.userId}`, { trackId: play.trackId, userId: play.userId });
    }
    minAt = Math.min(minAt, play.at);
    maxAt = Math.max(maxAt, play.at);
  }
  const [tracks, known, recent] = await Promise.all([
    sql<{ track_id: number; is_deleted: boolean; created_block: number; updated_block: number }>`
      select track_id, is_deleted, created_block, updated_block from tracks
      where track_id = any(${[...trackIds]}::bigint[])`.execute(tx),
    sql<{ play_id: Buffer }>`select play_id from plays
      where play_id = any(${candidates.map((c) => c.id)}::bytea[])`.execute(tx),
    pairs.size === 0
      ? { rows: [] }
      : sql<{ track_id: number; user_id: number; at: string }>`
          select p.track_id, p.user_id,
            (extract(epoch from p.created_at) * 1000)::bigint::text as at
          from unnest(${[...pairs.values()].map((p) => p.userId)}::bigint[],
                      ${[...pairs.values()].map((p) => p.trackId)}::bigint[]) as q(user_id, track_id)
          join plays p on p.user_id = q.user_id and p.track_id = q.track_id
          where p.created_at > ${new Date(minAt - WEEK_MS)}
            and p.created_at < ${new Date(maxAt + WEEK_MS)}`.execute(tx),
  ]);
  const trackRows = new Map(tracks.rows.map((t) => [Number(t.track_id), t]));
  const seen = new Set(known.rows.map((r) => Buffer.from(r.play_id).toString('hex')));
  /** Listen times of the counted plays of each (track, user) pair near this part's. */
  const countedTimes = new Map<string, number[]>();
  for (const row of recent.rows) {
    const key = `${row.track_id}:${row.user_id}`;
    let list = countedTimes.get(key);
    if (!list) countedTimes.set(key, (list = []));
    list.push(Number(row.at));
  }

  for (const { batch, index, play, id } of candidates) {
    const { blockNumber, logIndex } = batch;
    const skip = (code: string, reason: string) =>
      skipped.push({ blockNumber, logIndex, playIndex: index, id, code, reason });
    const { trackId, userId, at } = play;
    if (trackId === undefined || userId === undefined || at === undefined) {
      skip('invalid_play', `Play ${play.id} has an id or a time out of range`);
      continue;
    }
    const hexId = id.toString('hex');
    if (seen.has(hexId)) {
      skip('duplicate_play', `Play ${play.id} was counted already`);
      continue;
    }
    const blockMs = times.get(blockNumber)! * 1000;
    if (at > blockMs + PLAY_CLOCK_SKEW_MS) {
      skip('future_play', `Play ${play.id} is timed after its block ${blockNumber}`);
      continue;
    }
    if (at < blockMs - PLAY_MAX_AGE_MS) {
      skip('stale_play', `Play ${play.id} is more than a week older than its block ${blockNumber}`);
      continue;
    }
    const track = trackRows.get(trackId);
    if (!track || Number(track.created_block) > blockNumber) {
      skip('unknown_track', `Track ${trackId} does not exist at block ${blockNumber}`);
      continue;
    }
    if (track.is_deleted && Number(track.updated_block) <= blockNumber) {
      skip('deleted_track', `Track ${trackId} is deleted at block ${blockNumber}`);
      continue;
    }
    if (userId !== 0) {
      const key = `${trackId}:${userId}`;
      let list = countedTimes.get(key);
      if (!list) countedTimes.set(key, (list = []));
      const over = overLimit(list, at);
      if (over) {
        skip(
          'play_limit',
          `User ${userId} has ${over.limit} counted plays of track ${trackId} within ${over.name} of this one`,
        );
        continue;
      }
      list.push(at);
    }
    seen.add(hexId);
    counted.push({
      id,
      trackId,
      userId: userId === 0 ? null : userId,
      at,
      blockNumber,
      logIndex,
      nodeId: Number(batch.nodeId),
    });
  }
  return { counted, skipped };
}

/** The first window in which `times` already hold its limit of plays near `at`, if any. */
function overLimit(times: number[], at: number): (typeof WINDOWS)[number] | undefined {
  // Within a window of `at` on either side: whatever order listens reach the chain in, no span
  // of a window's length then holds more than its limit of counted plays.
  const near = WINDOWS.map(() => 0);
  for (const time of times) {
    const distance = Math.abs(time - at);
    for (let w = 0; w < WINDOWS.length; w++) if (distance < WINDOWS[w]!.ms) near[w]!++;
  }
  return WINDOWS.find((window, w) => near[w]! >= window.limit);
}

async function insertPlays(tx: Transaction<DB>, plays: CountedPlay[]): Promise<void> {
  if (plays.length === 0) return;
  // Columns as arrays: one statement and seven parameters, however many plays.
  await sql`insert into plays
      (play_id, track_id, user_id, created_at, block_number, log_index, node_id)
    select id, track_id, user_id, timestamptz 'epoch' + at * interval '1 millisecond',
      block_number, log_index, node_id
    from unnest(
      ${plays.map((p) => p.id)}::bytea[],
      ${plays.map((p) => p.trackId)}::bigint[],
      ${plays.map((p) => p.userId)}::bigint[],
      ${plays.map((p) => p.at)}::bigint[],
      ${plays.map((p) => p.blockNumber)}::bigint[],
      ${plays.map((p) => p.logIndex)}::integer[],
      ${plays.map((p) => p.nodeId)}::bigint[]
    ) as p(id, track_id, user_id, at, block_number, log_index, node_id)`.execute(tx);
}

async function insertSkips(tx: Transaction<DB>, skips: SkippedPlay[]): Promise<void> {
  if (skips.length === 0) return;
  await sql`insert into skipped_plays
      (block_number, log_index, play_index, play_id, reason_code, reason)
    select * from unnest(
      ${skips.map((s) => s.blockNumber)}::bigint[],
      ${skips.map((s) => s.logIndex)}::integer[],
      ${skips.map((s) => s.playIndex)}::integer[],
      ${skips.map((s) => s.id)}::bytea[],
      ${skips.map((s) => s.code)}::text[],
      ${skips.map((s) => s.reason)}::text[]
    )`.execute(tx);
}
