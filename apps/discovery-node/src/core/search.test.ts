import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { ValidationError } from '@coliving/protocol';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { addTrack, addUser } from '../catalogFixtures.js';
import { ENGINES, openTestDatabase, postgresUnavailable, requireEngine } from '../testing.js';
import {
  POPULAR_PER_WORD,
  refreshSearchWords,
  searchPlaylists,
  searchTracks,
  searchUsers,
} from './search.js';
import { TrackSearch } from './trackSearch.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
/** Rows are created a minute apart in id order, so `recent` is descending ids. */
const at = (id: number) => new Date(T0 + id * 60_000);
const row = (id: number) => ({
  metadata_cid: '',
  created_block: id,
  created_at: at(id),
  updated_block: id,
  updated_at: at(id),
  tx_hash: '0x',
});

type UserSeed = { handle: string; name: string; followers?: number; deactivated?: boolean };
type TrackSeed = {
  owner: number;
  title: string;
  pop?: [reposts: number, saves: number];
  genre?: string;
  mood?: string;
  tags?: string;
  releaseDate?: Date;
  unlisted?: boolean;
  deleted?: boolean;
};
type PlaylistSeed = {
  owner: number;
  name: string;
  pop?: [reposts: number, saves: number];
  album?: boolean;
  private?: boolean;
  deleted?: boolean;
};

const USERS: Record<number, UserSeed> = {
  1: { handle: 'djalpha', name: 'DJ Alpha', followers: 10 },
  2: { handle: 'queenb', name: 'Beyoncé', followers: 1000 },
  3: { handle: 'ghost', name: 'Ghost Sunset', followers: 5000, deactivated: true },
  4: { handle: 'sunny', name: 'Sunny Day', followers: 3 },
  5: { handle: 'beyonce_covers', name: 'Covers', followers: 10 },
  6: { handle: 'quiet', name: 'Nobody' },
  7: { handle: 'nova1', name: 'Nova', followers: 5 },
  8: { handle: 'nova2', name: 'Nova', followers: 500 },
};

const TRACKS: Record<number, TrackSeed> = {
  10: { owner: 6, title: 'Sunset', pop: [2, 3] },
  11: { owner: 6, title: 'Sunset', pop: [20, 30] },
  12: { owner: 6, title: 'Sunset Boulevard' },
  13: { owner: 6, title: 'Midnight Sun' },
  14: { owner: 6, title: 'Sunset', pop: [900, 900], deleted: true },
  15: { owner: 6, title: 'Sunset', pop: [900, 900], unlisted: true },
  16: {
    owner: 6,
    title: 'Sunset',
    pop: [900, 900],
    releaseDate: new Date(Date.now() + 86_400_000),
  },
  17: { owner: 3, title: 'Sunset', pop: [900, 900] },
  18: { owner: 6, title: 'Déjà Vu', genre: 'Pop', mood: 'Romantic' },
  19: { owner: 6, title: 'Deja Vu (Remix)', mood: 'Energizing' },
  20: { owner: 2, title: 'Halo' },
  21: { owner: 6, title: 'Rainfall', tags: 'chillwave,lofi' },
  22: { owner: 6, title: 'Sunset', releaseDate: new Date('2020-05-01T00:00:00Z') },
  23: { owner: 4, title: 'Morning Coffee' },
};

const PLAYLISTS: Record<number, PlaylistSeed> = {
  30: { owner: 6, name: 'Summer Hits', pop: [1, 2] },
  31: { owner: 6, name: 'Summer Hits', pop: [10, 20], album: true },
  32: { owner: 6, name: 'Summer Hits', pop: [90, 90], private: true },
  33: { owner: 6, name: 'Summer Hits', pop: [90, 90], deleted: true },
  34: { owner: 3, name: 'Summer Hits', pop: [90, 90] },
  35: { owner: 6, name: 'Sümmer Vibes' },
};

/** Writes the scenario straight into the base tables, as a bulk loader would. */
async function seed(db: Kysely<DB>): Promise<void> {
  const users = Object.entries(USERS).map(([id, u]) => ({ id: Number(id), ...u }));
  await db
    .insertInto('users')
    .values(
      users.map((u) => ({
        ...row(u.id),
        user_id: u.id,
        wallet: `0x${u.id.toString(16).padStart(40, '0')}`,
        handle: u.handle,
        handle_lc: u.handle.toLowerCase(),
        name: u.name,
        is_deactivated: u.deactivated ?? false,
        metadata: { handle: u.handle, name: u.name },
      })),
    )
    .execute();
  await db
    .insertInto('aggregate_user')
    .values(users.map((u) => ({ user_id: u.id, follower_count: u.followers ?? 0 })))
    .execute();
  const tracks = Object.entries(TRACKS).map(([id, t]) => ({ id: Number(id), ...t }));
  await db
    .insertInto('tracks')
    .values(
      tracks.map((t) => ({
        ...row(t.id),
        track_id: t.id,
        owner_id: t.owner,
        title: t.title,
        genre: t.genre ?? 'Electronic',
        mood: t.mood ?? null,
        track_cid: 'bafy',
        duration: 180,
        release_date: t.releaseDate ?? null,
        is_unlisted: t.unlisted ?? false,
        is_deleted: t.deleted ?? false,
        metadata: t.tags ? { title: t.title, tags: t.tags } : { title: t.title },
      })),
    )
    .execute();
  await db
    .insertInto('aggregate_track')
    .values(
      tracks.map((t) => ({
        track_id: t.id,
        repost_count: t.pop?.[0] ?? 0,
        save_count: t.pop?.[1] ?? 0,
      })),
    )
    .execute();
  const playlists = Object.entries(PLAYLISTS).map(([id, p]) => ({ id: Number(id), ...p }));
  await db
    .insertInto('playlists')
    .values(
      playlists.map((p) => ({
        ...row(p.id),
        playlist_id: p.id,
        owner_id: p.owner,
        playlist_name: p.name,
        is_album: p.album ?? false,
        is_private: p.private ?? false,
        is_deleted: p.deleted ?? false,
        metadata: { playlist_name: p.name },
      })),
    )
    .execute();
  await db
    .insertInto('aggregate_playlist')
    .values(
      playlists.map((p) => ({
        playlist_id: p.id,
        repost_count: p.pop?.[0] ?? 0,
        save_count: p.pop?.[1] ?? 0,
      })),
    )
    .execute();
}

const page = { limit: 10, offset: 0 };
/** Track search runs in the database, or from the node's in-memory index: the same answers. */
const TRACK_SEARCHES = ['database', 'memory'] as const;

for (const engine of ENGINES)
  for (const from of TRACK_SEARCHES) {
    describe(`search on ${engine}, tracks from ${from}`, () => {
      let database: Database | undefined;
      let skip: string | undefined;
      let trackSearch: TrackSearch | undefined;
      const db = () => database!.db;
      const tracks = (params: Parameters<typeof searchTracks>[1]) =>
        searchTracks(db(), params, trackSearch);

      before(async () => {
        skip = engine === 'postgres' ? await postgresUnavailable() : undefined;
        if (skip && process.env.CI === 'true') throw new Error(`${skip}; CI must have it`);
        if (skip) return;
        database = await openTestDatabase(engine);
        await seed(database.db);
        await refreshSearchWords(database.db); // as the node does periodically
        if (from === 'memory') {
          trackSearch = new TrackSearch(database.db);
          await trackSearch.rebuild();
          assert.ok(trackSearch.current, 'the index is loaded');
        }
      });
      after(async () => {
        await database?.close();
      });

      /** A test that runs only when this engine is there (skipped with the reason otherwise). */
      const test = (name: string, fn: () => Promise<void>) =>
        it(name, async (t) => {
          if (skip) return t.skip(skip);
          await fn();
        });

      test('finds exact titles first, the more popular first among equals, hidden tracks never', async () => {
        // 14 deleted, 15 unlisted, 16 scheduled, 17 by a deactivated user: all more popular.
        assert.deepEqual(await tracks({ query: 'sunset', ...page }), [11, 10, 22, 12]);
        assert.deepEqual(await tracks({ query: '  SUNSET ', ...page }), [11, 10, 22, 12]);
      });

      test('forgives typos', async () => {
        assert.deepEqual(await tracks({ query: 'sunst', ...page }), [11, 10, 12, 22]);
        assert.deepEqual(await searchPlaylists(db(), { query: 'sumer', ...page }), [31, 30, 35]);
        assert.deepEqual(await searchUsers(db(), { query: 'djalpa', ...page }), [1]);
      });

      test('matches prefixes, words inside titles, owners and tags', async () => {
        // titles starting with "sun", then "Midnight Sun", then a track by @sunny
        assert.deepEqual(await tracks({ query: 'sun', ...page }), [11, 10, 12, 22, 13, 23]);
        // one letter: titles starting with it first, then words inside titles, then owners
        assert.deepEqual(await tracks({ query: 's', ...page }), [11, 10, 12, 22, 13, 23]);
        assert.deepEqual(await tracks({ query: 'chillwave', ...page }), [21]);
        assert.deepEqual(await searchUsers(db(), { query: 'dj', ...page }), [1]);
      });

      test('folds accents both ways', async () => {
        assert.deepEqual(await searchUsers(db(), { query: 'beyonce', ...page }), [2, 5]);
        assert.deepEqual(await searchUsers(db(), { query: 'BEYONCÉ', ...page }), [2, 5]);
        // the owner's name, weighed less than a title
        assert.deepEqual(await tracks({ query: 'beyonce', ...page }), [20]);
        assert.deepEqual(await tracks({ query: 'deja vu', ...page }), [18, 19]);
        assert.deepEqual(await tracks({ query: 'Déjà', ...page }), [18, 19]);
        assert.deepEqual(await searchPlaylists(db(), { query: 'summer vibes', ...page }), [35]);
      });

      test('ranks users by followers among equal matches, and hides deactivated ones', async () => {
        assert.deepEqual(await searchUsers(db(), { query: 'nova', ...page }), [8, 7]);
        assert.deepEqual(await searchUsers(db(), { query: 'ghost', ...page }), []);
      });

      test('filters tracks by genre and mood', async () => {
        const q = { query: 'deja vu', ...page };
        assert.deepEqual(await tracks({ ...q, genres: ['Pop'] }), [18]);
        assert.deepEqual(await tracks({ ...q, genres: ['Rock', 'Electronic'] }), [19]);
        assert.deepEqual(await tracks({ ...q, moods: ['Energizing'] }), [19]);
        assert.deepEqual(await tracks({ ...q, genres: ['Pop'], moods: ['Energizing'] }), []);
        assert.deepEqual(await tracks({ ...q, genres: [], moods: [] }), [18, 19]);
      });

      test('filters playlists and albums, hiding private, deleted and deactivated ones', async () => {
        const q = { query: 'summer hits', ...page };
        assert.deepEqual(await searchPlaylists(db(), q), [31, 30]);
        assert.deepEqual(await searchPlaylists(db(), { ...q, albums: true }), [31]);
        assert.deepEqual(await searchPlaylists(db(), { ...q, albums: false }), [30]);
      });

      test('sorts by popularity or recency on request', async () => {
        const q = { query: 'sunset', ...page };
        assert.deepEqual(await tracks({ ...q, sortMethod: 'popular' }), [11, 10, 22, 12]);
        assert.deepEqual(await tracks({ ...q, sortMethod: 'recent' }), [22, 12, 11, 10]);
        assert.deepEqual(
          await tracks({ query: 'sun', sortMethod: 'popular', ...page }),
          [11, 10, 12, 22, 13, 23],
        );
        assert.deepEqual(
          await searchPlaylists(db(), { query: 'summer', sortMethod: 'recent', ...page }),
          [35, 31, 30],
        );
        assert.deepEqual(
          await searchUsers(db(), { query: 'nova', sortMethod: 'recent', ...page }),
          [8, 7],
        );
        assert.deepEqual(
          await searchUsers(db(), { query: 'nova', sortMethod: 'popular', ...page }),
          [8, 7],
        );
      });

      test('pages, and caps the limit', async () => {
        assert.deepEqual(await tracks({ query: 'sunset', limit: 2, offset: 1 }), [10, 22]);
        assert.deepEqual(await tracks({ query: 'sunset', limit: 10, offset: 4 }), []);
        assert.deepEqual(await tracks({ query: 'sunset', limit: 0, offset: 0 }), []);
        assert.deepEqual(
          await tracks({ query: 'sunset', limit: 1_000_000, offset: 0 }),
          [11, 10, 22, 12],
        );
      });

      test('refuses blank, overlong and malformed queries', async () => {
        const refused = (code: string) => (error: unknown) =>
          error instanceof ValidationError && error.code === code;
        for (const query of ['', '   ', '\t\n']) {
          await assert.rejects(tracks({ query, ...page }), refused('invalid_query'));
          await assert.rejects(searchUsers(db(), { query, ...page }), refused('invalid_query'));
          await assert.rejects(searchPlaylists(db(), { query, ...page }), refused('invalid_query'));
        }
        const long = 'é'.repeat(201);
        await assert.rejects(tracks({ query: long, ...page }), refused('invalid_query'));
        assert.deepEqual(await tracks({ query: long.slice(1), ...page }), []);
        await assert.rejects(
          searchUsers(db(), { query: 'x', limit: -1, offset: 0 }),
          refused('invalid_paging'),
        );
        await assert.rejects(
          searchUsers(db(), { query: 'x', limit: 1, offset: 0.5 }),
          refused('invalid_paging'),
        );
        await assert.rejects(
          searchUsers(db(), { query: 'x', sortMethod: 'best' as 'popular', ...page }),
          refused('invalid_sort_method'),
        );
      });

      test('treats SQL and LIKE syntax in a query as text', async () => {
        const attempts = [
          "'; drop table tracks; --",
          "sunset'; delete from users; --",
          "' or 1=1 --",
          '%_\\',
          '%',
          '_',
          '\\',
          '$1',
          "'') union select user_id from users --",
          'a\u0000b',
        ];
        for (const query of attempts) {
          assert.deepEqual(await tracks({ query, ...page }), [], query);
          assert.deepEqual(await searchUsers(db(), { query, ...page }), [], query);
          assert.deepEqual(await searchPlaylists(db(), { query, ...page }), [], query);
          assert.deepEqual(await tracks({ query, genres: [query], moods: [query], ...page }), []);
        }
        const count = async (table: 'tracks' | 'users' | 'playlists') =>
          Number(
            (
              await db()
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        assert.equal(await count('tracks'), Object.keys(TRACKS).length);
        assert.equal(await count('users'), Object.keys(USERS).length);
        assert.equal(await count('playlists'), Object.keys(PLAYLISTS).length);
        assert.deepEqual(await tracks({ query: 'sunset', ...page }), [11, 10, 22, 12]);
      });
    });
  }

for (const engine of ENGINES)
  for (const from of TRACK_SEARCHES) {
    describe(`search of a common word on ${engine}, tracks from ${from}`, () => {
      it('ranks the most popular titles of a word in more titles than one query ranks', async (t) => {
        if (!(await requireEngine(t, engine))) return;
        const database = await openTestDatabase(engine);
        const { db } = database;
        try {
          // Five times what a popular list keeps: the word index hands over the oldest first, and
          // the most popular here are the newest.
          const count = POPULAR_PER_WORD * 5;
          await addUser(db, 1, { followers: 0 });
          for (let i = 0; i < count; i++)
            await addTrack(db, 1000 + i, 1, 10, { title: `Golden Sunset ${i}` });
          const newest = 1000 + count - 1;
          await db
            .insertInto('aggregate_track')
            .values([
              { track_id: newest, repost_count: 50, save_count: 50 },
              { track_id: newest - 1, repost_count: 30, save_count: 0 },
              { track_id: newest - 2, repost_count: 0, save_count: 10 },
              { track_id: newest - 3, repost_count: 1, save_count: 0 },
            ])
            .execute();
          // A title that is the query itself, never saved or reposted.
          await addTrack(db, 999, 1, 10, { title: 'Sunset' });
          await refreshSearchWords(db);
          const trackSearch = from === 'memory' ? new TrackSearch(db) : undefined;
          await trackSearch?.rebuild();
          const top = [newest, newest - 1, newest - 2, newest - 3];
          const search = (query: string) =>
            searchTracks(db, { query, limit: 4, offset: 0 }, trackSearch);
          assert.deepEqual(await search('sunset'), [999, ...top.slice(0, 3)]);
          assert.deepEqual(await search('sunst'), top); // a typo
          assert.deepEqual(await search('golden sun'), top); // the last word still being typed
          // Deleted since the lists were made: gone at once, the next most popular moves up.
          await db
            .updateTable('tracks')
            .set({ is_deleted: true })
            .where('track_id', '=', newest)
            .execute();
          if (trackSearch) {
            // As the indexer reports it: search leaves the index until the index has read it.
            trackSearch.onChanges({ tracks: new Set([newest]), users: new Set() });
            assert.equal(trackSearch.current, undefined);
            assert.deepEqual(await search('sunset'), [999, ...top.slice(1)]);
            await trackSearch.settled();
            assert.ok(trackSearch.current);
          }
          assert.deepEqual(await search('sunset'), [999, ...top.slice(1)]);
        } finally {
          await database.close();
        }
      });
    });
  }

for (const engine of ENGINES) {
  describe(`track search index on ${engine}`, () => {
    it('reads what the indexer reports before it answers again, also while it is being built', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      const { db } = database;
      const trackSearch = new TrackSearch(db);
      const search = (query: string) =>
        searchTracks(db, { query, limit: 10, offset: 0 }, trackSearch);
      const report = async (tracks: number[], users: number[] = []) => {
        trackSearch.onChanges({ tracks: new Set(tracks), users: new Set(users) });
        await trackSearch.settled();
        assert.ok(trackSearch.current, 'back on the index');
      };
      try {
        await addUser(db, 1, { followers: 0 });
        await addUser(db, 2, { followers: 0 });
        await addTrack(db, 10, 1, 10, { title: 'Sunset' });
        await addTrack(db, 11, 2, 10, { title: 'Golden Hour' });
        await trackSearch.rebuild();

        // A new track: found by a word, and as a title that starts with the query.
        await addTrack(db, 12, 1, 1, { title: 'Sunset Drive' });
        await report([12]);
        assert.deepEqual(await search('drive'), [12]);
        assert.deepEqual(await search('sunset dr'), [12]);
        assert.deepEqual(await search('sunset'), [10, 12]);

        // Its counts move it up among equals.
        await db
          .insertInto('aggregate_track')
          .values({ track_id: 12, repost_count: 5, save_count: 0 })
          .execute();
        await report([12]);
        assert.deepEqual(await search('sunset'), [10, 12]); // the whole title still first
        assert.deepEqual(await search('sunset d'), [12]);

        // An owner renamed, then deactivated.
        await db
          .updateTable('users')
          .set({ handle: 'nightowl', handle_lc: 'nightowl', name: 'Night Owl' })
          .where('user_id', '=', 2)
          .execute();
        await report([], [2]);
        assert.deepEqual(await search('nightow'), [11]);
        assert.deepEqual(await search('user2'), []);
        await db
          .updateTable('users')
          .set({ is_deactivated: true })
          .where('user_id', '=', 2)
          .execute();
        await report([], [2]);
        assert.deepEqual(await search('golden'), []);

        // Changed while the index is rebuilt: read again before the new index takes over.
        const rebuilt = trackSearch.rebuild();
        await db
          .updateTable('tracks')
          .set({ is_deleted: true })
          .where('track_id', '=', 10)
          .execute();
        trackSearch.onChanges({ tracks: new Set([10]), users: new Set() });
        await rebuilt;
        await trackSearch.settled();
        assert.ok(trackSearch.current);
        assert.deepEqual(await search('sunset'), [12]);
      } finally {
        trackSearch.close();
        await database.close();
      }
    });
  });
}
