import { RangeNotSatisfiableError, ValidationError } from '@coliving/protocol';

/** An inclusive byte range, as in HTTP: `end` defaults to the last byte. */
export type ByteRange = { start: number; end?: number };

export type PutBlobOptions = {
  /** Refuse (ValidationError `cid_mismatch`) unless the bytes hash to this CID. */
  expectedCid?: string;
  /** Refuse (PayloadTooLargeError) a stream longer than this, as soon as it is. */
  maxBytes?: number;
  signal?: AbortSignal;
};

export type BlobInfo = { cid: string; size: number };

/**
 * Content-addressed blob storage. Blobs are named by their CIDv1 raw sha2-256, computed while
 * they stream in; a blob is either wholly present or absent, never partly written.
 */
export interface BlobStore {
  /** The store's URL with any credentials removed, for logs. */
  readonly location: string;
  /** Stores a stream under its CID and returns it. Storing bytes already present is a no-op. */
  put(source: AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<BlobInfo>;
  /** Streams a blob, or the inclusive `range` of it. NotFoundError if absent, RangeNotSatisfiableError if the range is outside it. */
  get(
    cid: string,
    options?: { range?: ByteRange; signal?: AbortSignal },
  ): Promise<AsyncIterable<Uint8Array>>;
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
