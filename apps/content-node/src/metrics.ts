import { registerDiskMetrics, registerMetrics, requestRecorder } from '@coliving/server-kit';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The content node's own metrics, beside the request histogram and the process's defaults. */
export type ContentNodeMetrics = ReturnType<typeof createMetrics>;

export type CreateMetricsInit = {
  /** The data directory: its filesystem's free bytes and capacity are reported. */
  dataDir: string;
};

/** What the gauges read at each scrape, from parts built after the metrics. */
export type MetricsSources = {
  /** Upload jobs waiting or running. */
  jobsQueued: () => number;
  /** Every other registered content node and whether it answered its last health check. */
  peers: () => readonly { healthy: boolean }[];
};

const PREFIX = 'coliving_content_node_';

/**
 * Serves `/metrics` on `app` and creates the content node's metrics in its registry; `observe`
 * names what the scrape-time gauges read (the job queue, the peers' health).
 */
export function createMetrics(app: FastifyInstance, { dataDir }: CreateMetricsInit) {
  const registry = registerMetrics(app, { prefix: PREFIX });
  registerDiskMetrics(registry, { prefix: PREFIX, path: dataDir });
  let sources: MetricsSources = { jobsQueued: () => 0, peers: () => [] };
  const metrics = {
    observe(next: MetricsSources) {
      sources = next;
    },
    /** Counts an answer fastify's hooks did not see (the stream route's fast lane). */
    recordRequest: requestRecorder(registry, PREFIX),
    jobsQueued: new Gauge({
      name: 'coliving_content_node_jobs_queued',
      help: 'Upload jobs (transcodes, image renders) waiting or running',
      registers: [registry],
      collect() {
        this.set(sources.jobsQueued());
      },
    }),
    jobsFailed: new Counter({
      name: 'coliving_content_node_jobs_failed_total',
      help: 'Upload jobs that ended in error, by template and error code',
      labelNames: ['template', 'code'] as const,
      registers: [registry],
    }),
    peers: new Gauge({
      name: 'coliving_content_node_peers',
      help: 'Other registered content nodes, by whether they answered their last health check',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const peers = sources.peers();
        const healthy = peers.filter((p) => p.healthy).length;
        this.set({ state: 'healthy' }, healthy);
        this.set({ state: 'unhealthy' }, peers.length - healthy);
      },
    }),
    blobStorageBytes: new Gauge({
      name: 'coliving_content_node_blob_storage_bytes',
      help: 'Bytes of the blobs this node stores, as counted by the last repair pass',
      registers: [registry],
    }),
    blobs: new Gauge({
      name: 'coliving_content_node_blobs',
      help: 'Blobs this node stores, as counted by the last repair pass',
      registers: [registry],
    }),
    repairBlobsMissing: new Gauge({
      name: 'coliving_content_node_repair_blobs_missing',
      help: 'Blobs this node should hold and still lacked after the last repair pass',
      registers: [registry],
    }),
    uploads: new Counter({
      name: 'coliving_content_node_uploads_total',
      help: 'Uploads by template and outcome (accepted, done, error)',
      labelNames: ['template', 'outcome'] as const,
      registers: [registry],
    }),
    transcodeSeconds: new Histogram({
      name: 'coliving_content_node_transcode_seconds',
      help: 'Time to process an upload job, by template',
      labelNames: ['template'] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    bytesServed: new Counter({
      name: 'coliving_content_node_stream_bytes_total',
      help: 'Audio bytes served on the stream route',
      registers: [registry],
    }),
    listensLost: new Counter({
      name: 'coliving_content_node_listens_lost_total',
      help: 'Listens that could not be written to the journal',
      registers: [registry],
    }),
    listensOverLimit: new Counter({
      name: 'coliving_content_node_listens_over_limit_total',
      help: 'Listens not journaled because their (track, IP) pair was over its play limits',
      registers: [registry],
    }),
    playsSubmitted: new Counter({
      name: 'coliving_content_node_plays_submitted_total',
      help: 'Plays put on the data chain (PlayLog batches mined)',
      registers: [registry],
    }),
    playBatches: new Counter({
      name: 'coliving_content_node_play_batches_total',
      help: 'PlayLog batches by outcome (mined, failed, resumed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    repairBlobs: new Counter({
      name: 'coliving_content_node_repair_blobs_total',
      help: 'Blobs pulled or dropped by repair',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    repairAuthRecords: new Counter({
      name: 'coliving_content_node_repair_auth_records_total',
      help: 'Login record versions pulled by repair',
      registers: [registry],
    }),
    repairPasses: new Counter({
      name: 'coliving_content_node_repair_passes_total',
      help: 'Repair passes by outcome (ran, skipped, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
  // Repair's series exist from the start at 0: "no pass ran in an hour" (the ColivingRepairStopped
  // rule) must hold on a node whose repair never ran, and a series that appears only once it
  // moves has no increase() on its first value.
  for (const outcome of ['ran', 'skipped', 'failed']) metrics.repairPasses.inc({ outcome }, 0);
  for (const action of ['pulled', 'dropped']) metrics.repairBlobs.inc({ action }, 0);
  return metrics;
}
