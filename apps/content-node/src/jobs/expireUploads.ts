// Retention: an upload that no track, user or playlist names within the retention period is
// deleted from this node (its record and its blobs), on the word of the discovery nodes.
// docs/design.md §7.
import { rm } from 'node:fs/promises';
import type { UploadRecord } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { Discovery } from '../core/discovery.js';
import { jobDirOf } from '../core/jobDir.js';
import type { ExpiredUploads } from '../db/expiredUploads.js';
import type { UploadStore } from '../db/uploadStore.js';

export type ExpireUploadsComponents = {
  store: BlobStore;
  uploads: UploadStore;
  expired: ExpiredUploads;
  discovery: Pick<Discovery, 'referencedCids'>;
  log: FastifyBaseLogger;
  /** When each upload was last found referenced: it is not asked about again for a period. */
  referencedAt: Map<string, number>;
};

export type ExpireUploadsInit = {
  /** How long an upload may go unreferenced before it is deleted. */
  retentionMs: number;
  /** Where jobs keep their working files. */
  jobsDir: string;
};

/** What one pass did: uploads deleted, the blobs that went with them, uploads found in use. */
export type ExpireReport = { expired: string[]; deletedBlobs: string[]; referenced: string[] };

/** Every blob an upload names: its original and its results. */
function blobsOf(record: UploadRecord): string[] {
  return [record.origFileCid, ...Object.values(record.results)];
}

/**
 * One retention pass. An upload older than the retention period whose job has ended is deleted
 * when none of its blobs is referenced; nothing is deleted unless a majority of the discovery
 * nodes answered caught up with the chain (Discovery.referencedCids throws otherwise), and a
 * blob another upload kept here still names is never deleted.
 */
export async function expireUploads(
  c: ExpireUploadsComponents,
  { retentionMs, jobsDir }: ExpireUploadsInit,
): Promise<ExpireReport> {
  const now = Date.now();
  const records: UploadRecord[] = [];
  for await (const record of c.uploads.list()) records.push(record);
  const due = records.filter(
    (r) =>
      // A job still running may yet produce blobs; it is looked at once it has ended.
      (r.status === 'done' || r.status === 'error') &&
      now - Date.parse(r.createdAt) >= retentionMs &&
      now - (c.referencedAt.get(r.id) ?? -Infinity) >= retentionMs,
  );
  const report: ExpireReport = { expired: [], deletedBlobs: [], referenced: [] };
  if (due.length === 0) return report;
  const referenced = await c.discovery.referencedCids([...new Set(due.flatMap(blobsOf))]);
  const expiring = new Set<string>();
  for (const record of due) {
    if (blobsOf(record).some((cid) => referenced.has(cid))) {
      c.referencedAt.set(record.id, now);
      report.referenced.push(record.id);
    } else {
      expiring.add(record.id);
    }
  }
  // The same file uploaded twice is one blob: it stays while any other upload names it.
  const kept = new Set(records.filter((r) => !expiring.has(r.id)).flatMap(blobsOf));
  for (const record of due) {
    if (!expiring.has(record.id)) continue;
    // The tombstone first: a peer's copy of the record arriving meanwhile is not taken back.
    await c.expired.add(record.id);
    // The blobs before the record: once the record answers 404, its blobs are gone too.
    for (const cid of new Set(blobsOf(record))) {
      if (kept.has(cid) || referenced.has(cid)) continue;
      if (await c.store.delete(cid)) report.deletedBlobs.push(cid);
    }
    await rm(jobDirOf(jobsDir, record.id), { recursive: true, force: true });
    await c.uploads.remove(record.id);
    c.referencedAt.delete(record.id);
    report.expired.push(record.id);
    c.log.info({ upload: record.id, wallet: record.wallet }, 'unreferenced upload deleted');
  }
  return report;
}
