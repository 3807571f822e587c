import { registerDiskMetrics, registerMetrics } from '@coliving/server-kit';
import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';

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
};

const PREFIX = 'coliving_discovery_node_';

/**
 * Serves `/metrics` on `app` and creates the discovery node's metrics: per chain source, the block
 * indexed and the chain's head beside it, so lag is `chain_head_block - indexed_block`.
 */
export function createMetrics(app: FastifyInstance, { dataDir }: CreateMetricsInit) {
  const registry = registerMetrics(app, { prefix: PREFIX });
  if (dataDir) registerDiskMetrics(registry, { prefix: PREFIX, path: dataDir });
  let sources: MetricsSources | undefined;
  return {
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
