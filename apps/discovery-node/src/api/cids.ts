// `POST /v1/cids/referenced`: which of some CIDs the catalog names, with how far this node is
// behind the data chain. Content nodes ask it before deleting an upload that no track, user or
// playlist used within their retention period (docs/design.md §7).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { UnavailableError, ValidationError, isCid } from '@coliving/protocol';
import { MAX_REFERENCED_CIDS, referencedCids } from '../core/referencedCids.js';
import type { DB } from '../db/schema.js';

export type CidRoutesComponents = {
  db: Kysely<DB>;
  /**
   * The data chain indexer's state: `healthy` when it is running without errors, and the last
   * indexed block and chain head it knows (read before the query, so the answer is at least
   * as fresh as `indexed`).
   */
  dataChain(): { healthy: boolean; indexed: number; chain: number };
};

const bodySchema = {
  type: 'object',
  required: ['cids'],
  additionalProperties: false,
  properties: {
    cids: {
      type: 'array',
      maxItems: MAX_REFERENCED_CIDS,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
} as const;

/** Registers `POST /v1/cids/referenced` (node to node; not in the public API reference). */
export function registerCidRoutes(app: FastifyInstance, components: CidRoutesComponents) {
  const { db } = components;
  app.post<{ Body: { cids: string[] } }>(
    '/v1/cids/referenced',
    { schema: { hide: true, body: bodySchema } },
    async function serveReferencedCids(request) {
      const status = components.dataChain();
      // An answer from an indexer that stopped would be "not referenced" for what it missed.
      if (!status.healthy) {
        throw new UnavailableError('This node is not indexing the data chain', {
          code: 'indexer_unhealthy',
        });
      }
      const bad = request.body.cids.findIndex((cid) => !isCid(cid));
      if (bad >= 0) {
        throw new ValidationError(`"${request.body.cids[bad]!.slice(0, 100)}" is not a CID`, {
          code: 'invalid_cid',
        });
      }
      const cids = [...new Set(request.body.cids)];
      const referenced = await referencedCids(db, cids);
      return {
        data: {
          referenced: cids.filter((cid) => referenced.has(cid)),
          latest_indexed_block: status.indexed,
          latest_chain_block: status.chain,
          block_difference: status.chain - status.indexed,
        },
      };
    },
  );
}
