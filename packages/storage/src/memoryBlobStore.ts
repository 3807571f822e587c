import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, ValidationError, parseCid } from '@coliving/protocol';
import { cidFromStream } from '@coliving/protocol/node';
import { type BlobInfo, type BlobStore, type PutBlobOptions, resolveRange } from './blobStore.js';
import { stageBlob } from './stageToFile.js';

/** A BlobStore in this process's memory (`memory://`): for tests and throwaway nodes. */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  return {
    location: 'memory://',
    async put(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
      if (options.expectedCid !== undefined) parseCid(options.expectedCid);
      const chunks: Uint8Array[] = [];
      async function* collect() {
        for await (const chunk of source) {
          chunks.push(chunk);
          yield chunk;
        }
      }
      const { cid, size } = await cidFromStream(collect(), options);
      if (options.expectedCid !== undefined && cid !== options.expectedCid) {
        throw new ValidationError(`Content does not match CID ${options.expectedCid}`, {
          code: 'cid_mismatch',
        });
      }
      if (!blobs.has(cid)) blobs.set(cid, Buffer.concat(chunks));
      return { cid, size };
    },
    // Staged in the OS temp dir: the caller needs a file to look at.
    stage(source, options = {}) {
      return stageBlob(
        join(tmpdir(), 'coliving-memory-staging'),
        source,
        options,
        async (path, { cid }) => {
          if (!blobs.has(cid)) blobs.set(cid, await readFile(path));
        },
      );
    },
    async get(cid, options = {}) {
      const bytes = blobs.get(parseCid(cid));
      if (!bytes) throw new NotFoundError(`Blob ${cid} not found`);
      const { start, end } = resolveRange(options.range, bytes.length);
      return Readable.from([bytes.subarray(start, end + 1)], { objectMode: false });
    },
    async read(cid, options = {}) {
      const bytes = blobs.get(parseCid(cid));
      if (!bytes) throw new NotFoundError(`Blob ${cid} not found`);
      const { start, end } = resolveRange(options.range, bytes.length);
      const body = Readable.from([bytes.subarray(start, end + 1)], { objectMode: false });
      return { size: bytes.length, start, end, body };
    },
    async head(cid) {
      const bytes = blobs.get(parseCid(cid));
      return bytes ? { cid, size: bytes.length } : undefined;
    },
    async delete(cid) {
      return blobs.delete(parseCid(cid));
    },
    async *list() {
      yield* [...blobs.keys()];
    },
    async close() {
      blobs.clear();
    },
  };
}
