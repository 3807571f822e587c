import { BufferPool } from '@coliving/server-kit';
import { DATA_OPEN } from './envelope.js';
import { BEST_LEVEL, FAST_LEVEL, type GzipHead, gzipHead } from './gzipAnswer.js';

/**
 * The part of an API answer the cache keeps: `{"data":` and the data's JSON (UTF-8), and, once a
 * client that takes gzip has asked, the same deflated. The envelope's tail is each answer's own.
 */
export type CachedAnswer = {
  head: Buffer;
  /** The envelope's signature part for this head (`,"signer":…,"signature":…`), made once. */
  signed?: Buffer;
  gzip?: GzipHead;
  /** The pooled buffer `head` was written into (by `answerOf`), given back when the entry goes. */
  slab?: Buffer;
};

/**
 * Caches the `data` of API responses by URL. An entry is served only while the node's state is
 * the one it was computed from (the same indexed block, the same trending run, the same minute
 * for what depends on the clock), so a cached answer never claims a block newer than the state
 * it shows, nor serves a state older than the block it claims. Least recently used entries go
 * first once `maxEntries` or `maxBytes` is reached.
 *
 * Heads are written into reused buffers (`answerOf`): a fresh 170 KB buffer per uncached search
 * page made V8 collect its whole heap twice a second for "external memory pressure". So a head
 * handed out by `get` must be used at once (copied into the answer, deflated), never held across
 * an await: once its entry goes, its buffer is written over by another answer.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { generation: string; answer: CachedAnswer }>();
  private readonly slabs: BufferPool;
  private bytes = 0;

  constructor(
    readonly maxEntries = 10_000,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.slabs = new BufferPool(1024, maxBytes / 16, maxBytes / 4);
  }

  /** An answer whose head is `parts` (or the UTF-8 of `text`) after `{"data":`, in a reused buffer. */
  answerOf(data: readonly Buffer[] | string): CachedAnswer {
    let length = DATA_OPEN.length;
    if (typeof data === 'string') length += Buffer.byteLength(data);
    else for (const part of data) length += part.length;
    const slab = this.slabs.take(length);
    let at = DATA_OPEN.copy(slab, 0);
    if (typeof data === 'string') at += slab.write(data, at);
    else for (const part of data) at += part.copy(slab, at);
    return { head: slab.subarray(0, at), slab };
  }

  /** The cached answer for `key` when it was computed in `generation`. */
  get(key: string, generation: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.generation !== generation) {
      this.release(entry.answer);
      return undefined;
    }
    this.entries.set(key, entry); // most recently used last
    return entry.answer;
  }

  set(key: string, generation: string, answer: CachedAnswer): void {
    if (answer.head.length > this.maxBytes / 16) return; // one huge page must not flush the rest
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      if (old.answer !== answer) this.release(old.answer);
      else this.bytes -= sizeOf(answer);
    }
    this.entries.set(key, { generation, answer });
    this.bytes += sizeOf(answer);
    this.evict();
  }

  /**
   * The answer's gzip form, kept with the entry: deflated fast on first use, and again at the
   * best level the second time (an answer asked for twice is likely to be asked for again).
   */
  gzipOf(key: string, answer: CachedAnswer): GzipHead {
    const kept = answer.gzip;
    if (kept?.level === BEST_LEVEL) return kept;
    const gzip = gzipHead(answer.head, kept ? BEST_LEVEL : FAST_LEVEL);
    answer.gzip = gzip;
    if (this.entries.get(key)?.answer === answer) {
      this.bytes += gzip.bytes.length - (kept?.bytes.length ?? 0);
      this.evict();
    }
    return gzip;
  }

  private evict(): void {
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.release(entry.answer);
    }
  }

  /** Forgets an entry's answer, its buffer going back for reuse. */
  private release(answer: CachedAnswer): void {
    this.bytes -= sizeOf(answer);
    if (answer.slab) this.slabs.give(answer.slab);
  }

  get size(): number {
    return this.entries.size;
  }
}

function sizeOf(answer: CachedAnswer): number {
  return (answer.slab ?? answer.head).length + (answer.gzip?.bytes.length ?? 0);
}
