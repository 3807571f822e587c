// A pool of answer buffers rather than fresh ones from Node's allocator, because the benches need
// it: copying gzipped trending into fresh memory took 77 µs under load on the bench machine, into
// a reused buffer under 1 µs, and gzipped trending went from 4,300–5,200 to 6,600–11,500 req/s
// (`npm run bench:api`, whose 0.5× target it meets at 0.53×); the content node's range reads
// (`npm run bench:stream`) lend from it too. The figures are in bench/RESULTS.md.
import type { FastifyReply } from 'fastify';

/**
 * Reusable buffers for answer bodies: a content node's range reads, a discovery node's cached
 * pages. Allocating a fresh 256 KiB buffer for each answer makes garbage at the rate the node
 * serves (gigabytes a second), and collecting it costs throughput and tail latency. Buffers come
 * in power-of-two sizes from `minBytes` to `maxBytes`; at most `maxPooledBytes` wait for reuse.
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;

  constructor(
    readonly minBytes = 64 * 1024,
    readonly maxBytes = 1024 * 1024,
    readonly maxPooledBytes = 64 * 1024 * 1024,
  ) {}

  /** The size class that holds `length` bytes, or undefined when it is bigger than maxBytes. */
  private classOf(length: number): number | undefined {
    if (length > this.maxBytes) return undefined;
    let size = this.minBytes;
    while (size < length) size *= 2;
    return size;
  }

  /**
   * A buffer of at least `length` bytes. Give it back with `give` once nothing reads it any more
   * (after the response has finished); never give back one still in use.
   */
  take(length: number): Buffer {
    const size = this.classOf(length);
    if (size === undefined) return Buffer.allocUnsafeSlow(length);
    const buffer = this.free.get(size)?.pop();
    if (!buffer) return Buffer.allocUnsafeSlow(size);
    this.pooledBytes -= size;
    return buffer;
  }

  /**
   * Returns a buffer from `take` for reuse (dropped when it is not pooled or bigger than the whole
   * pool). When the pool is full, idle buffers of other sizes make room: what was given last is
   * what is in use now, and a pool full of sizes nobody asks for any more would make every
   * answer take a fresh buffer.
   */
  give(buffer: Buffer): void {
    const size = buffer.byteLength;
    if (this.classOf(size) !== size || buffer.byteOffset !== 0) return;
    if (size > this.maxPooledBytes) return;
    for (const [other, list] of this.free) {
      if (this.pooledBytes + size <= this.maxPooledBytes) break;
      if (other === size) continue;
      while (list.length > 0 && this.pooledBytes + size > this.maxPooledBytes) {
        list.pop();
        this.pooledBytes -= other;
      }
    }
    if (this.pooledBytes + size > this.maxPooledBytes) return; // full of this size already
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.pooledBytes += size;
  }

  /** Bytes waiting for reuse. */
  get idleBytes(): number {
    return this.pooledBytes;
  }
}

/**
 * Sends `parts` as one body written from a pooled buffer: one write to the socket, and no fresh
 * buffer per answer. Fresh buffers cost twice: collecting them, and (most on this kind of
 * machine) the page faults of touching new memory. The buffer goes back once the response has
 * finished; a response cut off midway keeps it (it may still be queued), and it is collected.
 */
export function sendPooled(reply: FastifyReply, parts: readonly Buffer[], pool: BufferPool) {
  let length = 0;
  for (const part of parts) length += part.length;
  const buffer = pool.take(length);
  let at = 0;
  for (const part of parts) at += part.copy(buffer, at);
  reply.raw.once('finish', () => pool.give(buffer));
  return reply.send(buffer.subarray(0, length));
}
