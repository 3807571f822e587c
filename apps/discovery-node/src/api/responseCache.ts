import { BEST_LEVEL, FAST_LEVEL, type GzipHead, gzipHead } from './gzipAnswer.js';

/**
 * The part of an API answer the cache keeps: `{"data":` and the data's JSON (UTF-8), and, once a
 * client that takes gzip has asked, the same deflated. The envelope's tail is each answer's own.
 */
export type CachedAnswer = { head: Buffer; gzip?: GzipHead };

/**
 * Caches the `data` of API responses by URL. An entry is served only while the node's state is
 * the one it was computed from (the same indexed block, the same trending run, the same minute
 * for what depends on the clock), so a cached answer never claims a block newer than the state
 * it shows, nor serves a state older than the block it claims. Least recently used entries go
 * first once `maxEntries` or `maxBytes` is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { generation: string; answer: CachedAnswer }>();
  private bytes = 0;

  constructor(
    readonly maxEntries = 10_000,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The cached answer for `key` when it was computed in `generation`. */
  get(key: string, generation: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.generation !== generation) {
      this.bytes -= sizeOf(entry.answer);
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
      this.bytes -= sizeOf(old.answer);
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
      this.bytes -= sizeOf(entry.answer);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function sizeOf(answer: CachedAnswer): number {
  return answer.head.length + (answer.gzip?.bytes.length ?? 0);
}
