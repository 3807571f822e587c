import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  BaseError,
  TRANSCODE_RESULTS,
  UnprocessableError,
  type UploadReceipt,
  type UploadRecord,
} from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import { MAX_UPLOAD_ATTEMPTS } from '../constants.js';
import type { FfmpegBinaries } from '../core/ffmpegBinaries.js';
import { IMAGE_VARIANTS, indexVariants, renderImageVariant } from '../core/images.js';
import { jobDirOf } from '../core/jobDir.js';
import { transcodeAudio } from '../core/transcode.js';
import type { UploadStore } from '../db/uploadStore.js';
import type { VariantIndex } from '../db/variantIndex.js';
import type { ContentNodeMetrics } from '../metrics.js';

export type ProcessUploadComponents = {
  store: BlobStore;
  uploads: UploadStore;
  variants: VariantIndex;
  ffmpeg: FfmpegBinaries;
  /** Where jobs keep their working files: `<jobsDir>/<upload id>/`. */
  jobsDir: string;
  /** Pushes blobs to the nodes their placement names; it must not throw (repair retries). */
  replicate: (cids: string[]) => Promise<void>;
  /** Sends a record to the other content nodes; it must not throw. */
  shareRecord: (record: UploadRecord) => Promise<void>;
  /** The signed receipt of a finished upload (core/uploadReceipts.ts), when this node gives one. */
  receiptFor: (record: UploadRecord) => Promise<UploadReceipt | undefined>;
  metrics: Pick<ContentNodeMetrics, 'uploads' | 'transcodeSeconds' | 'jobsFailed'>;
};

/**
 * Runs an upload's job: `new`/`busy` -> `done` with result CIDs, or `error` with a message; then
 * counts the outcome. A job stopped midway stays `busy`, and the other nodes are told so.
 */
export async function processUpload(
  components: ProcessUploadComponents,
  id: string,
  signal: AbortSignal,
): Promise<UploadRecord> {
  const { uploads, metrics } = components;
  const started = performance.now();
  try {
    return await runJob(components, id, signal);
  } finally {
    const record = await uploads.get(id);
    if (record.status === 'done' || record.status === 'error') {
      metrics.uploads.inc({ template: record.template, outcome: record.status });
      if (record.status === 'error')
        metrics.jobsFailed.inc({
          template: record.template,
          code: record.errorCode ?? 'transcode_failed',
        });
      metrics.transcodeSeconds.observe(
        { template: record.template },
        (performance.now() - started) / 1000,
      );
    } else {
      // A stop leaves the upload busy; peers learn that too.
      await components.shareRecord(record);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function save(store: BlobStore, path: string, signal: AbortSignal): Promise<string> {
  return (await store.put(createReadStream(path), { signal })).cid;
}

/**
 * The job itself. A job interrupted by a restart runs again from the start (its record is still
 * `busy`); the original is taken from the job directory, or from storage if that is gone. A job
 * already started MAX_UPLOAD_ATTEMPTS times is not started again: its upload is an error.
 */
async function runJob(
  components: ProcessUploadComponents,
  id: string,
  signal: AbortSignal,
): Promise<UploadRecord> {
  const { store, uploads, ffmpeg, jobsDir } = components;
  let record = await uploads.get(id);
  if (record.status === 'done' || record.status === 'error') return record;
  if (record.attempts >= MAX_UPLOAD_ATTEMPTS) return giveUp(components, record);
  record = {
    ...record,
    status: 'busy',
    attempts: record.attempts + 1,
    updatedAt: new Date().toISOString(),
  };
  await uploads.put(record);
  const dir = jobDirOf(jobsDir, id);
  await mkdir(dir, { recursive: true });
  const original = join(dir, 'original');
  try {
    if (!(await exists(original))) {
      await pipeline(await store.get(record.origFileCid, { signal }), createWriteStream(original), {
        signal,
      });
    }
    // The original goes to its replicas while the job transcodes (its CID is known from the
    // start); the job waits for it before `done`, so a done upload's original is on its replicas.
    const originalReplicated = components.replicate([record.origFileCid]);
    // Awaited below; a failure here must not surface as an unhandled rejection meanwhile.
    originalReplicated.catch(() => {});
    let results: Record<string, string> = { original: record.origFileCid };
    let durationSeconds: number | undefined;
    if (record.template === 'audio') {
      const out = await transcodeAudio({
        binaries: ffmpeg,
        input: original,
        outDir: dir,
        previewStartSeconds: record.previewStartSeconds,
        signal,
      });
      durationSeconds = Math.round(out.durationSeconds * 1000) / 1000;
      results = {
        ...results,
        [TRANSCODE_RESULTS.stream]: await save(store, out.stream, signal),
        [TRANSCODE_RESULTS.preview]: await save(store, out.preview, signal),
        [TRANSCODE_RESULTS.peaks]: await save(store, out.peaks, signal),
      };
    } else {
      // Every variant of the template, so the record lists them and replicas receive them; a
      // variant missing on some node is still rendered on demand by /content/:cid/:variant.
      const image = await readFile(original);
      for (const variant of IMAGE_VARIANTS[record.template]) {
        const rendered = await renderImageVariant(image, variant);
        results[variant] = (
          await store.put(
            (async function* () {
              yield rendered;
            })(),
            { signal },
          )
        ).cid;
      }
    }
    await originalReplicated;
    // Nothing is done before it is on its replicas: the results follow the original out.
    await indexVariants(components.variants, results);
    await components.replicate(
      [...new Set(Object.values(results))].filter((cid) => cid !== results.original),
    );
    record = {
      ...record,
      status: 'done',
      results,
      durationSeconds,
      updatedAt: new Date().toISOString(),
    };
    const receipt = await components.receiptFor(record);
    if (receipt) record = { ...record, receipt };
    // Peers learn the outcome before this node records it, so that once the uploader answers
    // `done` (or `error`) every reachable node answers the same.
    await components.shareRecord(record);
    await uploads.put(record);
    await rm(dir, { recursive: true, force: true });
    return record;
  } catch (error) {
    // A stop is not a failure, nor an attempt: the record stays busy, with the attempts it had,
    // and the job runs again after a restart. Only a crash (no handler runs) counts.
    if (signal.aborted) {
      await uploads.put({ ...record, attempts: record.attempts - 1 });
      throw error;
    }
    const message =
      error instanceof BaseError ? error.shortMessage : "We couldn't process this file";
    record = {
      ...record,
      status: 'error',
      error: message,
      errorCode: error instanceof BaseError && error.code ? error.code : 'transcode_failed',
      updatedAt: new Date().toISOString(),
    };
    await components.shareRecord(record);
    await uploads.put(record);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Ends an upload whose job was started MAX_UPLOAD_ATTEMPTS times without finishing: each time its
 * node crashed or was killed midway. Marked `error` (peers too), its working files dropped, and
 * thrown so the queue logs it.
 */
async function giveUp(components: ProcessUploadComponents, record: UploadRecord): Promise<never> {
  const error = new UnprocessableError(
    `The upload's job was started ${record.attempts} times and never finished; it is not tried again`,
    { code: 'too_many_attempts' },
  );
  const failed: UploadRecord = {
    ...record,
    status: 'error',
    error: error.shortMessage,
    errorCode: 'too_many_attempts',
    updatedAt: new Date().toISOString(),
  };
  await components.shareRecord(failed);
  await components.uploads.put(failed);
  await rm(jobDirOf(components.jobsDir, record.id), { recursive: true, force: true });
  throw error;
}
