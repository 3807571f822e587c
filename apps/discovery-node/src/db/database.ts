import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UnavailableError } from '@coliving/protocol';
import { migrate } from './migrate.js';
import { preparingPool } from './preparingPool.js';
import type { DB } from './schema.js';

// int8 and numeric come back as strings by default; ids are below 2^53 (checked when indexed),
// so int8 is read as a number. numeric (stake, in wei) stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type DatabaseEngine = 'pglite' | 'postgres';

export type OpenDatabaseParameters = {
  /** `postgres://…`: a PostgreSQL server. Otherwise PGlite is used. */
  url?: string;
  /** PGlite's data directory; in memory when absent (tests). */
  dataDir?: string;
  /** Connections to a PostgreSQL server (PGlite has one). */
  maxConnections?: number;
};

export type Database = {
  db: Kysely<DB>;
  pool: pg.Pool;
  engine: DatabaseEngine;
  close(): Promise<void>;
};

/**
 * Opens the discovery database and brings its schema up to date. One code path serves both
 * engines: Kysely over a `pg.Pool`. PGlite is reached through its wire-protocol server on a
 * private Unix socket, with a pool of one connection (PGlite is one session; one connection
 * keeps every transaction whole).
 */
export async function openDatabase(parameters: OpenDatabaseParameters = {}): Promise<Database> {
  const { url, dataDir, maxConnections = 10 } = parameters;
  if (url !== undefined) {
    const pool = new pg.Pool({ connectionString: url, max: maxConnections });
    pool.on('error', () => {}); // an idle client's lost connection; the next query reports it
    try {
      await pool.query('select 1');
    } catch (cause) {
      await pool.end();
      throw new UnavailableError(`PostgreSQL at ${redactUrl(url)} is not reachable`, {
        code: 'database_unreachable',
        cause,
      });
    }
    return finish(pool, 'postgres', async () => {});
  }
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    return openPglite(dataDir);
  }
  if (memoryTemplate) {
    const template = await memoryTemplate;
    if (template) return openPglite('memory://', template);
  }
  // The first in this process (or the first after one failed): made from scratch, and its files
  // kept for the next.
  let made: (template: Blob | undefined) => void = () => {};
  const making = new Promise<Blob | undefined>((resolve) => (made = resolve));
  memoryTemplate = making;
  let database: (Database & { lite: PGlite }) | undefined;
  try {
    database = await openPglite('memory://');
    made(await database.lite.dumpDataDir('none'));
    return database;
  } catch (error) {
    made(undefined);
    if (memoryTemplate === making) memoryTemplate = undefined;
    await database?.close();
    throw error;
  }
}

/**
 * The files of a migrated, empty in-memory database (PGlite's dumpDataDir), kept from the first
 * one a process opens: later in-memory databases (tests open dozens) start from them instead of
 * running initdb and every migration again, which takes seconds each on two cores.
 */
let memoryTemplate: Promise<Blob | undefined> | undefined;

/** PGlite in `dataDir`, or starting from `template`'s files, behind its socket; migrated. */
async function openPglite(dataDir: string, template?: Blob): Promise<Database & { lite: PGlite }> {
  // pg_trgm backs search (migration 0002); a PostgreSQL server ships it in contrib.
  const lite = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    ...(template ? { loadDataDir: template } : {}),
  });
  const socketDir = await mkdtemp(join(tmpdir(), 'coliving-pglite-'));
  const server = new PGLiteSocketServer({
    db: lite,
    path: join(socketDir, '.s.PGSQL.5432'),
    maxConnections: 1,
  });
  await server.start();
  const pool = new pg.Pool({
    host: socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    // PGlite is one session behind the socket: a new connection inherits the statements the
    // last one prepared, and re-preparing one inside a transaction (42P05) aborts it. So the one
    // connection is never closed for idleness (pg's default closes it after 10 s).
    idleTimeoutMillis: 0,
  });
  pool.on('error', () => {});
  const database = await finish(pool, 'pglite', async () => {
    await server.stop();
    await lite.close();
    await rm(socketDir, { recursive: true, force: true });
  });
  return { ...database, lite };
}

async function finish(
  pool: pg.Pool,
  engine: DatabaseEngine,
  closeEngine: () => Promise<void>,
): Promise<Database> {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.destroy(); // ends the pool
    await closeEngine();
  };
  try {
    await migrate(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, pool, engine, close };
}

/** A database URL for logs and errors: no password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
