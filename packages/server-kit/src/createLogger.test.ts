import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './createLogger.js';

describe('createLogger', () => {
  it('writes JSON lines with the service name and redacts credentials', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(c: Buffer, _e, cb) {
        lines.push(c.toString());
        cb();
      },
    });
    const logger = createLogger({ name: 'content-node', level: 'debug', destination });
    logger.info(
      {
        req: {
          method: 'GET',
          url: '/tracks/cidstream/x?signature=%7B%22data%22&limit=2',
          headers: { authorization: 'Bearer s3cret' },
        },
        privateKey: '0xtop',
        account: { privateKey: '0xone' },
        deep: { inner: { password: 'hunter2' } },
        config: { delegatePrivateKey: '0xconfig' },
      },
      'hello',
    );
    logger.trace('not at this level');
    assert.equal(lines.length, 1);
    const text = lines[0] ?? '';
    const line = JSON.parse(text) as Record<string, unknown>;
    assert.equal(line.name, 'content-node');
    assert.equal(line.msg, 'hello');
    for (const secret of ['s3cret', '0xtop', '0xone', 'hunter2', '0xconfig', '%7B%22data']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.deepEqual(line.req, {
      method: 'GET',
      url: '/tracks/cidstream/x?signature=[redacted]&limit=2',
    });
    assert.equal(line.privateKey, '[redacted]');
    assert.deepEqual(line.deep, { inner: { password: '[redacted]' } });
  });
});
