// Upload records travel to every content node, so that any node can answer for any upload.
import type { UploadRecord } from '@coliving/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { indexVariants } from '../core/images.js';
import type { NetworkView } from '../core/network.js';
import type { PeerClient } from '../core/peerClient.js';
import type { ExpiredUploads } from '../db/expiredUploads.js';
import { type UploadStore, parseUploadRecord } from '../db/uploadStore.js';
import type { VariantIndex } from '../db/variantIndex.js';

export type ShareRecordComponents = {
  peers: PeerClient;
  network: NetworkView;
  /** This node's endpoint, as registered. */
  self: string;
  log: FastifyBaseLogger;
};

/** Sends a record to every other content node; a node that fails is logged and skipped. */
export async function shareRecord(
  { peers, network, self, log }: ShareRecordComponents,
  record: UploadRecord,
): Promise<void> {
  for (const node of network.contentNodes()) {
    if (node.endpoint === self) continue;
    await peers
      .pushRecord(node.endpoint, record)
      .catch((error: unknown) =>
        log.warn({ err: error, peer: node.endpoint }, 'sharing an upload record failed'),
      );
  }
}

export type MergeRecordComponents = {
  uploads: UploadStore;
  variants: VariantIndex;
  expired: ExpiredUploads;
};

/**
 * Stores a peer's record when it is newer, and learns its image variants. A record this node's
 * retention deleted is not taken back (its blobs would be pulled again).
 */
export async function mergeRecord(
  { uploads, variants, expired }: MergeRecordComponents,
  value: unknown,
): Promise<void> {
  const record = parseUploadRecord(value);
  if (await expired.has(record.id)) return;
  if (await uploads.merge(record)) await indexVariants(variants, record.results);
}
