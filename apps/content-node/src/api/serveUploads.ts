import { mkdir, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import {
  BaseError,
  InvalidSignatureError,
  PayloadTooLargeError,
  UPLOAD_TEMPLATES,
  type UploadRecord,
  type UploadTemplate,
  ValidationError,
} from '@coliving/protocol';
import type { BlobStore, StagedBlob } from '@coliving/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FfmpegBinaries } from '../core/ffmpegBinaries.js';
import { probeImage } from '../core/images.js';
import { jobDirOf, linkOriginal } from '../core/jobDir.js';
import type { JobQueue } from '../core/jobQueue.js';
import { probeAudio } from '../core/transcode.js';
import { type UploadStore, newUploadId, parseUploadId } from '../db/uploadStore.js';
import type { ContentNodeMetrics } from '../metrics.js';

export type ServeUploadsComponents = {
  store: BlobStore;
  uploads: UploadStore;
  ffmpeg: FfmpegBinaries;
  jobs: JobQueue;
  /** Sends a record to the other content nodes; it must not throw. */
  shareRecord: (record: UploadRecord) => Promise<void>;
  /** The wallet that signed the request (its route's signedBy guard). */
  signerOf: (request: object) => string;
  /** The CIDs of the files the request was signed for, in order (its signedBy guard). */
  signedFilesOf: (request: object) => string[];
  /**
   * Counts a streamed upload's bytes against its quota as they arrive, throwing past it
   * (its limitUploadBytes guard); undefined when the declared length was counted already.
   */
  uploadMeterOf: (request: object) => ((bytes: number) => void) | undefined;
  metrics: Pick<ContentNodeMetrics, 'uploads'>;
};

export type ServeUploadsInit = {
  /** This node's endpoint, as registered: it hosts the jobs of the uploads it takes. */
  self: string;
  /** Where jobs keep their working files. */
  jobsDir: string;
  maxUploadBytes: number;
};

/** Taking uploads (`POST /uploads`, multipart) and answering their records (`GET /uploads/:id`). */
export function serveUploads(components: ServeUploadsComponents, init: ServeUploadsInit) {
  const { store, uploads, ffmpeg, jobs, metrics } = components;
  const { self, jobsDir, maxUploadBytes } = init;

  /**
   * Stages one uploaded file (hashed as it arrives), checks it is what its template says, gives
   * its job a link to it, stores it and records it.
   */
  async function acceptFile(
    part: MultipartFile,
    template: UploadTemplate,
    previewStartSeconds: number | undefined,
    wallet: string,
    signedCid: string | undefined,
    meter: ((bytes: number) => void) | undefined,
  ): Promise<UploadRecord> {
    let bodyError: unknown;
    part.file.once('error', (error) => (bodyError = error));
    let staged: StagedBlob;
    try {
      staged = await store.stage(meter ? metered(part.file, meter) : part.file);
    } catch (error) {
      // The upload stream itself failed (the body broke off mid-file): the client's fault,
      // unless it is the size limit's 413. Anything else (a full disk) stays a server error.
      if (
        bodyError !== undefined &&
        error === bodyError &&
        !(error as { statusCode?: number }).statusCode
      ) {
        throw new ValidationError('The multipart body is malformed or ended early', {
          code: 'malformed_multipart',
          cause: error,
        });
      }
      throw error;
    }
    const id = newUploadId();
    const jobDir = jobDirOf(jobsDir, id);
    let accepted = false;
    try {
      if (part.file.truncated) {
        throw new PayloadTooLargeError(`Uploads are limited to ${maxUploadBytes} bytes`);
      }
      // A captured upload signature must not carry another file (docs/protocol.md).
      if (staged.cid !== signedCid) {
        throw new InvalidSignatureError('The uploaded file is not the one signed', {
          code: 'wrong_content',
        });
      }
      if (template === 'audio') await probeAudio(ffmpeg, staged.path);
      else await probeImage(staged.path);
      await mkdir(jobDir, { recursive: true });
      await linkOriginal(staged.path, jobDir);
      await staged.commit();
      const now = new Date().toISOString();
      const record: UploadRecord = {
        id,
        template,
        wallet,
        host: self,
        status: 'new',
        origFileName: (part.filename || 'upload').slice(0, 255),
        origFileCid: staged.cid,
        size: staged.size,
        ...(template === 'audio' && previewStartSeconds !== undefined
          ? { previewStartSeconds }
          : {}),
        results: {},
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      await uploads.put(record);
      accepted = true;
      return record;
    } finally {
      await staged.discard();
      if (!accepted) await rm(jobDir, { recursive: true, force: true });
    }
  }

  /** Takes one or more files of one template; all or nothing. */
  async function serveUploadCreate(request: FastifyRequest, reply: FastifyReply) {
    const wallet = components.signerOf(request);
    const signedCids = components.signedFilesOf(request);
    const meter = components.uploadMeterOf(request);
    if (!request.isMultipart()) {
      throw new ValidationError('Send the upload as multipart/form-data', {
        code: 'not_multipart',
      });
    }
    let template: UploadTemplate | undefined;
    let previewStartSeconds: number | undefined;
    const created: UploadRecord[] = [];
    let failure: Error | undefined;
    try {
      for await (const part of request.parts()) {
        // After a failure the rest of the body is read and dropped, so the client gets the
        // error instead of a reset connection.
        if (failure !== undefined) {
          if (part.type === 'file') part.file.resume();
          continue;
        }
        try {
          if (part.type === 'field') {
            const value = String(part.value);
            if (part.fieldname === 'template') {
              if (!(UPLOAD_TEMPLATES as readonly string[]).includes(value)) {
                throw new ValidationError(
                  `template must be one of ${UPLOAD_TEMPLATES.join(', ')}`,
                  { code: 'invalid_template' },
                );
              }
              template = value as UploadTemplate;
            } else if (part.fieldname === 'previewStartSeconds') {
              const n = Number(value);
              if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
                throw new ValidationError(
                  'previewStartSeconds must be a number of seconds, 0 or more',
                  { code: 'invalid_preview_start' },
                );
              }
              previewStartSeconds = n;
            } else {
              throw new ValidationError(`Unknown field "${part.fieldname.slice(0, 40)}"`, {
                code: 'unknown_field',
              });
            }
            continue;
          }
          if (part.fieldname !== 'files')
            throw new ValidationError('Files go in the "files" field', {
              code: 'unknown_field',
            });
          if (!template)
            throw new ValidationError('Send the template field before the files', {
              code: 'template_first',
            });
          const signedCid = signedCids[created.length];
          created.push(
            await acceptFile(part, template, previewStartSeconds, wallet, signedCid, meter),
          );
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          if (part.type === 'file') part.file.resume();
        }
      }
    } catch (error) {
      // The body itself broke off or is not multipart (busboy's errors): a client error,
      // unless it already is one of ours or fastify's (a 413 past the size limit).
      failure ??=
        error instanceof BaseError || (error as { statusCode?: number }).statusCode
          ? (error as Error)
          : new ValidationError('The multipart body is malformed or ended early', {
              code: 'malformed_multipart',
              cause: error,
            });
    }
    if (failure !== undefined) {
      // All or nothing: the files of a failed upload leave no records behind.
      for (const record of created) {
        await uploads.remove(record.id);
        await rm(jobDirOf(jobsDir, record.id), { recursive: true, force: true });
      }
      throw failure;
    }
    if (created.length === 0)
      throw new ValidationError('No files in the upload', { code: 'no_files' });
    for (const record of created) {
      metrics.uploads.inc({ template: record.template, outcome: 'accepted' });
      jobs.enqueue(record.id);
      void components.shareRecord(record);
    }
    return reply.status(201).send({ data: created });
  }

  /** An upload's record, from any node (records are shared). */
  async function serveUpload(request: FastifyRequest<{ Params: { id: string } }>) {
    return { data: await uploads.get(parseUploadId(request.params.id)) };
  }

  return { serveUploadCreate, serveUpload };
}

/**
 * `file` through a counter: each chunk is counted by `meter` before it goes on, and a chunk past
 * the quota fails the stream (so nothing past it is stored). The file's own errors go through.
 */
function metered(file: MultipartFile['file'], meter: (bytes: number) => void): Transform {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        meter(chunk.length);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  file.once('error', (error) => counted.destroy(error));
  // On a refusal the file is unpiped and read to its end by the caller (part.file.resume()).
  return file.pipe(counted);
}
