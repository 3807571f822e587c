import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { BEST_LEVEL, FAST_LEVEL, acceptsGzip, gzipAnswer, gzipHead } from './gzipAnswer.js';
import { ResponseCache } from './responseCache.js';

const run = promisify(execFile);

/** JSON text that compresses as API answers do: the same keys again and again, varied values. */
function page(bytes: number): Buffer {
  const parts: string[] = ['{"data":['];
  for (let i = 0, length = 0; length < bytes; i++) {
    const id = ((i * 2654435761) >>> 0).toString(36);
    const part = `{"id":"${id}","title":"Track ${i}","plays":${i * 7},"genre":"Electronic"},`;
    parts.push(part);
    length += part.length;
  }
  return Buffer.from(parts.join(''));
}

describe('gzipAnswer', () => {
  it('makes one gzip member of a deflated head and a stored tail, for any tail', () => {
    const head = page(50_000);
    for (const level of [FAST_LEVEL, BEST_LEVEL])
      for (const tail of [
        Buffer.alloc(0),
        Buffer.from('],"latest_indexed_block":12,"timestamp":"2026-12-02T00:00:00.000Z"}'),
        randomBytes(70_000), // more than one stored block holds
        randomBytes(65_535),
      ]) {
        const answer = Buffer.concat(gzipAnswer(gzipHead(head, level), tail));
        assert.deepEqual(gunzipSync(answer), Buffer.concat([head, tail]));
      }
  });

  it('is decoded by the system gzip as well', async (t) => {
    const head = page(20_000);
    const tail = Buffer.from('],"latest_indexed_block":7}');
    const answer = Buffer.concat(gzipAnswer(gzipHead(head, BEST_LEVEL), tail));
    const gzip = await run('gzip', ['--version']).then(
      () => true,
      () => false,
    );
    if (!gzip) {
      t.skip('no gzip binary on this machine');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'coliving-gzip-'));
    try {
      await writeFile(join(dir, 'answer.gz'), answer);
      const { stdout: decoded } = await run('gzip', ['-dc', join(dir, 'answer.gz')], {
        encoding: 'buffer',
      });
      assert.deepEqual(decoded, Buffer.concat([head, tail]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compresses the cached part once, to a fraction of its size', () => {
    const head = page(200_000);
    const fast = gzipHead(head, FAST_LEVEL);
    const best = gzipHead(head, BEST_LEVEL);
    assert.ok(fast.bytes.length < head.length / 3, `${fast.bytes.length} of ${head.length}`);
    assert.ok(best.bytes.length < fast.bytes.length, `${best.bytes.length}, ${fast.bytes.length}`);
    assert.equal(best.length, head.length);
  });
});

describe('ResponseCache.gzipOf', () => {
  it('deflates an answer fast the first time, at the best level the second, then keeps it', () => {
    const cache = new ResponseCache();
    const answer = { head: page(50_000) };
    cache.set('/v1/x', 'g', answer);
    const first = cache.gzipOf('/v1/x', answer);
    assert.equal(first.level, FAST_LEVEL);
    const second = cache.gzipOf('/v1/x', answer);
    assert.equal(second.level, BEST_LEVEL);
    assert.ok(second.bytes.length < first.bytes.length);
    assert.equal(cache.gzipOf('/v1/x', answer), second);
    assert.equal(cache.get('/v1/x', 'g')?.gzip, second);
  });
});

describe('acceptsGzip', () => {
  it('reads Accept-Encoding with its q-values', () => {
    const cases: [header: string | string[] | undefined, accepts: boolean][] = [
      [undefined, false],
      ['', false],
      ['gzip', true],
      ['gzip, deflate, br, zstd', true],
      ['br;q=1.0, GZIP;q=0.5', true],
      ['x-gzip', true],
      ['gzip;q=0', false],
      ['gzip; q=0.000', false],
      ['identity', false],
      ['br, deflate', false],
      ['*', true],
      ['*;q=0', false],
      ['gzip;q=0, *', false],
      [['deflate', 'gzip'], true],
    ];
    for (const [header, accepts] of cases)
      assert.equal(acceptsGzip(header), accepts, JSON.stringify(header));
  });
});
