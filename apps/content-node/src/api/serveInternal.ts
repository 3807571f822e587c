import { NotFoundError, type UploadRecord, parseCid } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_RECORDS_PAGE_SIZE } from '../constants.js';
import type { AuthRecords } from '../core/authRecords.js';
import type { NodeInfo } from '../core/network.js';
import { type AuthStore, parseLookupKey } from '../db/authStore.js';
import type { UploadStore } from '../db/uploadStore.js';

export type ServeInternalComponents = {
  store: BlobStore;
  uploads: UploadStore;
  auth: AuthStore;
  authRecords: AuthRecords;
  /** Keeps a peer's upload record when it is newer. */
  mergeRecord: (value: unknown) => Promise<void>;
  /** The content node that called (its route's requirePeer guard). */
  peerOf: (request: object) => NodeInfo;
};

export type ServeInternalInit = {
  /** The largest blob a peer may push: an upload's results can outgrow the upload. */
  maxBlobBytes: number;
};

/** Node-to-node routes: blobs, upload records and login records between content nodes. */
export function serveInternal(components: ServeInternalComponents, init: ServeInternalInit) {
  const { store, uploads, auth, authRecords } = components;
  /** Takes a blob a peer pushes; store.put verifies it against its CID as it streams. */
  async function serveBlobPush(
    request: FastifyRequest<{ Params: { cid: string } }>,
    reply: FastifyReply,
  ) {
    const cid = parseCid(request.params.cid);
    await store.put(request.body as AsyncIterable<Uint8Array>, {
      expectedCid: cid,
      maxBytes: init.maxBlobBytes,
    });
    return reply.status(204).send();
  }

  /** A blob for a peer (GET), or whether this node has it (HEAD). */
  async function serveBlob(
    request: FastifyRequest<{ Params: { cid: string } }>,
    reply: FastifyReply,
  ) {
    const cid = parseCid(request.params.cid);
    const info = await store.head(cid);
    if (!info) throw new NotFoundError(`Blob ${cid} not found`);
    reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(info.size));
    return request.method === 'HEAD' ? reply.send() : reply.send(await store.get(cid));
  }

  /** Takes a peer's upload record when it is newer. */
  async function serveRecordPush(request: FastifyRequest, reply: FastifyReply) {
    await components.mergeRecord(request.body);
    return reply.status(204).send();
  }

  /** Every upload record this node has (the record sweep). */
  async function serveRecords() {
    const data: UploadRecord[] = [];
    for await (const record of uploads.list()) data.push(record);
    return { data };
  }

  /**
   * Takes a peer's login record version when it wins over this node's: only one its wallet
   * signed, not dated in the future, of the wallet that owns the record here.
   */
  async function serveAuthRecordPush(request: FastifyRequest, reply: FastifyReply) {
    await authRecords.merge(request.body);
    return reply.status(204).send();
  }

  /** This node's own copy of a login record (a tombstone included). */
  async function serveAuthRecordCopy(request: FastifyRequest<{ Params: { lookupKey: string } }>) {
    // The asking node merges the answers of every placement node.
    const record = await auth.find(parseLookupKey(request.params.lookupKey));
    if (!record) throw new NotFoundError('No login record for this lookupKey here');
    return { data: record };
  }

  /** A page of the login records the calling node should hold. */
  async function serveAuthRecords(request: FastifyRequest<{ Querystring: { after?: string } }>) {
    const caller = components.peerOf(request);
    const after =
      request.query.after === undefined ? undefined : parseLookupKey(request.query.after);
    // Only what the caller should hold: repair pulls a node's share, not every record.
    return authRecords.page(caller.endpoint, after, AUTH_RECORDS_PAGE_SIZE);
  }

  return {
    serveBlobPush,
    serveBlob,
    serveRecordPush,
    serveRecords,
    serveAuthRecordPush,
    serveAuthRecordCopy,
    serveAuthRecords,
  };
}
