import { ForbiddenError, verifyRequestSignature } from '@coliving/protocol';
import type { FastifyRequest } from 'fastify';
import type { NetworkView, NodeInfo } from '../core/network.js';
import type { RateLimiter } from '../core/rateLimiter.js';

export type GuardsComponents = { network: NetworkView };

/** A guard: runs before a route's handler (a fastify preHandler) and throws to refuse. */
export type Guard<Request = FastifyRequest> = (request: Request) => Promise<void>;

type SignedRequest = {
  headers: Record<string, string | string[] | undefined>;
  method: string;
};

/**
 * The guards routes put on their line, and what they learned for the handler: the wallet that
 * signed a request (`signerOf`) and the content node that called (`peerOf`).
 */
export function createGuards({ network }: GuardsComponents) {
  const signers = new WeakMap<object, string>();
  const callers = new WeakMap<object, NodeInfo>();

  /**
   * Requests signed by a wallet (a user's), over `pathOf(request)`: the route's path as the
   * client signed it, not the URL it arrived on.
   */
  function signedBy<Request extends SignedRequest>(
    pathOf: (request: Request) => string,
  ): Guard<Request> {
    return async function requireSigner(request) {
      const wallet = await verifyRequestSignature({
        headers: request.headers,
        method: request.method,
        path: pathOf(request),
      });
      signers.set(request, wallet);
    };
  }

  /** Counts the request against its signer's window (after signedBy); RateLimitedError past it. */
  function limitedBy(limiter: RateLimiter): Guard<object> {
    return async function rateLimit(request) {
      limiter.take(signerOf(request));
    };
  }

  /** Node-to-node routes answer only registered content nodes, by their delegate wallet. */
  async function requirePeer(request: SignedRequest & { url: string }): Promise<void> {
    const wallet = await verifyRequestSignature({
      headers: request.headers,
      method: request.method,
      path: request.url,
    });
    const node = network.contentNodeByWallet(wallet);
    if (!node) {
      throw new ForbiddenError('Only registered content nodes may call this', {
        code: 'unknown_node',
      });
    }
    callers.set(request, node);
  }

  /** The content node that called (a route guarded by requirePeer). */
  function peerOf(request: object): NodeInfo {
    const node = callers.get(request);
    if (!node) throw new Error('peerOf: the route has no requirePeer guard');
    return node;
  }

  /** The wallet that signed the request (a route guarded by signedBy). */
  function signerOf(request: object): string {
    const wallet = signers.get(request);
    if (wallet === undefined) throw new Error('signerOf: the route has no signedBy guard');
    return wallet;
  }

  return { signedBy, limitedBy, requirePeer, signerOf, peerOf };
}

export type Guards = ReturnType<typeof createGuards>;
