import { registerDiskMetrics, registerMetrics } from '@coliving/server-kit';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { LimitKind, RegisteredApp } from './api/rateLimit.js';

/** The discovery node's own metrics, beside the request histogram and the process's defaults. */
export type DiscoveryNodeMetrics = ReturnType<typeof createMetrics>;

export type CreateMetricsInit = {
  /** The data directory (PGlite's files, when no PostgreSQL URL is given): its disk is reported. */
  dataDir?: string;
};

/** What the gauges read at each scrape, from parts built after the metrics. */
export type MetricsSources = {
  /** Registered nodes by type, as the eth indexer last read NodeRegistry. */
  registeredNodes: () => Promise<{ content_nodes: unknown[]; discovery_nodes: unknown[] }>;
  /** Each chain source (its checkpoint name) and whether its last pass failed or it halted. */
  indexers: () => readonly { chain: string; failing: boolean }[];
};

const PREFIX = 'coliving_discovery_node_';

/** Most distinct `api_key` and `app_name` label values each; later ones are counted as `other`. */
export const MAX_APP_LABELS = 100;
/** Longest `app_name` label value kept (a client's app_name is cut to this). */
const APP_NAME_LABEL_LENGTH = 40;
/**
 * Most (app_name, api_key) series of the request counter for registered apps, and apart from
 * them for other requests; later pairs count as (other, other).
 */
export const MAX_APP_SERIES = 500;

/**
 * A label's values, bounded: the first `max` distinct values are kept, every later one is
 * `other`, so that no client can grow the number of series (minting apps is free, and a client
 * names its app_name as it likes).
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}

/** A client's app_name as a label value: lower-case letters, digits and `._-`, cut short. */
export function appNameLabel(name: string): string {
  const clean = name
    .trim()
    .toLowerCase()
    .slice(0, APP_NAME_LABEL_LENGTH)
    .replace(/[^a-z0-9._-]+/g, '_');
  // `none` and `other` stay ours: a client naming its app so is counted apart.
  return clean === '' || clean === 'none' || clean === 'other' ? `_${clean}` : clean;
}

/**
 * Serves `/metrics` on `app` and creates the discovery node's metrics: per chain source, the block
 * indexed and the chain's head beside it, so lag is `chain_head_block - indexed_block`.
 */
export function createMetrics(app: FastifyInstance, { dataDir }: CreateMetricsInit) {
  const registry = registerMetrics(app, { prefix: PREFIX });
  if (dataDir) registerDiskMetrics(registry, { prefix: PREFIX, path: dataDir });
  let sources: MetricsSources | undefined;
  const apiRequests = new Counter({
    name: 'coliving_discovery_node_api_requests_total',
    help:
      "API requests by app: app_name is the registered app's name for a registered api_key, else " +
      "the app_name given (none without one); api_key is a registered app's address, `unknown` " +
      `for an unregistered one or \`none\`; at most ${MAX_APP_LABELS} values each, then \`other\``,
    labelNames: ['app_name', 'api_key'] as const,
    registers: [registry],
  });
  // Registered apps and what any client claims are bounded apart, so that names sent first by
  // anyone cannot push the registered apps' names and keys out of the labels.
  const apiKeys = new BoundedLabel(MAX_APP_LABELS);
  const registeredNames = new BoundedLabel(MAX_APP_LABELS);
  const claimedNames = new BoundedLabel(MAX_APP_LABELS);
  // The label pairs' counters, kept: a pair is looked up once, not hashed on every request.
  const registeredCounters = new Map<string, { inc(): void }>();
  const claimedCounters = new Map<string, { inc(): void }>();
  const OTHER_PAIR = 'other\nother';
  const rateLimited = new Counter({
    name: 'coliving_discovery_node_rate_limited_total',
    help: 'Requests refused by the API rate limits, by the limit that was full (ip, app, ceiling)',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  return {
    /** Counts one API request by its app (api/rateLimit.ts CountRequest). */
    countApiRequest: (app: RegisteredApp | undefined, apiKeyGiven: boolean, appName?: string) => {
      const apiKey = app ? apiKeys.of(app.address) : apiKeyGiven ? 'unknown' : 'none';
      const name =
        app !== undefined
          ? registeredNames.of(appNameLabel(app.name))
          : appName === undefined
            ? 'none'
            : claimedNames.of(appNameLabel(appName));
      const pair = `${name}\n${apiKey}`;
      const requestCounters = app ? registeredCounters : claimedCounters;
      let counter = requestCounters.get(pair);
      if (counter === undefined) {
        const full = requestCounters.size >= MAX_APP_SERIES;
        counter = full
          ? (requestCounters.get(OTHER_PAIR) ??
            apiRequests.labels({ app_name: 'other', api_key: 'other' }))
          : apiRequests.labels({ app_name: name, api_key: apiKey });
        requestCounters.set(full ? OTHER_PAIR : pair, counter);
      }
      counter.inc();
    },
    countRateLimited: (kind: LimitKind) => {
      rateLimited.inc({ limit: kind });
    },
    observe(next: MetricsSources) {
      sources = next;
    },
    indexedBlock: new Gauge({
      name: 'coliving_discovery_node_indexed_block',
      help: 'The last block indexed, by chain source',
      labelNames: ['chain'] as const,
      registers: [registry],
    }),
    chainHeadBlock: new Gauge({
      name: 'coliving_discovery_node_chain_head_block',
      help: 'The chain head as the last indexing pass read it, by chain source',
      labelNames: ['chain'] as const,
      registers: [registry],
    }),
    // A failing or halted indexer stops its passes, and with them the two gauges above: both
    // freeze, so neither lag nor a stall shows. This says it.
    indexerFailing: new Gauge({
      name: 'coliving_discovery_node_indexer_failing',
      help: "Whether the chain source's last pass failed or it halted (1) or its last pass ran (0)",
      labelNames: ['chain'] as const,
      registers: [registry],
      collect() {
        for (const { chain, failing } of sources?.indexers() ?? [])
          this.set({ chain }, failing ? 1 : 0);
      },
    }),
    registeredNodes: new Gauge({
      name: 'coliving_discovery_node_registered_nodes',
      help: 'Nodes registered on NodeRegistry, by type (content, discovery)',
      labelNames: ['type'] as const,
      registers: [registry],
      async collect() {
        if (!sources) return;
        const nodes = await sources.registeredNodes();
        this.set({ type: 'content' }, nodes.content_nodes.length);
        this.set({ type: 'discovery' }, nodes.discovery_nodes.length);
      },
    }),
  };
}
