import { createHash } from 'node:crypto';
import { cidFromSha256Digest, parseCid } from '../cid.js';
import { PayloadTooLargeError, ValidationError } from '../errors.js';

/** An incremental CID computation: feed chunks as they stream past, then read the CID. */
export type CidHasher = {
  update(chunk: Uint8Array): void;
  /** Bytes fed so far. */
  readonly size: number;
  /** Finishes the hash; the hasher cannot be fed after this. */
  digest(): string;
};

/** Starts an incremental CIDv1 raw sha2-256 computation backed by node:crypto. */
export function createCidHasher(): CidHasher {
  const hash = createHash('sha256');
  let size = 0;
  let done = false;
  return {
    update(chunk) {
      if (done) throw new Error('CidHasher.update called after digest');
      // Strings would be hashed as UTF-8 but counted in characters; only bytes are content.
      if (!(chunk instanceof Uint8Array)) {
        throw new ValidationError('Stream chunks must be bytes', { code: 'invalid_stream' });
      }
      hash.update(chunk);
      size += chunk.length;
    },
    get size() {
      return size;
    },
    digest() {
      done = true;
      return cidFromSha256Digest(hash.digest());
    },
  };
}

export type CidFromStreamParameters = {
  /** Refuse a stream longer than this many bytes (PayloadTooLargeError) without reading on. */
  maxBytes?: number;
  signal?: AbortSignal;
};

export type CidFromStreamReturnType = { cid: string; size: number };

/** A promise that rejects when `signal` aborts; dispose() removes the listener. */
function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Hashes a byte stream (a Node Readable, a web ReadableStream or any async iterable). */
export async function cidFromStream(
  source: AsyncIterable<Uint8Array>,
  { maxBytes, signal }: CidFromStreamParameters = {},
): Promise<CidFromStreamReturnType> {
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
  signal?.throwIfAborted();
  const hasher = createCidHasher();
  const iterator = source[Symbol.asyncIterator]();
  const aborted = signal ? abortPromise(signal) : undefined;
  try {
    for (;;) {
      // Race each read against the signal, so a stalled source cannot outlive an abort.
      const next = aborted
        ? await Promise.race([iterator.next(), aborted.promise])
        : await iterator.next();
      if (next.done) break;
      hasher.update(next.value);
      if (maxBytes !== undefined && hasher.size > maxBytes) {
        throw new PayloadTooLargeError(`Stream is larger than ${maxBytes} bytes`);
      }
    }
  } catch (error) {
    // Let the source release what it holds (file handles, sockets). Not awaited: a source stuck
    // inside a read only returns once that read ends, and the caller must not wait for it.
    void iterator.return?.()?.catch(() => undefined);
    throw error;
  } finally {
    aborted?.dispose();
  }
  return { cid: hasher.digest(), size: hasher.size };
}

/** Hashes a stream and throws a ValidationError (`cid_mismatch`) unless it is named `expected`. */
export async function verifyCidOfStream(
  source: AsyncIterable<Uint8Array>,
  expected: string,
  parameters: CidFromStreamParameters = {},
): Promise<CidFromStreamReturnType> {
  parseCid(expected);
  const result = await cidFromStream(source, parameters);
  if (result.cid !== expected) {
    throw new ValidationError(`Content does not match CID ${expected}`, {
      code: 'cid_mismatch',
      details: `computed ${result.cid}`,
    });
  }
  return result;
}
