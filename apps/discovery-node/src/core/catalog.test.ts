import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { addPlays, addPlaylist, addTrack, addUser } from '../catalogFixtures.js';
import { ENGINES, openTestDatabase, requireEngine } from '../testing.js';
import { loadPlaylists, loadTracks } from './catalog.js';
import { userTrackIds } from './lists.js';

for (const engine of ENGINES) {
  describe(`catalog reads on ${engine}`, () => {
    it('reads play counts that the plays table keeps exact through inserts, moves, deletes and truncation', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      const { db } = database;
      try {
        await addUser(db, 1, { followers: 0 });
        for (const id of [10, 11, 12]) await addTrack(db, id, 1, 3);
        await addPlaylist(db, 20, 1, 2, [10, 11, 10]);
        const counts = async () => {
          const tracks = await loadTracks(db, [10, 11, 12]);
          const [playlist] = await loadPlaylists(db, [20]);
          return {
            tracks: tracks.map((track) => track.playCount),
            playlist: playlist!.totalPlayCount,
          };
        };
        assert.deepEqual(await counts(), { tracks: [0, 0, 0], playlist: 0 });

        await addPlays(db, 10, 5, 1);
        await addPlays(db, 11, 2, 1);
        // Track 10 is listed twice in the playlist: its plays count twice, as the reference does.
        assert.deepEqual(await counts(), { tracks: [5, 2, 0], playlist: 12 });

        // One statement touching several tracks; a play moved from one track to another.
        await sql`update plays set track_id = 12
          where play_id = (select play_id from plays where track_id = 10 limit 1)`.execute(db);
        await sql`delete from plays where track_id = 11`.execute(db);
        assert.deepEqual(await counts(), { tracks: [4, 0, 1], playlist: 8 });

        // The landlord's tracks by plays follow the counts (no count of plays per read).
        const byPlays = await userTrackIds(db, 1, {
          sort: 'plays',
          direction: 'desc',
          limit: 10,
          offset: 0,
          includeHidden: false,
        });
        assert.deepEqual(byPlays, [10, 12, 11]);

        await sql`truncate plays`.execute(db);
        assert.deepEqual(await counts(), { tracks: [0, 0, 0], playlist: 0 });

        // The kept counts equal the rows they count.
        await addPlays(db, 12, 3, 0);
        const { rows } = await sql<{ drift: number }>`
          select count(*)::int as drift from (
            select track_id, count(*) as n from plays group by track_id) p
          full join (select track_id, play_count from aggregate_plays where play_count <> 0) a
            using (track_id)
          where p.n is distinct from a.play_count`.execute(db);
        assert.equal(rows[0]!.drift, 0);
      } finally {
        await database.close();
      }
    });
  });
}
