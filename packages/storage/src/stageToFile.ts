import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError, ValidationError, parseCid } from '@coliving/protocol';
import { createCidHasher } from '@coliving/protocol/node';
import type { BlobInfo, PutBlobOptions } from './blobStore.js';

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
