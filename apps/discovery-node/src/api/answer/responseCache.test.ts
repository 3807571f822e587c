import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseCache } from './responseCache.js';

const text = (key: string, bytes: number) => key.padEnd(bytes, '.');

describe('ResponseCache', () => {
  it('writes heads into reused buffers: a gone entry’s buffer holds the next answer', () => {
    const cache = new ResponseCache(2);
    const a = cache.answerOf(JSON.stringify(text('a', 3000)));
    cache.set('/a', 'g', a);
    cache.set('/b', 'g', cache.answerOf([Buffer.from('"b"')]));
    cache.set('/c', 'g', cache.answerOf('"c"')); // /a goes
    assert.equal(cache.get('/a', 'g'), undefined);
    const next = cache.answerOf(JSON.stringify(text('n', 2500)));
    assert.equal(next.slab, a.slab);
    assert.equal(next.head.toString(), `{"data":${JSON.stringify(text('n', 2500))}`);
    assert.equal(cache.get('/c', 'g')?.head.toString(), '{"data":"c"');
  });

  it('never writes over an answer it still keeps', () => {
    const cache = new ResponseCache(50, 256 * 1024);
    const kept = new Map<string, string>();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 2000; i++) {
      const key = `/k${random(120)}`;
      const generation = `g${random(3) === 0 ? 1 : 0}`;
      const body = JSON.stringify(text(`${key}@${i}`, 10 + random(9000)));
      if (cache.get(key, generation) === undefined) {
        cache.set(key, generation, cache.answerOf(body));
        kept.set(`${key} ${generation}`, `{"data":${body}`);
      }
      for (const [entry, head] of kept) {
        const [k, g] = entry.split(' ') as [string, string];
        const answer = cache.get(k, g);
        if (answer === undefined) kept.delete(entry);
        else assert.equal(answer.head.toString(), head, `${entry} after ${i} answers`);
      }
      assert.ok(cache.size <= 50);
    }
  });

  it('encodes data the way JSON.stringify does, in parts or as text', () => {
    const cache = new ResponseCache();
    const data = { title: 'Sunset – Café ♫', n: [1, 2] };
    assert.deepEqual(JSON.parse(`${cache.answerOf(JSON.stringify(data)).head.toString()}}`), {
      data,
    });
    const parts = ['[', '"ü"', ',', '2', ']'].map((p) => Buffer.from(p));
    assert.deepEqual(JSON.parse(`${cache.answerOf(parts).head.toString()}}`), { data: ['ü', 2] });
  });
});
