/**
 * Caches the `data` of API responses by URL. An entry is served only while the node's state is
 * the one it was computed from (the same indexed block, the same trending run, the same minute
 * for what depends on the clock), so a cached answer never claims a block newer than the state
 * it shows, nor serves a state older than the block it claims. Least recently used entries go
 * first once `maxEntries` or `maxBytes` is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { generation: string; json: Buffer }>();
  private bytes = 0;

  constructor(
    readonly maxEntries = 10_000,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The cached JSON (UTF-8) for `key` when it was computed in `generation`. */
  get(key: string, generation: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.generation !== generation) {
      this.bytes -= entry.json.length;
      return undefined;
    }
    this.entries.set(key, entry); // most recently used last
    return entry.json;
  }

  set(key: string, generation: string, json: Buffer): void {
    if (json.length > this.maxBytes / 16) return; // one huge page must not flush the rest
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.json.length;
    }
    this.entries.set(key, { generation, json });
    this.bytes += json.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.json.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
