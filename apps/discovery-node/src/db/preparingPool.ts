// A pg pool for Kysely that prepares read statements: each connection parses and plans a SELECT
// text once and reuses the plan. The API's reads are a few fixed texts with bound values, and
// planning them (expression indexes, inlined SQL functions) cost more than running them.
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Statements kept prepared per connection; past this, texts run unnamed (planned each time). */
const MAX_PREPARED_PER_CONNECTION = 256;
/** Texts longer than this are bulk statements, not the API's reads: never prepared. */
const MAX_PREPARED_TEXT = 16 * 1024;

const READ = /^\s*(select|with)\b/i;

/** Wraps `pool` so that Kysely's SELECTs run as named (prepared) statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const preparedBy = new WeakMap<pg.PoolClient, Set<string>>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let prepared = preparedBy.get(client);
      if (!prepared) preparedBy.set(client, (prepared = new Set()));
      const names = prepared;
      return {
        query: ((text: string, values: unknown[]) => {
          if (typeof text !== 'string' || text.length > MAX_PREPARED_TEXT || !READ.test(text))
            return client.query(text, values);
          const name = `k${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
          if (!names.has(name)) {
            if (names.size >= MAX_PREPARED_PER_CONNECTION) return client.query(text, values);
            names.add(name);
          }
          // pg forgets a statement it prepared when an execution of it fails, and prepares it
          // again on the next call: the server then answers 42P05 (it already exists). That one
          // call runs unnamed instead, and the name stays prepared for the rest.
          return client.query({ name, text, values }).catch((error: unknown) => {
            if ((error as { code?: string }).code !== '42P05') throw error;
            return client.query(text, values);
          });
        }) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}
