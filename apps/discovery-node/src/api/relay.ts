// The relay's routes: `POST /relay` submits a signed action for the user, and
// `GET /block_confirmation` tells the client when this node has indexed the block it landed in.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Hex, PublicClient } from 'viem';
import { type Relay, confirmBlock } from '../core/relay.js';
import type { DB } from '../db/schema.js';

export type RelayRoutesComponents = { relay: Relay; db: Kysely<DB>; client: PublicClient };

type BlockConfirmationQuery = { blocknumber: number; blockhash: Hex };

const blockConfirmationQuerySchema = {
  type: 'object',
  required: ['blocknumber', 'blockhash'],
  additionalProperties: false,
  properties: {
    blocknumber: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    blockhash: { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' },
  },
} as const;

/** Registers `POST /relay` and `GET /block_confirmation`. */
export function registerRelayRoutes(
  app: FastifyInstance,
  { relay, db, client }: RelayRoutesComponents,
): void {
  app.post('/relay', async function serveRelay(request) {
    const result = await relay.submit(request.body, { ip: request.ip });
    return {
      data: {
        transaction_hash: result.transactionHash,
        block_number: result.blockNumber,
        block_hash: result.blockHash,
      },
    };
  });

  app.get<{ Querystring: BlockConfirmationQuery }>(
    '/block_confirmation',
    { schema: { querystring: blockConfirmationQuerySchema } },
    async function serveBlockConfirmation(request) {
      const { blockFound, blockPassed } = await confirmBlock(
        { db, client },
        { blockNumber: request.query.blocknumber, blockHash: request.query.blockhash },
      );
      return { data: { block_found: blockFound, block_passed: blockPassed } };
    },
  );
}
