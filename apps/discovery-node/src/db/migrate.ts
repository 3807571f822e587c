import { readFile, readdir } from 'node:fs/promises';
import { type Kysely, sql } from 'kysely';
import type { DB } from './schema.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Any constant: every node that migrates takes this advisory lock, so two never race. */
const MIGRATION_LOCK = 7_406_113;

export type Migration = { version: number; name: string; sql: string };

/** The migrations shipped with this node, in order: `NNNN_name.sql`. */
export async function listMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f));
  files.sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/**
 * Applies the migrations this database lacks, each in its own transaction with its record in
 * `schema_migrations`. A database from a newer node (a version we do not know) is refused.
 */
export async function migrate(db: Kysely<DB>): Promise<number[]> {
  const migrations = await listMigrations();
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    await sql`create table if not exists schema_migrations (
      version integer primary key,
      name text not null
    )`.execute(tx);
    const applied = new Set(
      (await sql<{ version: number }>`select version from schema_migrations`.execute(tx)).rows.map(
        (r) => Number(r.version),
      ),
    );
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migrations this node does not know (${unknown.join(', ')}): it was made by a newer version`,
      );
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await sql.raw(migration.sql).execute(tx);
      await sql`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`.execute(
        tx,
      );
      done.push(migration.version);
    }
    return done;
  });
}
