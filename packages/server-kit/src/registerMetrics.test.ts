import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, type Metric, Registry } from 'prom-client';
import { createApp } from './createApp.js';
import { HTTP_DURATION_BUCKETS } from './constants.js';
import { DurationHistogram, registerMetrics } from './registerMetrics.js';

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

  it('writes the request histogram exactly as prom-client’s own Histogram would', async () => {
    const name = 'coliving_test_http_request_duration_seconds';
    const theirs = new Registry();
    const reference = new Histogram({
      name,
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: HTTP_DURATION_BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const duration = new DurationHistogram(
      name,
      'HTTP request duration in seconds',
      HTTP_DURATION_BUCKETS,
    );
    ours.registerMetric(duration as unknown as Metric);
    const routes = ['/v1/tracks/:id', '/v1/tracks/trending', 'unmatched', 'a "quoted"\\route'];
    // Values on, between, below and above the bounds; fixed, so a failure repeats.
    const seconds = [0, 0.005, 0.0051, 0.01, 0.3, 1, 2.5, 29.9, 30, 31, 1e-6, 0.05];
    let n = 0;
    for (const method of ['GET', 'POST'])
      for (const route of routes)
        for (const status of [200, 404, 500])
          for (let i = 0; i < 1 + ((n * 7) % 5); i++) {
            const value = seconds[n++ % seconds.length]!;
            duration.observe(method, route, status, value);
            reference.observe({ method, route, status_code: String(status) }, value);
          }
    assert.equal(await ours.metrics(), await theirs.metrics());
    // As JSON too (less prom-client's exemplars, which it fills with null).
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map((metric) => ({
        ...metric,
        values: metric.values.map((v) => ({
          labels: v.labels,
          value: v.value,
          metricName: (v as { metricName?: string }).metricName,
        })),
      }));
    assert.deepEqual(await json(ours), await json(theirs));
    ours.resetMetrics();
    theirs.resetMetrics();
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});
