// Moving a track's preview after upload (docs/content-node.md, Re-cutting a preview): the
// uploader asks for a new start, the node cuts the preview again from the stored stream file and
// signs a new upload receipt that names it, so a Track Update with the new preview passes the
// discovery nodes' receipt check (docs/design.md §7).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TRANSCODE_RESULTS,
  type UploadReceipt,
  type UploadRecord,
  ValidationError,
  isCid,
} from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { FastifyRequest } from 'fastify';
import type { FfmpegBinaries } from '../core/ffmpegBinaries.js';
import { cutPreview } from '../core/transcode.js';
import { type UploadStore, newUploadId } from '../db/uploadStore.js';

export type ServePreviewsComponents = {
  store: BlobStore;
  uploads: UploadStore;
  ffmpeg: FfmpegBinaries;
  /** Makes sure a blob is in this node's store (pulled from a peer that has it); false if none. */
  pullBlob: (cid: string) => Promise<boolean>;
  /** Pushes blobs to the nodes their placement names; it must not throw (repair retries). */
  replicate: (cids: string[]) => Promise<void>;
  /** Sends a record to the other content nodes; it must not throw. */
  shareRecord: (record: UploadRecord) => Promise<void>;
  /** The signed receipt of a finished upload, when this node gives one. */
  receiptFor: (record: UploadRecord) => Promise<UploadReceipt | undefined>;
  /** The wallet that signed the request (its route's signedBy guard). */
  signerOf: (request: object) => string;
};

export type ServePreviewsInit = {
  /** Where jobs keep their working files. */
  jobsDir: string;
};

/** What `POST /previews` takes: the track's stream CID and the new start. */
export type PreviewCutInput = { cid: string; previewStartSeconds: number };

/** Checks a `POST /previews` body; ValidationError with a stable code if it is not one. */
export function parsePreviewCutInput(body: unknown): PreviewCutInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('Send {"cid": <stream CID>, "previewStartSeconds": <seconds>}', {
      code: 'invalid_body',
    });
  }
  const { cid, previewStartSeconds, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new ValidationError(`Unknown field "${unknown.slice(0, 40)}"`, { code: 'unknown_field' });
  }
  if (typeof cid !== 'string' || !isCid(cid)) {
    throw new ValidationError("cid must be the track's stream CID (its track_cid)", {
      code: 'invalid_cid',
    });
  }
  if (
    typeof previewStartSeconds !== 'number' ||
    !Number.isFinite(previewStartSeconds) ||
    previewStartSeconds < 0
  ) {
    throw new ValidationError('previewStartSeconds must be a number of seconds, 0 or more', {
      code: 'invalid_preview_start',
    });
  }
  return { cid, previewStartSeconds };
}

/** `POST /previews`: a new preview of an uploaded track, cut from its stream at a new start. */
export function servePreviews(components: ServePreviewsComponents, init: ServePreviewsInit) {
  const { store, uploads, ffmpeg } = components;

  /**
   * The audio uploads whose stream is `cid` (records are shared: any node has them): the same
   * audio uploaded twice, or by two wallets, makes the same stream.
   */
  async function uploadsOfStream(cid: string): Promise<UploadRecord[]> {
    const found: UploadRecord[] = [];
    for await (const record of uploads.list()) {
      if (record.template === 'audio' && record.results[TRANSCODE_RESULTS.stream] === cid)
        found.push(record);
    }
    return found;
  }

  async function servePreviewCut(request: FastifyRequest) {
    const wallet = components.signerOf(request);
    const { cid, previewStartSeconds } = parsePreviewCutInput(request.body);
    const found = await uploadsOfStream(cid);
    if (found.length === 0) {
      throw new NotFoundError(`No upload on this network made the stream ${cid}`, {
        code: 'upload_not_found',
      });
    }
    // Only a wallet that uploaded this audio (the one its receipt names) may move its preview;
    // of its uploads, the newest finished one answers.
    const own = found
      .filter((r) => r.wallet.toLowerCase() === wallet.toLowerCase())
      .sort(
        (a, b) =>
          Number(b.status === 'done') - Number(a.status === 'done') ||
          b.updatedAt.localeCompare(a.updatedAt),
      );
    const record = own[0];
    if (!record) {
      throw new ForbiddenError('Only the wallet that uploaded this audio may change its preview', {
        code: 'not_uploader',
      });
    }
    const duration = record.durationSeconds;
    if (record.status !== 'done' || duration === undefined) {
      throw new ConflictError('This upload has not finished: its preview cannot be cut yet', {
        code: 'upload_not_done',
      });
    }
    if (previewStartSeconds >= duration) {
      throw new ValidationError(
        `The preview cannot start at ${previewStartSeconds} s: the track is ${duration} s long`,
        { code: 'preview_start_past_end' },
      );
    }
    if (!(await components.pullBlob(cid))) {
      throw new ConflictError('No content node holds this stream file right now; try again later', {
        code: 'stream_unavailable',
      });
    }
    const dir = join(init.jobsDir, `preview-${newUploadId()}`);
    await mkdir(dir, { recursive: true });
    try {
      const stream = join(dir, '320.mp3');
      const preview = join(dir, '320_preview.mp3');
      await pipeline(await store.get(cid), createWriteStream(stream));
      await cutPreview({
        binaries: ffmpeg,
        stream,
        out: preview,
        durationSeconds: duration,
        previewStartSeconds,
      });
      const previewCid = (await store.put(createReadStream(preview))).cid;
      // On its replicas before anyone is told of it, like an upload's results.
      await components.replicate([previewCid]);
      const { receipt: _old, ...rest } = record;
      let updated: UploadRecord = {
        ...rest,
        previewStartSeconds,
        results: { ...record.results, [TRANSCODE_RESULTS.preview]: previewCid },
        // Strictly later than the record's last write, so peers take it (last writer wins).
        updatedAt: new Date(Math.max(Date.now(), Date.parse(record.updatedAt) + 1)).toISOString(),
      };
      const receipt = await components.receiptFor(updated);
      if (receipt) updated = { ...updated, receipt };
      await components.shareRecord(updated);
      await uploads.put(updated);
      return { data: updated };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return { servePreviewCut };
}
