import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from './createApp.js';
import { registerHealthCheck } from './registerHealthCheck.js';

describe('registerHealthCheck', () => {
  it('answers 200 with the report when healthy and 503 when not', async () => {
    let healthy = true;
    const app = createApp({ logger: false });
    registerHealthCheck(app, {
      check: async () => ({ healthy, diskHasSpace: healthy, version: '0.1.0' }),
    });
    const ok = await app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { data: { healthy: true, diskHasSpace: true, version: '0.1.0' } });
    healthy = false;
    const sick = await app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(sick.statusCode, 503);
    assert.deepEqual(sick.json(), {
      data: { healthy: false, diskHasSpace: false, version: '0.1.0' },
    });
    await app.close();
  });

  it('adds the signature of a signing node', async () => {
    const app = createApp({ logger: false });
    registerHealthCheck(app, {
      check: async () => ({ healthy: true, version: '1' }),
      sign: async (report) => ({ signer: '0xabc', signature: `sig:${JSON.stringify(report)}` }),
    });
    const res = await app.inject({ method: 'GET', url: '/health_check' });
    assert.deepEqual(res.json(), {
      data: { healthy: true, version: '1' },
      signer: '0xabc',
      signature: 'sig:{"healthy":true,"version":"1"}',
    });
    await app.close();
  });

  it('adds the keys a node puts beside data, from the report', async () => {
    let healthy = true;
    const app = createApp({ logger: false });
    registerHealthCheck(app, {
      check: async () => ({ healthy }),
      alongside: (report) => ({ comms: { healthy: report.healthy } }),
      sign: async () => ({ signer: '0xabc', signature: 'sig' }),
    });
    const ok = await app.inject({ method: 'GET', url: '/health_check' });
    assert.deepEqual(ok.json(), {
      data: { healthy: true },
      comms: { healthy: true },
      signer: '0xabc',
      signature: 'sig',
    });
    healthy = false;
    const sick = await app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(sick.statusCode, 503);
    assert.deepEqual(sick.json<{ comms: unknown }>().comms, { healthy: false });
    await app.close();
  });

  it('signs a report once, and again when it changes', async () => {
    const app = createApp({ logger: false });
    let block = 1;
    const signed: number[] = [];
    registerHealthCheck(app, {
      check: async () => ({ healthy: true, block }),
      sign: async (report) => {
        signed.push(report.block as number);
        return { signer: '0xabc', signature: `sig:${String(report.block)}` };
      },
    });
    const signatureOf = async () =>
      (await app.inject({ method: 'GET', url: '/health_check' })).json<{ signature: string }>()
        .signature;
    assert.equal(await signatureOf(), 'sig:1');
    assert.equal(await signatureOf(), 'sig:1');
    block = 2;
    assert.equal(await signatureOf(), 'sig:2');
    assert.deepEqual(signed, [1, 2]);
    await app.close();
  });

  it('answers 503 without internals when the check throws', async () => {
    const app = createApp({ logger: false });
    registerHealthCheck(app, {
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    const res = await app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { data: { healthy: false, error: 'health check failed' } });
    await app.close();
  });

  it('answers 503 when the check hangs past the timeout, and aborts it', async () => {
    const app = createApp({ logger: false });
    let aborted = false;
    registerHealthCheck(app, {
      timeoutMs: 50,
      check: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ healthy: true });
          });
        }),
    });
    const res = await app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(res.statusCode, 503);
    assert.equal(aborted, true);
    await app.close();
  });
});
