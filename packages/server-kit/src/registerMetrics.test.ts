import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { createApp } from './createApp.js';
import { registerMetrics } from './registerMetrics.js';

describe('registerMetrics', () => {
  it('exposes request durations by route pattern and the app’s own metrics', async () => {
    const app = createApp({ logger: false });
    const registry = registerMetrics(app, { prefix: 'coliving_test_' });
    const uploads = new Counter({
      name: 'coliving_test_uploads_total',
      help: 'uploads',
      registers: [registry],
    });
    app.get<{ Params: { id: string } }>('/tracks/:id', async (request) => ({
      data: request.params.id,
    }));
    uploads.inc(3);
    await app.inject({ method: 'GET', url: '/tracks/7eP5n' });
    await app.inject({ method: 'GET', url: '/tracks/ML51L' });
    await app.inject({ method: 'GET', url: '/no/such/route' });

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(
      text,
      /coliving_test_http_request_duration_seconds_count\{method="GET",route="\/tracks\/:id",status_code="200"\} 2/,
    );
    assert.match(
      text,
      /coliving_test_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1/,
    );
    assert.doesNotMatch(text, /7eP5n/);
    assert.match(text, /coliving_test_uploads_total 3/);
    assert.match(text, /coliving_test_process_resident_memory_bytes/);
    await app.close();
  });

  it('keeps registries per app (two apps in one process do not collide)', async () => {
    const a = createApp({ logger: false });
    const b = createApp({ logger: false });
    registerMetrics(a, { prefix: 'coliving_same_' });
    registerMetrics(b, { prefix: 'coliving_same_' });
    await a.inject({ method: 'GET', url: '/metrics' });
    const res = await b.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    await Promise.all([a.close(), b.close()]);
  });
});
