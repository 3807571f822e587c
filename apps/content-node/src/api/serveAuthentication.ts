import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthRecords } from '../core/authRecords.js';
import { parseAuthDeletionInput, parseAuthRecordInput, parseLookupKey } from '../db/authStore.js';

export type ServeAuthenticationComponents = {
  authRecords: AuthRecords;
  /** The wallet that signed the request (its route's signedBy guard). */
  signerOf: (request: object) => string;
};

/**
 * Hedgehog login records for clients: written and deleted by their wallet, each version signed by
 * it (docs/content-node.md, Login records), read by anyone.
 */
export function serveAuthentication({ authRecords, signerOf }: ServeAuthenticationComponents) {
  /** The path a record's owner signs to delete it (for the route's signedBy guard). */
  function signedPathOf(request: FastifyRequest<{ Params: { lookupKey: string } }>): string {
    return `/authentication/${parseLookupKey(request.params.lookupKey)}`;
  }

  /** Creates or replaces the signer's record with the version it signed. */
  async function serveAuthRecordWrite(request: FastifyRequest, reply: FastifyReply) {
    const record = await authRecords.write(signerOf(request), parseAuthRecordInput(request.body));
    return reply.status(201).send({ data: record });
  }

  /** The live record for a lookup key, from wherever its placement holds it. */
  async function serveAuthRecord(
    request: FastifyRequest<{ Params: { lookupKey: string } }>,
    reply: FastifyReply,
  ) {
    const record = await authRecords.get(parseLookupKey(request.params.lookupKey));
    // A record can be replaced or deleted at any time: never cached on the way.
    return reply.header('cache-control', 'no-store').send({ data: record });
  }

  /** Deletes the signer's record, leaving the tombstone it signed. */
  async function serveAuthRecordDelete(
    request: FastifyRequest<{ Params: { lookupKey: string } }>,
    reply: FastifyReply,
  ) {
    const lookupKey = parseLookupKey(request.params.lookupKey);
    await authRecords.remove(signerOf(request), lookupKey, parseAuthDeletionInput(request.body));
    return reply.status(204).send();
  }

  return { signedPathOf, serveAuthRecordWrite, serveAuthRecord, serveAuthRecordDelete };
}
