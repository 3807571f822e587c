import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRangeHeader } from './httpRange.js';
import { sniffContentType } from './sniffContentType.js';

describe('parseRangeHeader', () => {
  it('parses single ranges, open ends and suffixes', () => {
    assert.deepEqual(parseRangeHeader('bytes=0-99'), { start: 0, end: 99 });
    assert.deepEqual(parseRangeHeader('bytes=500-'), { start: 500, end: undefined });
    assert.deepEqual(parseRangeHeader('bytes=-100'), { suffix: 100 });
    assert.deepEqual(parseRangeHeader('bytes=-5000'), { suffix: 5000 });
    assert.deepEqual(parseRangeHeader('bytes=2000-3000'), { start: 2000, end: 3000 });
  });

  it('ignores what a server may ignore: none, several ranges, junk', () => {
    for (const h of [
      undefined,
      '',
      'bytes=0-1,5-6',
      'items=0-1',
      'bytes=-',
      'bytes=5-4',
      'bytes=a-b',
      'bytes=-0',
      `bytes=0-${'9'.repeat(30)}`,
    ]) {
      assert.equal(parseRangeHeader(h), undefined, String(h));
    }
  });
});

describe('sniffContentType', () => {
  it('knows images and JSON, and nothing else', () => {
    assert.equal(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(sniffContentType(Buffer.from('89504e470d0a1a0a0000', 'hex')), 'image/png');
    assert.equal(sniffContentType(Buffer.from('RIFF0000WEBPVP8 ')), 'image/webp');
    assert.equal(sniffContentType(Buffer.from('GIF89a...')), 'image/gif');
    assert.equal(sniffContentType(Buffer.from('{"version":1}')), 'application/json');
    assert.equal(sniffContentType(Buffer.from('ID3\x04\x00')), undefined);
    assert.equal(sniffContentType(Buffer.from([0xff, 0xfb, 0x90])), undefined);
    assert.equal(sniffContentType(new Uint8Array()), undefined);
  });
});
