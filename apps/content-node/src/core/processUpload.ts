import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BaseError } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { UploadRecord, UploadStore } from '../db/uploadStore.js';
import type { FfmpegBinaries } from './ffmpegBinaries.js';
import { IMAGE_VARIANTS, renderImageVariant } from './images.js';
import { transcodeAudio } from './transcode.js';

export type ProcessUploadComponents = {
  store: BlobStore;
  uploads: UploadStore;
  ffmpeg: FfmpegBinaries;
  /** Where jobs keep their working files: `<jobsDir>/<upload id>/`. */
  jobsDir: string;
  /** Runs before the record says `done` (replication: nothing is done before it is on its replicas). */
  beforeDone?: (results: Record<string, string>, signal: AbortSignal) => Promise<void>;
  /**
   * Replicates the original while the job transcodes (its CID is known from the start); the job
   * waits for it before `done`, so a done upload's original is on its replicas too.
   */
  replicateOriginal?: (cid: string, signal: AbortSignal) => Promise<void>;
  /**
   * Told the final record (`done` or `error`) before this node writes it, so that once the
   * uploader answers with the outcome its peers can too. It must not throw.
   */
  publish?: (record: UploadRecord) => Promise<void>;
};

/** The working directory of an upload's job; it holds the original until the job ends. */
export function jobDirOf(jobsDir: string, id: string): string {
  return join(jobsDir, id);
}

/**
 * Gives a job directory its `original`: a hard link to `file` (blobs never change, so the two
 * names can share the bytes), or a copy where a link cannot be made (another disk). The copy is
 * renamed into place whole, so a crash never leaves a partial original for the job to transcode.
 */
export async function linkOriginal(file: string, dir: string): Promise<void> {
  const original = join(dir, 'original');
  try {
    await link(file, original);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await copyFile(file, `${original}.part`);
    await rename(`${original}.part`, original);
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function save(store: BlobStore, path: string, signal: AbortSignal): Promise<string> {
  return (await store.put(createReadStream(path), { signal })).cid;
}

/**
 * Runs an upload's job: `new`/`busy` -> `done` with result CIDs, or `error` with a message.
 * A job interrupted by a restart runs again from the start (its record is still `busy`); the
 * original is taken from the job directory, or from storage if that is gone.
 */
export async function processUpload(
  components: ProcessUploadComponents,
  id: string,
  signal: AbortSignal,
): Promise<UploadRecord> {
  const { store, uploads, ffmpeg, jobsDir } = components;
  let record = await uploads.get(id);
  if (record.status === 'done' || record.status === 'error') return record;
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
    const originalReplicated = components.replicateOriginal?.(record.origFileCid, signal);
    // Awaited below; a failure here must not surface as an unhandled rejection meanwhile.
    originalReplicated?.catch(() => {});
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
        '320': await save(store, out.stream, signal),
        '320_preview': await save(store, out.preview, signal),
        peaks: await save(store, out.peaks, signal),
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
    await components.beforeDone?.(results, signal);
    record = {
      ...record,
      status: 'done',
      results,
      durationSeconds,
      updatedAt: new Date().toISOString(),
    };
    await components.publish?.(record);
    await uploads.put(record);
    await rm(dir, { recursive: true, force: true });
    return record;
  } catch (error) {
    // A stop is not a failure: the record stays busy and the job runs again after a restart.
    if (signal.aborted) throw error;
    const message =
      error instanceof BaseError ? error.shortMessage : 'The upload could not be processed';
    record = { ...record, status: 'error', error: message, updatedAt: new Date().toISOString() };
    await components.publish?.(record);
    await uploads.put(record);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
