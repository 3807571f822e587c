// Why a content node keeps the blobs it streams most in memory: a player reads a track as a run
// of 256 KiB ranges, so a track that is playing is read dozens of times, and every read from the
// disk is a thread-pool hop and a copy into a fresh buffer on the node's one JavaScript thread. A
// CPU profile of `npm run bench:stream` put that read at about 15 % of the thread (and S3-backed
// nodes fetch each range over the network). Blobs are named by their hash and never change, so a
// cached copy cannot go stale; only a delete has to reach it.
import { Readable } from 'node:stream';
import { parseCid } from '@coliving/protocol';
import {
  type BlobInfo,
  type BlobRead,
  type BlobStore,
  type ByteRange,
  type CachedRead,
  type ReadBlobOptions,
  resolveRange,
} from './blobStore.js';

export type ReadCacheOptions = {
  /** Bytes of blobs held in memory at most; the least recently read go first. */
  maxBytes: number;
  /** A blob bigger than this is never cached (a long video, an original WAV). */
  maxBlobBytes: number;
};

export type ReadCacheStats = { blobs: number; bytes: number; hits: number; misses: number };

export type CachedBlobStore = BlobStore & {
  readonly cacheStats: () => ReadCacheStats;
  readCached: NonNullable<BlobStore['readCached']>;
};

/** A body of one chunk already in memory (a class: one small object per read, no closure). */
class OneChunk implements AsyncIterable<Uint8Array> {
  constructor(private readonly bytes: Uint8Array) {}
  async *[Symbol.asyncIterator]() {
    yield this.bytes;
  }
}

/**
 * `store` with an in-memory cache of the blobs read by `read` more than once: the second read of
 * a blob (a player's next range) loads it whole in the background, later reads answer from
 * memory. A blob read once (a repair pass pushing every blob to a peer, a one-off download) is
 * never loaded, so a scan does not push out what listeners play. `delete` drops the cached copy
 * before it deletes the blob. `maxBytes` 0 turns the cache off.
 */
export function withReadCache(store: BlobStore, options: ReadCacheOptions): CachedBlobStore {
  const { maxBytes, maxBlobBytes } = options;
  /** Cached blobs, least recently read first. */
  const cached = new Map<string, Buffer>();
  let cachedBytes = 0;
  /** Blobs read once and not cached, least recently first: bounded so it cannot grow forever. */
  const readOnce = new Set<string>();
  const maxReadOnce = 10_000;
  /** Blobs being loaded, and each load's generation: a delete during a load voids it. */
  const loading = new Map<string, number>();
  let generation = 0;
  let hits = 0;
  let misses = 0;

  function touch(cid: string, bytes: Buffer): void {
    cached.delete(cid);
    cached.set(cid, bytes);
  }

  function evict(cid: string): void {
    const bytes = cached.get(cid);
    if (bytes) {
      cached.delete(cid);
      cachedBytes -= bytes.length;
    }
    readOnce.delete(cid);
    loading.delete(cid);
  }

  function insert(cid: string, bytes: Buffer): void {
    if (cached.has(cid)) return;
    cached.set(cid, bytes);
    cachedBytes += bytes.length;
    for (const [oldest, old] of cached) {
      if (cachedBytes <= maxBytes) break;
      cached.delete(oldest);
      cachedBytes -= old.length;
    }
  }

  /** Loads a blob whole in the background; a failure only means it stays uncached. */
  function load(cid: string): void {
    if (loading.has(cid)) return;
    const mine = ++generation;
    loading.set(cid, mine);
    void (async () => {
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of await store.get(cid)) {
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        length += chunk.byteLength;
        if (length > maxBlobBytes) return;
      }
      if (loading.get(cid) === mine) insert(cid, Buffer.concat(chunks, length));
    })()
      .catch(() => {})
      .finally(() => {
        if (loading.get(cid) === mine) loading.delete(cid);
      });
  }

  /** After a read from the store: the second read of a blob that fits loads it. */
  function noteRead(cid: string, size: number): void {
    if (maxBytes <= 0 || size > maxBlobBytes || size > maxBytes) return;
    if (readOnce.delete(cid)) {
      load(cid);
      return;
    }
    readOnce.add(cid);
    if (readOnce.size > maxReadOnce) readOnce.delete(readOnce.values().next().value!);
  }

  function fromMemory(bytes: Buffer, range: ByteRange | undefined) {
    const { start, end } = resolveRange(range, bytes.length);
    return { start, end, body: bytes.subarray(start, end + 1) };
  }

  /** A cached blob's range, counted as a hit; undefined (nothing counted) when not cached. */
  function readCached(cid: string, range: ByteRange | undefined): CachedRead | undefined {
    const bytes = cached.get(parseCid(cid));
    if (!bytes) return undefined;
    const { start, end, body } = fromMemory(bytes, range);
    hits++;
    touch(cid, bytes);
    return { size: bytes.length, start, end, bytes: body };
  }

  return {
    get location() {
      return store.location;
    },
    put: (source, putOptions) => store.put(source, putOptions),
    stage: (source, stageOptions) => store.stage(source, stageOptions),
    async get(cid, getOptions = {}) {
      const bytes = cached.get(parseCid(cid));
      if (!bytes) return store.get(cid, getOptions);
      getOptions.signal?.throwIfAborted();
      return Readable.from(new OneChunk(fromMemory(bytes, getOptions.range).body), {
        objectMode: false,
      });
    },
    async read(cid: string, readOptions: ReadBlobOptions = {}): Promise<BlobRead> {
      readOptions.signal?.throwIfAborted();
      const hit = readCached(cid, readOptions.range);
      if (hit) return { ...hit, body: new OneChunk(hit.bytes) };
      misses++;
      const read = await store.read(cid, readOptions);
      noteRead(cid, read.size);
      return read;
    },
    readCached,
    async head(cid, headOptions): Promise<BlobInfo | undefined> {
      const bytes = cached.get(parseCid(cid));
      return bytes ? { cid, size: bytes.length } : store.head(cid, headOptions);
    },
    async delete(cid, deleteOptions) {
      evict(parseCid(cid));
      return store.delete(cid, deleteOptions);
    },
    list: (listOptions) => store.list(listOptions),
    async close() {
      cached.clear();
      cachedBytes = 0;
      readOnce.clear();
      loading.clear();
      await store.close();
    },
    cacheStats: () => ({ blobs: cached.size, bytes: cachedBytes, hits, misses }),
  };
}
