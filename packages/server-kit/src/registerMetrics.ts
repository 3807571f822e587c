import type { FastifyInstance } from 'fastify';
import { type Metric, Registry, collectDefaultMetrics } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from './constants.js';

export type RegisterMetricsParameters = {
  /** Metric name prefix, e.g. `coliving_content_node_`. */
  prefix: string;
  /** A registry to add to; a fresh one by default (never prom-client's global registry). */
  registry?: Registry;
  /** Also export process metrics (CPU, memory, event-loop lag). */
  defaultMetrics?: boolean;
};

/**
 * Adds `GET /metrics` in the Prometheus text format and a request-duration histogram labelled
 * by method, route pattern (not raw URL, to bound cardinality) and status code. Returns the
 * registry so the app can add its own metrics.
 */
export function registerMetrics(
  app: FastifyInstance,
  { prefix, registry = new Registry(), defaultMetrics = true }: RegisterMetricsParameters,
): Registry {
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  const duration = new DurationHistogram(
    `${prefix}http_request_duration_seconds`,
    'HTTP request duration in seconds',
    HTTP_DURATION_BUCKETS,
  );
  // prom-client reads any object of this shape; its types list only its own four classes.
  registry.registerMetric(duration as unknown as Metric);
  // A callback hook, not an async one: it runs on every answer, and a promise per request is
  // measurable on the fastest routes.
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return registry;
}

/** One label set's observations: per-bucket (not cumulative) counts, their sum and number. */
type Series = { counts: Float64Array; sum: number; count: number };

/**
 * A histogram labelled by method, route and status code, kept in nested maps of small arrays and
 * written out in prom-client's metric format when scraped. prom-client's own Histogram turned the
 * label object into a string key on every observation: a few per cent of the CPU of the fastest
 * answers (a kept track). The labels here are a route's pattern, never a raw URL, so the maps
 * stay small.
 */
export class DurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    let routes = this.series.get(method);
    if (!routes) this.series.set(method, (routes = new Map<string, Map<number, Series>>()));
    let codes = routes.get(route);
    if (!codes) routes.set(route, (codes = new Map<number, Series>()));
    let series = codes.get(statusCode);
    if (!series) {
      series = { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      codes.set(statusCode, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /** The metric as prom-client's registry reads it: cumulative buckets, then sum and count. */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] =
      [];
    for (const [method, routes] of this.series)
      for (const [route, codes] of routes)
        for (const [statusCode, series] of codes) {
          const labels = { method, route, status_code: String(statusCode) };
          let cumulative = 0;
          for (let i = 0; i <= this.bounds.length; i++) {
            cumulative += series.counts[i]!;
            values.push({
              labels: { le: i < this.bounds.length ? this.bounds[i]! : '+Inf', ...labels },
              value: cumulative,
              metricName: `${this.name}_bucket`,
            });
          }
          values.push({ labels, value: series.sum, metricName: `${this.name}_sum` });
          values.push({ labels, value: series.count, metricName: `${this.name}_count` });
        }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    this.series.clear();
  }
}
