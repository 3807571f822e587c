import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram } from 'prom-client';
import { createApp } from './createApp.js';
import { HTTP_DURATION_BUCKETS } from './constants.js';
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
      /coliving_test_http_request_duration_seconds_count\{method="GET",route="\/tracks\/:id",status_class="2xx"\} 2/,
    );
    assert.match(
      text,
      /coliving_test_http_request_duration_seconds_count\{method="GET",route="unmatched",status_class="4xx"\} 1/,
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

  it('counts each request duration into the histogram’s buckets, per method, route and status', async () => {
    const name = 'coliving_test_http_request_duration_seconds';
    const registry = registerMetrics(createApp({ logger: false }), {
      prefix: 'coliving_test_',
      defaultMetrics: false,
    });
    const duration = registry.getSingleMetric(name);
    assert.ok(duration instanceof Histogram);
    // Values on, between, below and above the bounds; fixed, so a failure repeats.
    const seconds = [0, 0.005, 0.0051, 0.01, 0.3, 1, 2.5, 29.9, 30, 31, 1e-6, 0.05];
    const labels = { method: 'GET', route: 'a "quoted"\\route', status_class: '2xx' };
    for (const value of seconds) duration.observe(labels, value);
    duration.observe({ method: 'POST', route: '/v1/tracks/:id', status_class: '5xx' }, 0.2);

    const text = await registry.getSingleMetricAsString(name);
    const series = `method="GET",route="a \\"quoted\\"\\\\route",status_class="2xx"`;
    const expected = [
      `# HELP ${name} HTTP request duration in seconds`,
      `# TYPE ${name} histogram`,
      ...[...HTTP_DURATION_BUCKETS, '+Inf'].map((le) => {
        const count = seconds.filter((s) => le === '+Inf' || s <= Number(le)).length;
        return `${name}_bucket{le="${le}",${series}} ${count}`;
      }),
      `${name}_sum{${series}} ${seconds.reduce((a, b) => a + b, 0)}`,
      `${name}_count{${series}} ${seconds.length}`,
    ];
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, expected.length), expected);
    assert.ok(
      lines.includes(`${name}_count{method="POST",route="/v1/tracks/:id",status_class="5xx"} 1`),
    );
    assert.ok(
      lines.includes(
        `${name}_bucket{le="0.25",method="POST",route="/v1/tracks/:id",status_class="5xx"} 1`,
      ),
    );
    assert.ok(
      lines.includes(
        `${name}_bucket{le="0.1",method="POST",route="/v1/tracks/:id",status_class="5xx"} 0`,
      ),
    );
    registry.resetMetrics();
    assert.equal(
      await registry.getSingleMetricAsString(name),
      `# HELP ${name} HTTP request duration in seconds\n# TYPE ${name} histogram`,
    );
  });
});
