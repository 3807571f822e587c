import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from './constants.js';

export type RegisterMetricsParameters = {
  /** Metric name prefix, e.g. `coliving_content_node_`. */
  prefix: string;
  /** A registry to add to; a fresh one by default (never prom-client's global registry). */
  registry?: Registry;
  /** Also export process metrics (CPU, memory, event-loop lag). */
  defaultMetrics?: boolean;
};

/** `2xx`, `4xx`, …: the status label of the request histogram (five values, not sixty). */
export function statusClassOf(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}

/**
 * Adds `GET /metrics` in the Prometheus text format and a request-duration histogram labelled
 * by method, route pattern (not raw URL) and status class (`2xx`, `5xx`), so its series are
 * bounded by the routes the app has. Returns the registry so the app can add its own metrics.
 */
export function registerMetrics(
  app: FastifyInstance,
  { prefix, registry = new Registry(), defaultMetrics = true }: RegisterMetricsParameters,
): Registry {
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  const duration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
  // A callback hook, not an async one: it runs on every answer, and a promise per request is
  // measurable on the fastest routes.
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_class: statusClassOf(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return registry;
}

/** Records one answer in a request histogram: method, route pattern, status code, seconds. */
export type RecordRequest = (
  method: string,
  route: string,
  statusCode: number,
  seconds: number,
) => void;

/**
 * The recorder of the request histogram registerMetrics made in `registry`, for answers that no
 * fastify hook sees (a FastLane's), so that they are counted like every other.
 */
export function requestRecorder(registry: Registry, prefix: string): RecordRequest {
  const duration = registry.getSingleMetric(`${prefix}http_request_duration_seconds`);
  if (!(duration instanceof Histogram))
    throw new Error(`no request histogram with the prefix ${prefix} in this registry`);
  // One child per (method, route, status) a lane answers, so that a request does not hash its
  // labels again (a lane's few routes and statuses keep this small).
  const children = new Map<string, { observe: (seconds: number) => void }>();
  return (method, route, statusCode, seconds) => {
    const key = `${method} ${statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels({ method, route, status_class: statusClassOf(statusCode) });
      children.set(key, child);
    }
    child.observe(seconds);
  };
}
