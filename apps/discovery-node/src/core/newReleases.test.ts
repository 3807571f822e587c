// The "what is new" reads against a real (PGlite) database holding rows as the indexer writes
// them: followed landlords only, newest release first, and nothing unlisted, deleted, scheduled
// or from a deactivated landlord.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../testing.js';
import { latestTrackIds, newReleaseIds } from './newReleases.js';

let database: Database;
const PAGE = { limit: 10, offset: 0 };
const FAN = 1;
const FOLLOWED = 2;
const OTHER = 3;
const GONE = 4;

async function user(id: number, deactivated = false) {
  await sql`insert into users (user_id, wallet, handle, handle_lc, name, is_deactivated, metadata,
      created_block, created_at, updated_block, updated_at, tx_hash)
    values (${id}, ${`0x${String(id).padStart(40, '0')}`}, ${`u${id}`}, ${`u${id}`}, ${`U ${id}`},
      ${deactivated}, '{}', 1, now(), 1, now(), '0x')`.execute(database.db);
}

async function track(
  id: number,
  owner: number,
  released: string,
  extra: { genre?: string; mood?: string; unlisted?: boolean; deleted?: boolean } = {},
) {
  await sql`insert into tracks (track_id, owner_id, title, genre, mood, track_cid, duration,
      release_date, is_unlisted, is_deleted, metadata, created_block, created_at, updated_block,
      updated_at, tx_hash)
    values (${id}, ${owner}, ${`T ${id}`}, ${extra.genre ?? 'Electronic'}, ${extra.mood ?? null},
      'cid', 60, ${released}::timestamptz, ${extra.unlisted ?? false}, ${extra.deleted ?? false},
      '{}', 1, '2026-01-01T00:00:00Z', 1, now(), '0x')`.execute(database.db);
}

before(async () => {
  database = await openTestDatabase('pglite');
  for (const id of [FAN, FOLLOWED, OTHER]) await user(id);
  await user(GONE, true);
  await sql`insert into follows (follower_id, followee_id, created_block, created_at)
    values (${FAN}, ${FOLLOWED}, 1, now()), (${FAN}, ${GONE}, 1, now())`.execute(database.db);
  await track(10, FOLLOWED, '2026-03-01T00:00:00Z', { genre: 'Jazz', mood: 'Peaceful' });
  await track(11, FOLLOWED, '2026-05-01T00:00:00Z', { genre: 'Jazz' });
  await track(12, FOLLOWED, '2026-06-01T00:00:00Z', { unlisted: true });
  await track(13, FOLLOWED, '2026-06-02T00:00:00Z', { deleted: true });
  await track(14, FOLLOWED, '2999-01-01T00:00:00Z'); // scheduled
  await track(20, OTHER, '2026-07-01T00:00:00Z', { genre: 'Jazz', mood: 'Peaceful' });
  await track(30, GONE, '2026-07-02T00:00:00Z', { genre: 'Jazz' });
});

after(async () => {
  await database?.close();
});

describe('newReleaseIds', () => {
  it("lists the followed landlords' released tracks, newest first", async () => {
    assert.deepEqual(await newReleaseIds(database.db, FAN, PAGE), [11, 10]);
    assert.deepEqual(await newReleaseIds(database.db, FAN, { limit: 1, offset: 1 }), [10]);
    assert.deepEqual(await newReleaseIds(database.db, OTHER, PAGE), []);
  });
});

describe('latestTrackIds', () => {
  it('lists the newest listed tracks of a genre or mood', async () => {
    assert.deepEqual(await latestTrackIds(database.db, { genre: 'Jazz' }, PAGE), [20, 11, 10]);
    assert.deepEqual(await latestTrackIds(database.db, { mood: 'Peaceful' }, PAGE), [20, 10]);
    assert.deepEqual(
      await latestTrackIds(database.db, { genre: 'Jazz', mood: 'Peaceful' }, PAGE),
      [20, 10],
    );
    assert.deepEqual(await latestTrackIds(database.db, {}, { limit: 2, offset: 0 }), [20, 11]);
  });
});
