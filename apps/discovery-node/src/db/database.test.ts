import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENGINES, openTestDatabase, requireEngine } from '../testing.js';
import { listMigrations, migrate } from './migrate.js';

for (const engine of ENGINES) {
  describe(`database on ${engine}`, () => {
    it('applies every migration once, and again applies nothing', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      try {
        const versions = (await listMigrations()).map((m) => m.version);
        const applied = await sql<{
          version: number;
        }>`select version from schema_migrations order by version`.execute(database.db);
        assert.deepEqual(
          applied.rows.map((r) => r.version),
          versions,
        );
        assert.deepEqual(await migrate(database.db), []);
        await database.db
          .insertInto('indexing_checkpoints')
          .values({ chain: 'data', block_number: 5, block_hash: '0xab' })
          .execute();
        const row = await database.db
          .selectFrom('indexing_checkpoints')
          .selectAll()
          .executeTakeFirstOrThrow();
        assert.deepEqual(row, { chain: 'data', block_number: 5, block_hash: '0xab' });
      } finally {
        await database.close();
      }
    });

    it('refuses a database a newer node migrated', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      try {
        await sql`insert into schema_migrations (version, name) values (9999, 'from_the_future')`.execute(
          database.db,
        );
        await assert.rejects(migrate(database.db), /newer version/);
      } finally {
        await database.close();
      }
    });
  });
}

describe('database on pglite, idle', () => {
  // pg closes a connection idle for 10 s by default; PGlite keeps the session's prepared
  // statements, so the next connection re-preparing one inside a transaction aborted it.
  it('runs a prepared read inside a transaction after 11 s idle', async (t) => {
    if (!(await requireEngine(t, 'pglite'))) return;
    const database = await openTestDatabase('pglite');
    try {
      const read = (db: typeof database.db) =>
        db.selectFrom('indexing_checkpoints').select('chain').where('chain', '=', 'data').execute();
      await read(database.db);
      await sleep(11_000);
      const rows = await database.db.transaction().execute(async (tx) => {
        const found = await read(tx);
        await tx
          .insertInto('indexing_checkpoints')
          .values({ chain: 'data', block_number: 1, block_hash: '0x01' })
          .execute();
        return found;
      });
      assert.deepEqual(rows, []);
    } finally {
      await database.close();
    }
  });
});
