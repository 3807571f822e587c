import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { PayloadTooLargeError } from '@coliving/protocol';
import { limitBytes } from './limitBytes.js';

function source(total: number, chunk = 1000): Readable & { sent: () => number } {
  let sent = 0;
  const stream = new Readable({
    highWaterMark: chunk,
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(chunk, total - sent);
      sent += n;
      this.push(Buffer.alloc(n, 1));
    },
  });
  return Object.assign(stream, { sent: () => sent });
}

function counter() {
  let bytes = 0;
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      bytes += c.length;
      cb();
    },
  });
  return { sink, bytes: () => bytes };
}

describe('limitBytes', () => {
  it('passes a stream at the limit through untouched', async () => {
    const out = counter();
    await pipeline(source(10_000), limitBytes(10_000), out.sink);
    assert.equal(out.bytes(), 10_000);
  });

  it('fails as soon as the limit is crossed, before the rest is read', async () => {
    const out = counter();
    const input = source(1_000_000);
    await assert.rejects(
      pipeline(input, limitBytes(10_000, 'Upload'), out.sink),
      (error: unknown) => {
        assert.ok(error instanceof PayloadTooLargeError);
        assert.equal(error.shortMessage, 'Upload is larger than the limit of 10000 bytes');
        return true;
      },
    );
    assert.ok(out.bytes() <= 10_000);
    // Reading stopped within a few chunks of the limit, far from the 1 MB on offer.
    assert.ok(input.sent() < 100_000, `read ${input.sent()} bytes`);
  });
});
