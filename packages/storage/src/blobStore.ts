import { NotFoundError, RangeNotSatisfiableError, ValidationError } from '@coliving/protocol';

/**
 * An inclusive byte range, as in HTTP: `end` defaults to the last byte. `{ suffix: n }` is the
 * last n bytes (`Range: bytes=-n`), which needs no knowledge of the size to ask for.
 */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export type ReadBlobOptions = {
  range?: ByteRange;
  signal?: AbortSignal;
  /**
   * Where a store that copies bytes puts them: called for each chunk's buffer, so a caller can
   * lend buffers from a pool and take them back once it has sent the body. Stores that hold the
   * bytes already (memory) or receive them from elsewhere (S3) may not call it.
   */
  allocate?: (length: number) => Uint8Array;
};

/** A range opened for reading: the blob's size, the range resolved against it, and its bytes. */
export type BlobRead = {
  size: number;
  start: number;
  end: number;
  body: AsyncIterable<Uint8Array>;
  /**
   * The range's bytes when the store holds them in memory already (the read cache): the same
   * bytes as `body`, which then needs no iterating or closing.
   */
  bytes?: Uint8Array;
};

/** A range of a blob held in memory: its size, the resolved range and a view of its bytes. */
export type CachedRead = { size: number; start: number; end: number; bytes: Uint8Array };

export type PutBlobOptions = {
  /** Refuse (ValidationError `cid_mismatch`) unless the bytes hash to this CID. */
  expectedCid?: string;
  /** Refuse (PayloadTooLargeError) a stream longer than this, as soon as it is. */
  maxBytes?: number;
  signal?: AbortSignal;
};

export type BlobInfo = { cid: string; size: number };

/**
 * A stream written to a local file and hashed, but not yet in the store: the caller can look at
 * the file (probe it, link it elsewhere) and then commit or discard it. Exactly one of the two
 * runs; the staged file is gone after either.
 */
export type StagedBlob = BlobInfo & {
  /** The staged file. Read it or hard-link it; never change it. */
  readonly path: string;
  /** Puts the blob in the store (on a local disk, a rename: no second copy is written). */
  commit(): Promise<void>;
  /** Drops the staged file; a no-op after commit or a first discard. */
  discard(): Promise<void>;
};

/**
 * Content-addressed blob storage. Blobs are named by their CIDv1 raw sha2-256, computed while
 * they stream in; a blob is either wholly present or absent, never partly written.
 */
export interface BlobStore {
  /** The store's URL with any credentials removed, for logs. */
  readonly location: string;
  /** Stores a stream under its CID and returns it. Storing bytes already present is a no-op. */
  put(source: AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<BlobInfo>;
  /**
   * Hashes a stream into a local file, with `put`'s checks, without storing it yet (see
   * StagedBlob). Nothing is visible under the CID until `commit`.
   */
  stage(source: AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<StagedBlob>;
  /** Streams a blob, or the inclusive `range` of it. NotFoundError if absent, RangeNotSatisfiableError if the range is outside it. */
  get(
    cid: string,
    options?: { range?: ByteRange; signal?: AbortSignal },
  ): Promise<AsyncIterable<Uint8Array>>;
  /**
   * Opens a blob, or its inclusive `range`, in one step: the size, the resolved range and the
   * bytes, for serving an HTTP range without a separate `head`. Errors as `get`. The body must be
   * iterated to its end or closed (`return()`), or the store may hold the blob open for a while.
   */
  read(cid: string, options?: ReadBlobOptions): Promise<BlobRead>;
  /**
   * The blob's range at once when the store holds it in memory (the read cache), else
   * undefined; errors as `read` for a range outside a cached blob. Stores without memory omit it.
   */
  readCached?(cid: string, range?: ByteRange): CachedRead | undefined;
  /** The blob's size, or undefined when absent. */
  head(cid: string, options?: { signal?: AbortSignal }): Promise<BlobInfo | undefined>;
  /** Removes a blob; true when it was there. */
  delete(cid: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Every stored CID, in no particular order. */
  list(options?: { signal?: AbortSignal }): AsyncIterable<string>;
  /** Releases what the store holds open. */
  close(): Promise<void>;
}

/**
 * Checks a requested range against a blob's size and returns it with `end` filled in.
 * RangeNotSatisfiableError when it starts past the end; an `end` past the end is clipped (RFC 9110).
 */
export function resolveRange(
  range: ByteRange | undefined,
  size: number,
): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  if ('suffix' in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix <= 0) {
      throw new ValidationError('A suffix range is a whole number of bytes above zero', {
        code: 'invalid_range',
      });
    }
    return resolveRange({ start: Math.max(0, size - range.suffix) }, size);
  }
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start))
  ) {
    throw new ValidationError('Byte range must be whole numbers with start <= end', {
      code: 'invalid_range',
    });
  }
  if (start >= size) {
    throw new RangeNotSatisfiableError(
      `Range starts at byte ${start}, past the end of a ${size}-byte blob`,
      { size },
    );
  }
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}

/** `read` for stores with no cheaper way: a `head`, then a `get` of the resolved range. */
export async function readByHeadThenGet(
  store: Pick<BlobStore, 'head' | 'get'>,
  cid: string,
  options: { range?: ByteRange; signal?: AbortSignal } = {},
): Promise<BlobRead> {
  const info = await store.head(cid, { signal: options.signal });
  if (!info) throw new NotFoundError(`Blob ${cid} not found`);
  const { start, end } = resolveRange(options.range, info.size);
  const body = await store.get(cid, { range: { start, end }, signal: options.signal });
  return { size: info.size, start, end, body };
}
