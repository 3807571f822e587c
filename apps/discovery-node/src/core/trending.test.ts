import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import {
  NOW,
  addPlays,
  addPlaylist,
  addSocial,
  addTrack,
  addUser,
  repost,
  save,
} from '../catalogFixtures.js';
import { ENGINES, openTestDatabase, requireEngine } from '../testing.js';
import {
  type TrendingTime,
  recomputeTrending,
  trendingComputedAt,
  trendingPlaylistIds,
  trendingTrackIds,
  undergroundTrendingTrackIds,
} from './trending.js';

const TIMES: TrendingTime[] = ['week', 'month', 'year', 'allTime'];
/** A profile that counts for karma: picture, cover photo and bio. */
const COMPLETE = { profile_picture_sizes: 'cid-p', cover_photo_sizes: 'cid-c', bio: 'Beats.' };

/** The stored scores of one table and time range, by id. */
async function scores(
  db: Kysely<DB>,
  table: 'tracks' | 'underground' | 'playlists',
  time?: TrendingTime,
): Promise<Map<number, number>> {
  const rows =
    table === 'tracks'
      ? await db
          .selectFrom('trending_track_scores')
          .select(['track_id as id', 'score'])
          .where('time_range', '=', time!)
          .execute()
      : table === 'playlists'
        ? await db
            .selectFrom('trending_playlist_scores')
            .select(['playlist_id as id', 'score'])
            .where('time_range', '=', time!)
            .execute()
        : await db
            .selectFrom('underground_trending_scores')
            .select(['track_id as id', 'score'])
            .execute();
  return new Map(rows.map((r) => [r.id, r.score]));
}

/** Same ids, and each score equal to the expected one within floating-point rounding. */
function assertScores(
  actual: Map<number, number>,
  expected: Record<number, number>,
  label: string,
): void {
  assert.deepEqual(
    [...actual.keys()].sort((a, b) => a - b),
    Object.keys(expected)
      .map(Number)
      .sort((a, b) => a - b),
    `${label}: ids`,
  );
  for (const [id, want] of Object.entries(expected)) {
    const got = actual.get(Number(id))!;
    assert.ok(
      Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
      `${label}: track ${id} scored ${got}, expected ${want}`,
    );
  }
}

async function withDatabase(
  engine: Database['engine'],
  run: (db: Kysely<DB>) => Promise<void>,
): Promise<void> {
  const database = await openTestDatabase(engine);
  try {
    await run(database.db);
  } finally {
    await database.close();
  }
}

// Users shared by the scenarios. Fans with a complete profile count for karma with their
// follower counts; the others do not, however many followers they have.
const ARTIST = 1; // 10 followers
const SMALL_ARTIST = 2; // 2 followers: scores 0
const GONE = 3; // deactivated, 10 followers
const F1 = 11; // complete, 100 followers
const F2 = 12; // complete, 20 followers
const NO_BIO = 13; // bio '', 1000 followers
const NO_COVER = 14; // no cover photo, 500 followers
const NO_FOLLOWERS = 15; // complete, 0 followers
const NO_PICTURE = 16; // picture null, 10000 followers

async function addPeople(db: Kysely<DB>): Promise<void> {
  await addUser(db, ARTIST, { followers: 10 });
  await addUser(db, SMALL_ARTIST, { followers: 2 });
  await addUser(db, GONE, { followers: 10 }, {}, true);
  await addUser(db, F1, { followers: 100 }, COMPLETE);
  await addUser(db, F2, { followers: 20 }, COMPLETE);
  await addUser(db, NO_BIO, { followers: 1000 }, { ...COMPLETE, bio: '' });
  await addUser(db, NO_COVER, { followers: 500 }, { ...COMPLETE, cover_photo_sizes: undefined });
  await addUser(db, NO_FOLLOWERS, { followers: 0 }, COMPLETE);
  await addUser(
    db,
    NO_PICTURE,
    { followers: 10_000 },
    { ...COMPLETE, profile_picture_sizes: null },
  );
}

for (const engine of ENGINES) {
  describe(`trending on ${engine}`, () => {
    it('scores tracks by the reference formula in each time range, by genre, and replaces them on recompute', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        await addPeople(db);
        assert.equal(await trendingComputedAt(db), null);

        // 101: 2 days old. Reposted by F1 (1 d ago), saved by F1 (1 d) and NO_BIO (2 d); played
        // 3 times 1 d ago and once 10 d ago. Karma = 100 (F1 once; NO_BIO does not count).
        await addTrack(db, 101, ARTIST, 2);
        await repost(db, F1, 101, 1);
        await save(db, F1, 101, 1);
        await save(db, NO_BIO, 101, 2);
        await addPlays(db, 101, 3, 1);
        await addPlays(db, 101, 1, 10);
        // 102 (Rock): 120 days old. Reposted by F2 (15 d) and NO_COVER (16 d), saved by F1 (100 d).
        // Karma = 20 + 100 = 120.
        await addTrack(db, 102, ARTIST, 120, { genre: 'Rock' });
        await repost(db, F2, 102, 15);
        await repost(db, NO_COVER, 102, 16);
        await save(db, F1, 102, 100);
        // 103: 9 days old. Reposted by F1 (8 d), saved by NO_PICTURE (8 d). Karma = 100.
        await addTrack(db, 103, ARTIST, 9);
        await repost(db, F1, 103, 8);
        await save(db, NO_PICTURE, 103, 8);
        // 104 (Rock): created 40 days ago but released 1 day ago, so 1 day old. Reposted and saved
        // by F2 (3 d): karma = 20, F2 counted once.
        await addTrack(db, 104, ARTIST, 40, { genre: 'Rock', releaseDaysAgo: 1 });
        await repost(db, F2, 104, 3);
        await save(db, F2, 104, 3);
        // 109: 3 days old, reposted by NO_FOLLOWERS (1 d): karma = max(1, 0) = 1.
        await addTrack(db, 109, ARTIST, 3);
        await repost(db, NO_FOLLOWERS, 109, 1);
        // 201, 202 (Rock): their owner has 2 followers, so 0 whatever they get.
        await addTrack(db, 201, SMALL_ARTIST, 1);
        await repost(db, F1, 201, 1);
        await addTrack(db, 202, SMALL_ARTIST, 1, { genre: 'Rock' });
        // Never listed, each reposted by F1: released in 5 days, deleted, unlisted, and by a
        // deactivated owner.
        await addTrack(db, 105, ARTIST, 1, { releaseDaysAgo: -5 });
        await addTrack(db, 106, ARTIST, 1, { isDeleted: true });
        await addTrack(db, 107, ARTIST, 1, { isUnlisted: true });
        await addTrack(db, 108, GONE, 1);
        for (const id of [105, 106, 107, 108]) await repost(db, F1, id, 1);

        await recomputeTrending(db, { now: NOW });
        assert.deepEqual(await trendingComputedAt(db), NOW);

        // Windowed: (plays_w + 50*reposts_w + saves_w + 0.25*reposts_all + 0.01*saves_all) * karma,
        // times max(1e-5, 100000^(1 - age/window)) past the window.
        // allTime: (plays + 0.25*reposts + 0.01*saves) * karma.
        const decay = (age: number, window: number) =>
          age <= window ? 1 : Math.max(1e-5, 100_000 ** Math.max(-10, 1 - age / window));
        const expected: Record<TrendingTime, Record<number, number>> = {
          week: {
            101: (3 + 50 * 1 + 2 + 0.25 * 1 + 0.01 * 2) * 100, // 5527
            // nothing within 7 d; 120 d old: 100000^(1 - 120/7) < 1e-5, so 1e-5
            102: (0.25 * 2 + 0.01 * 1) * 120 * 1e-5, // 0.000612
            // the repost 8 d ago is outside the week; 9 d old: 100000^(-2/7) = 10^(-10/7)
            103: (0.25 * 1 + 0.01 * 1) * 100 * 10 ** (-10 / 7), // 26 * 0.0372759 = 0.969174
            104: (50 * 1 + 1 + 0.25 * 1 + 0.01 * 1) * 20, // 1025.2
            109: (50 * 1 + 0.25 * 1) * 1, // 50.25
            201: 0,
            202: 0,
          },
          month: {
            101: (4 + 50 * 1 + 2 + 0.25 + 0.02) * 100, // 5627
            // both reposts within 30 d; 120 d old: 100000^(1 - 4) = 1e-15, so 1e-5
            102: (50 * 2 + 0.5 + 0.01) * 120 * 1e-5, // 0.120612
            103: (50 * 1 + 1 + 0.25 + 0.01) * 100, // 5126
            104: 1025.2,
            109: 50.25,
            201: 0,
            202: 0,
          },
          year: {
            101: 5627,
            // the save 100 d ago is within the year, and 120 d <= 365 d: no decay
            102: (50 * 2 + 1 + 0.5 + 0.01) * 120, // 12181.2
            103: 5126,
            104: 1025.2,
            109: 50.25,
            201: 0,
            202: 0,
          },
          allTime: {
            101: (4 + 0.25 * 1 + 0.01 * 2) * 100, // 427
            102: (0.25 * 2 + 0.01 * 1) * 120, // 61.2
            103: (0.25 + 0.01) * 100, // 26
            104: (0.25 + 0.01) * 20, // 5.2
            109: 0.25 * 1, // 0.25
            201: 0,
            202: 0,
          },
        };
        // The hand arithmetic and the decay curve agree (the clamped values in particular).
        assert.equal(decay(120, 7), 1e-5);
        assert.equal(decay(120, 30), 1e-5);
        assert.ok(Math.abs(decay(9, 7) - 10 ** (-10 / 7)) < 1e-12);
        for (const time of TIMES)
          assertScores(await scores(db, 'tracks', time), expected[time], time);

        const order: Record<TrendingTime, number[]> = {
          week: [101, 104, 109, 103, 102, 202, 201], // ties at 0: higher id first
          month: [101, 103, 104, 109, 102, 202, 201],
          year: [102, 101, 103, 104, 109, 202, 201],
          allTime: [101, 102, 103, 104, 109, 202, 201],
        };
        for (const time of TIMES) {
          assert.deepEqual(
            await trendingTrackIds(db, { time, limit: 100, offset: 0 }),
            order[time],
            time,
          );
        }
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'week', limit: 2, offset: 2 }),
          [109, 103],
        );
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'week', genre: 'Rock', limit: 100, offset: 0 }),
          [104, 102, 202],
        );
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'year', genre: 'Electronic', limit: 100, offset: 0 }),
          [101, 103, 109, 201],
        );
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'week', genre: 'rock', limit: 100, offset: 0 }),
          [],
        );
        // No plays of 50 or more: nothing underground.
        assert.deepEqual(await undergroundTrendingTrackIds(db, { limit: 100, offset: 0 }), []);

        // A recompute replaces every score: 101 is deleted, 202 gets a repost from F1 (but its
        // owner still has 2 followers), and 104 a week-old repost from NO_BIO, one hour later.
        await db
          .updateTable('tracks')
          .set({ is_deleted: true })
          .where('track_id', '=', 101)
          .execute();
        await repost(db, F1, 202, 0);
        await repost(db, NO_BIO, 104, 0);
        const later = new Date(NOW.getTime() + 3_600_000);
        await recomputeTrending(db, { now: later });
        assert.deepEqual(await trendingComputedAt(db), later);
        // 104: (50 * 2 + 1 + 0.25 * 2 + 0.01) * 20 = 2030.2 (NO_BIO adds no karma)
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'week', limit: 100, offset: 0 }),
          [104, 109, 103, 102, 202, 201],
        );
        const week = await scores(db, 'tracks', 'week');
        assert.equal(week.size, 6);
        assert.ok(Math.abs(week.get(104)! - 2030.2) < 1e-9);
        assert.equal(
          Number(
            (
              await db
                .selectFrom('trending_track_scores')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          6 * 4,
        );
      });
    });

    it('lists underground tracks: at most 21 days old, owner under 1500 followers and following, 50 plays', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        await addUser(db, F1, { followers: 100 }, COMPLETE);
        await addUser(db, 21, { followers: 10, following: 5 });
        await addUser(db, 22, { followers: 1499, following: 1499 });
        await addUser(db, 23, { followers: 1500 });
        await addUser(db, 24, { followers: 10, following: 1500 });
        await addUser(db, 25, { followers: 2 });
        // Every play an hour ago. Score: the week formula.
        const tracks: [
          id: number,
          owner: number,
          daysOld: number,
          plays: number,
          isDeleted?: boolean,
        ][] = [
          [1, 21, 10, 50], // 50 * 100000^(1 - 10/7) = 50 * 10^(-15/7)
          [2, 21, 3, 60], // (60 + 50 * 1 + 0.25 * 1) * 100, with F1's repost = 11025
          [3, 21, 22, 100], // too old
          [4, 21, 21, 50], // exactly 21 days: 50 * max(1e-5, 100000^(1 - 3)) = 50 * 1e-5
          [5, 21, 1, 49], // too few plays
          [6, 23, 1, 60], // owner has 1500 followers
          [7, 22, 1, 50], // 1499 and 1499: 50
          [8, 24, 1, 60], // owner follows 1500
          [9, 25, 1, 50], // owner under 3 followers: 0
          [10, 21, 1, 60, true], // deleted
        ];
        for (const [id, owner, daysOld, plays, isDeleted] of tracks) {
          await addTrack(db, id, owner, daysOld, { isDeleted });
          await addPlays(db, id, plays, 1 / 24);
        }
        await repost(db, F1, 2, 1);
        await recomputeTrending(db, { now: NOW });

        assertScores(
          await scores(db, 'underground'),
          { 1: 50 * 10 ** (-15 / 7), 2: 11025, 4: 50 * 1e-5, 7: 50, 9: 0 },
          'underground',
        );
        assert.deepEqual(
          await undergroundTrendingTrackIds(db, { limit: 100, offset: 0 }),
          [2, 7, 1, 4, 9],
        );
        assert.deepEqual(await undergroundTrendingTrackIds(db, { limit: 2, offset: 1 }), [7, 1]);
      });
    });

    it('scores playlists by the formula without plays: public, live, not albums, with tracks', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        await addPeople(db);
        await addTrack(db, 1, ARTIST, 30);
        await addTrack(db, 2, ARTIST, 30, { isDeleted: true });
        // Track 1 shares its id with playlist 1: its repost and plays must not count for it.
        await repost(db, F2, 1, 1);
        await addPlays(db, 1, 100, 1);
        const playlistRepost = (user: number, id: number, daysAgo: number) =>
          addSocial(db, 'reposts', user, 'playlist', id, daysAgo);
        const playlistSave = (user: number, id: number, daysAgo: number) =>
          addSocial(db, 'saves', user, 'playlist', id, daysAgo);

        // 1: 2 days old; reposted by F1, saved by F2 and NO_BIO (1 d). Karma = 100 + 20 = 120.
        await addPlaylist(db, 1, ARTIST, 2, [1]);
        await playlistRepost(F1, 1, 1);
        await playlistSave(F2, 1, 1);
        await playlistSave(NO_BIO, 1, 1);
        // 2: 10 days old; reposted by F2 9 days ago. Karma = 20.
        await addPlaylist(db, 2, ARTIST, 10, [1, 2]);
        await playlistRepost(F2, 2, 9);
        // 9: its owner has 2 followers.
        await addPlaylist(db, 9, SMALL_ARTIST, 1, [1]);
        // Never listed, each reposted by F1: private, deleted, an album, empty, holding only a
        // deleted track, by a deactivated owner.
        await addPlaylist(db, 3, ARTIST, 1, [1], { isPrivate: true });
        await addPlaylist(db, 4, ARTIST, 1, [1], { isDeleted: true });
        await addPlaylist(db, 5, ARTIST, 1, [1], { isAlbum: true });
        await addPlaylist(db, 6, ARTIST, 1, []);
        await addPlaylist(db, 7, ARTIST, 1, [2]);
        await addPlaylist(db, 8, GONE, 1, [1]);
        for (const id of [3, 4, 5, 6, 7, 8, 9]) await playlistRepost(F1, id, 1);

        await recomputeTrending(db, { now: NOW });
        const expected: Record<TrendingTime, Record<number, number>> = {
          week: {
            1: (50 * 1 + 2 + 0.25 * 1 + 0.01 * 2) * 120, // 6272.4
            // the repost is 9 d old; 10 d old: 100000^(1 - 10/7) = 10^(-15/7)
            2: 0.25 * 20 * 10 ** (-15 / 7),
            9: 0,
          },
          month: { 1: 6272.4, 2: (50 + 0.25) * 20, 9: 0 }, // 2: 1005
          year: { 1: 6272.4, 2: 1005, 9: 0 },
          allTime: { 1: (0.25 + 0.02) * 120, 2: 0.25 * 20, 9: 0 }, // 32.4, 5
        };
        for (const time of TIMES) {
          assertScores(await scores(db, 'playlists', time), expected[time], time);
          assert.deepEqual(
            await trendingPlaylistIds(db, { time, limit: 100, offset: 0 }),
            [1, 2, 9],
          );
        }
        assert.deepEqual(await trendingPlaylistIds(db, { time: 'week', limit: 1, offset: 1 }), [2]);
      });
    });

    it('leaves out at once what was hidden since the last recompute: deleted, unlisted, rescheduled, deactivated, private', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        await addPeople(db);
        await addUser(db, 4, { followers: 10 }); // a landlord who deactivates after the recompute
        for (const id of [1, 2, 3, 4]) await addTrack(db, id, ARTIST, 1);
        await addTrack(db, 5, 4, 1);
        for (const id of [1, 2, 3, 4, 5]) {
          await repost(db, F1, id, 1);
          await addPlays(db, id, 60, 1); // enough for underground
        }
        await addPlaylist(db, 1, ARTIST, 1, [4]);
        await addPlaylist(db, 2, ARTIST, 1, [4]);
        await addPlaylist(db, 3, ARTIST, 1, [4]);
        for (const id of [1, 2, 3]) await addSocial(db, 'reposts', F1, 'playlist', id, 1);
        await recomputeTrending(db, { now: NOW });
        const page = { limit: 100, offset: 0 };
        const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
        assert.deepEqual(
          sorted(await trendingTrackIds(db, { time: 'week', ...page })),
          [1, 2, 3, 4, 5],
        );
        assert.deepEqual(sorted(await undergroundTrendingTrackIds(db, page)), [1, 2, 3, 4, 5]);
        assert.deepEqual(
          sorted(await trendingPlaylistIds(db, { time: 'week', ...page })),
          [1, 2, 3],
        );

        // What the indexer writes when the landlords act, with no recompute after it.
        await db
          .updateTable('tracks')
          .set({ is_deleted: true })
          .where('track_id', '=', 1)
          .execute();
        await db
          .updateTable('tracks')
          .set({ is_unlisted: true })
          .where('track_id', '=', 2)
          .execute();
        await db
          .updateTable('tracks')
          .set({ release_date: new Date(Date.now() + 86_400_000) })
          .where('track_id', '=', 3)
          .execute();
        await db
          .updateTable('users')
          .set({ is_deactivated: true })
          .where('user_id', '=', 4)
          .execute();
        await db
          .updateTable('playlists')
          .set({ is_private: true })
          .where('playlist_id', '=', 1)
          .execute();
        await db
          .updateTable('playlists')
          .set({ is_deleted: true })
          .where('playlist_id', '=', 2)
          .execute();

        for (const time of TIMES) {
          assert.deepEqual(await trendingTrackIds(db, { time, ...page }), [4], time);
          assert.deepEqual(await trendingPlaylistIds(db, { time, ...page }), [3], time);
        }
        assert.deepEqual(
          await trendingTrackIds(db, { time: 'week', genre: 'Electronic', ...page }),
          [4],
        );
        assert.deepEqual(await undergroundTrendingTrackIds(db, page), [4]);
      });
    });

    it('rebuilds the score tables exactly as the migration created them', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        const catalog = async () => {
          const tables = sql.join(
            [
              'trending_track_scores',
              'underground_trending_scores',
              'trending_playlist_scores',
            ].map((name) => sql.lit(name)),
          );
          const columns = await sql`
            select table_name, column_name, data_type, collation_name, is_nullable
            from information_schema.columns
            where table_schema = 'public' and table_name in (${tables})
            order by table_name, ordinal_position`.execute(db);
          const indexes = await sql`
            select tablename, indexname, indexdef from pg_indexes
            where schemaname = 'public' and tablename in (${tables})
            order by indexname`.execute(db);
          return { columns: columns.rows, indexes: indexes.rows };
        };
        const migrated = await catalog();
        assert.equal(migrated.indexes.length, 4);
        await recomputeTrending(db, { now: NOW });
        await recomputeTrending(db, { now: NOW });
        assert.deepEqual(await catalog(), migrated);
      });
    });

    it('refuses an unknown time range and a negative page', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      await withDatabase(engine, async (db) => {
        await assert.rejects(
          trendingTrackIds(db, { time: 'day' as TrendingTime, limit: 1, offset: 0 }),
          { name: 'ValidationError' },
        );
        await assert.rejects(undergroundTrendingTrackIds(db, { limit: -1, offset: 0 }), {
          name: 'ValidationError',
        });
      });
    });
  });
}
