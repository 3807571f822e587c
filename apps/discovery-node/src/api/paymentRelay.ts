// The payment relay's routes: `POST /relay/payment` submits a payer's signed PaymentRouter
// authorization from the node's gas wallet, and `GET /v1/payments/info` tells a client what it
// needs to sign one (chain, token, router, and a wallet's balance, allowance and permit nonce).
import type { FastifyInstance } from 'fastify';
import {
  type PaymentRelay,
  type PaymentRelayResult,
  PaymentRequiredError,
} from '../core/paymentRelay.js';

export type PaymentRelayRoutesComponents = {
  relay: PaymentRelay;
  /** Called after a payment is mined, so the indexers read its block at once. */
  onRelayed?: (result: PaymentRelayResult) => void;
};

type PaymentsInfoQuery = { wallet?: string };

const paymentsInfoQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { wallet: { type: 'string', maxLength: 64 } },
} as const;

/** Registers `POST /relay/payment` and `GET /v1/payments/info`. */
export function registerPaymentRelayRoutes(
  app: FastifyInstance,
  { relay, onRelayed }: PaymentRelayRoutesComponents,
): void {
  app.post('/relay/payment', async function servePaymentRelay(request, reply) {
    let result: PaymentRelayResult;
    try {
      result = await relay.submit(request.body, { ip: request.ip });
    } catch (error) {
      // 402 has no domain error class of its own in server-kit: answered here, as the error
      // handler answers the others (same body, never cached).
      if (!(error instanceof PaymentRequiredError)) throw error;
      return reply
        .status(402)
        .header('cache-control', 'no-store')
        .send({ error: { code: error.code, message: error.shortMessage } });
    }
    onRelayed?.(result);
    return {
      data: {
        tx_hash: result.transactionHash,
        block_number: result.blockNumber,
        kind: result.kind,
        payment: { payer: result.payer, nonce: result.nonce.toString() },
      },
    };
  });

  app.get<{ Querystring: PaymentsInfoQuery }>(
    '/v1/payments/info',
    { schema: { querystring: paymentsInfoQuerySchema } },
    async function servePaymentsInfo(request, reply) {
      reply.header('cache-control', 'no-store');
      return { data: await relay.info(request.query.wallet) };
    },
  );
}
