import {
  ForbiddenError,
  InvalidSignatureError,
  ReplayCache,
  type VerifiedRequest,
  cidFromSha256Digest,
  contentSha256OfCid,
  parseCid,
  verifyRequestContent,
  verifyRequestSignature,
} from '@coliving/protocol';
import type { FastifyBodyParser, FastifyRequest } from 'fastify';
import { hexToBytes } from 'viem';
import type { Discovery } from '../core/discovery.js';
import type { NetworkView, NodeInfo } from '../core/network.js';
import type { RateLimiter } from '../core/rateLimiter.js';
import type { UploadQuota } from '../core/uploadQuota.js';

export type GuardsComponents = { network: NetworkView };

/** A guard: runs before a route's handler (a fastify preHandler) and throws to refuse. */
export type Guard<Request = FastifyRequest> = (request: Request) => Promise<void>;

type SignedRequest = {
  headers: Record<string, string | string[] | undefined>;
  method: string;
};

type ParserDone = (error: Error | null, body?: unknown) => void;
/** Fastify's JSON parser (`app.getDefaultJsonParser`), in the callback form it has. */
type JsonParser = (request: FastifyRequest, body: string, done: ParserDone) => void;

/**
 * How a route's body is bound to its request signature (docs/protocol.md, Signed requests):
 * `raw`, the sha-256 of the bytes received (JSON bodies, or none); `files`, one digest per file
 * of a multipart upload, which the handler checks as each file is staged (signedFilesOf); `blob`,
 * the digest of the CID in the path, which the store checks as the blob streams in.
 */
export type BodyBinding = 'raw' | 'files' | 'blob';

/**
 * The guards routes put on their line, and what they learned for the handler: the wallet that
 * signed a request (`signerOf`), the content node that called (`peerOf`) and the files an upload
 * was signed for (`signedFilesOf`). Every signed request is taken once per node (ReplayCache).
 */
export function createGuards({ network }: GuardsComponents) {
  const signers = new WeakMap<object, string>();
  const callers = new WeakMap<object, NodeInfo>();
  const rawBodies = new WeakMap<object, Buffer>();
  const signedFiles = new WeakMap<object, string[]>();
  const users = new WeakMap<object, number>();
  const meters = new WeakMap<object, (bytes: number) => void>();
  const replays = new ReplayCache();

  /**
   * The JSON body parser: `parse` (fastify's own) after keeping the raw bytes, which request
   * signatures are checked against.
   */
  function keepRawJson(parse: FastifyBodyParser<string>) {
    const parseText = parse as JsonParser;
    return (request: FastifyRequest, body: Buffer, done: ParserDone): void => {
      rawBodies.set(request, body);
      parseText(request, body.toString('utf8'), done);
    };
  }

  /** Checks the body against what was signed; refuses a signature taken before. */
  function bindBody(
    request: SignedRequest & { params?: unknown },
    verified: VerifiedRequest,
    binding: BodyBinding,
  ): void {
    if (binding === 'raw') {
      const raw = rawBodies.get(request);
      // A body some other parser read (text) was not kept: it cannot be checked, so it is refused.
      if (raw === undefined && (request as { body?: unknown }).body !== undefined) {
        throw new InvalidSignatureError('Signed requests send JSON bodies', {
          code: 'wrong_content',
        });
      }
      verifyRequestContent(verified, raw);
    } else if (binding === 'blob') {
      const cid = parseCid((request.params as { cid?: unknown } | undefined)?.cid);
      if (verified.content !== contentSha256OfCid(cid)) {
        throw new InvalidSignatureError('The request is signed for another blob', {
          code: 'wrong_content',
        });
      }
    } else {
      signedFiles.set(
        request,
        verified.content.split(',').map((digest) => cidFromSha256Digest(hexToBytes(`0x${digest}`))),
      );
    }
    replays.take(verified);
  }

  /**
   * Requests signed by a wallet (a user's), over `pathOf(request)`: the route's path as the
   * client signed it, not the URL it arrived on.
   */
  function signedBy<Request extends SignedRequest>(
    pathOf: (request: Request) => string,
    binding: BodyBinding = 'raw',
  ): Guard<Request> {
    return async function requireSigner(request) {
      const verified = await verifyRequestSignature({
        headers: request.headers,
        method: request.method,
        path: pathOf(request),
      });
      bindBody(request, verified, binding);
      signers.set(request, verified.wallet);
    };
  }

  /** Counts the request against its signer's window (after signedBy); RateLimitedError past it. */
  function limitedBy(limiter: RateLimiter): Guard<object> {
    return async function rateLimit(request) {
      limiter.take(signerOf(request));
    };
  }

  /** Counts the request against its client IP's window (fastify's `request.ip`: trustProxy). */
  function limitedByIp(limiter: RateLimiter): Guard<{ ip: string }> {
    return async function rateLimitIp(request) {
      limiter.take(request.ip);
    };
  }

  /**
   * The signer (after signedBy) must be the wallet of an existing, active user, as the discovery
   * nodes say (cached): a fresh wallet may not upload (docs/design.md §7).
   */
  function requireUser(discovery: Discovery): Guard<object> {
    return async function requireUploader(request) {
      const userId = await discovery.userOf(signerOf(request));
      if (userId === undefined) {
        throw new ForbiddenError(
          'Uploads must be signed by the wallet of a user: create the user first',
          { code: 'not_a_user' },
        );
      }
      users.set(request, userId);
    };
  }

  /**
   * Counts the upload's bytes against its user's and its IP's daily quota (after requireUser)
   * before any is stored: a declared content-length at once, a streamed body as it arrives
   * (uploadMeterOf, which the handler runs the files through).
   */
  function limitUploadBytes(quota: UploadQuota): Guard<FastifyRequest> {
    return async function limitBytes(request) {
      const userId = userOf(request);
      const declared = Number(request.headers['content-length']);
      if (request.headers['content-length'] !== undefined && Number.isSafeInteger(declared)) {
        quota.take(userId, request.ip, declared);
      } else {
        meters.set(request, (bytes) => quota.take(userId, request.ip, bytes));
      }
    };
  }

  /** Node-to-node routes answer only registered content nodes, by their delegate wallet. */
  function peerGuard(binding: BodyBinding) {
    return async function requirePeer(request: SignedRequest & { url: string }): Promise<void> {
      const verified = await verifyRequestSignature({
        headers: request.headers,
        method: request.method,
        path: request.url,
      });
      const node = network.contentNodeByWallet(verified.wallet);
      if (!node) {
        throw new ForbiddenError('Only registered content nodes may call this', {
          code: 'unknown_node',
        });
      }
      bindBody(request, verified, binding);
      callers.set(request, node);
    };
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

  /** The user who signed the request (a route guarded by requireUser). */
  function userOf(request: object): number {
    const userId = users.get(request);
    if (userId === undefined) throw new Error('userOf: the route has no requireUser guard');
    return userId;
  }

  /**
   * What counts a streamed upload's bytes as they arrive (throwing past the quota), or undefined
   * when its declared length was counted already (limitUploadBytes).
   */
  function uploadMeterOf(request: object): ((bytes: number) => void) | undefined {
    return meters.get(request);
  }

  /** The CIDs of the files an upload was signed for, in order (signedBy(..., 'files')). */
  function signedFilesOf(request: object): string[] {
    const cids = signedFiles.get(request);
    if (cids === undefined) throw new Error('signedFilesOf: the route binds no files');
    return cids;
  }

  return {
    keepRawJson,
    signedBy,
    limitedBy,
    limitedByIp,
    requireUser,
    limitUploadBytes,
    requirePeer: peerGuard('raw'),
    /** requirePeer for a blob push: the body is the blob the path's CID names. */
    requirePeerBlob: peerGuard('blob'),
    signerOf,
    peerOf,
    signedFilesOf,
    userOf,
    uploadMeterOf,
  };
}

export type Guards = ReturnType<typeof createGuards>;
