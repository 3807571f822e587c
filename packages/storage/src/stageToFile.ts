import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError, ValidationError, parseCid } from '@coliving/protocol';
import { createCidHasher } from '@coliving/protocol/node';
import type { BlobInfo, PutBlobOptions, StagedBlob } from './blobStore.js';

/**
 * Streams `source` into a new file at `path`, hashing as it goes, and returns the CID and size.
 * Refuses a stream over `maxBytes` as soon as it is, and bytes that do not match `expectedCid`
 * (after writing them). On any failure the caller removes `path`.
 */
export async function stageToFile(
  source: AsyncIterable<Uint8Array>,
  path: string,
  { expectedCid, maxBytes, signal }: PutBlobOptions,
): Promise<BlobInfo> {
  if (expectedCid !== undefined) parseCid(expectedCid);
  signal?.throwIfAborted();
  const hasher = createCidHasher();
  const hash = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        hasher.update(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (maxBytes !== undefined && hasher.size > maxBytes) {
        callback(new PayloadTooLargeError(`Blob is larger than ${maxBytes} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
  await pipeline(source, hash, createWriteStream(path, { flags: 'wx' }), { signal });
  const cid = hasher.digest();
  if (expectedCid !== undefined && cid !== expectedCid) {
    throw new ValidationError(`Content does not match CID ${expectedCid}`, {
      code: 'cid_mismatch',
      details: `computed ${cid}`,
    });
  }
  return { cid, size: hasher.size };
}

/**
 * Stages `source` in a new file under `dir` (see stageToFile) and returns it as a StagedBlob whose
 * commit runs `store(path, info)`. The file is removed on a failed stage, after commit (unless
 * `store` moved it away) and on discard.
 */
export async function stageBlob(
  dir: string,
  source: AsyncIterable<Uint8Array>,
  options: PutBlobOptions,
  store: (path: string, info: BlobInfo) => Promise<void>,
): Promise<StagedBlob> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, randomUUID());
  let info: BlobInfo;
  try {
    info = await stageToFile(source, path, options);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  let settled = false;
  return {
    ...info,
    path,
    async commit() {
      if (settled) throw new Error('This staged blob was already committed or discarded');
      settled = true;
      try {
        await store(path, info);
      } finally {
        await rm(path, { force: true });
      }
    },
    async discard() {
      if (settled) return;
      settled = true;
      await rm(path, { force: true });
    },
  };
}
