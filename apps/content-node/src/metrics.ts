import { registerMetrics } from '@coliving/server-kit';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';

/** The content node's own metrics, beside the request histogram and the process's defaults. */
export type ContentNodeMetrics = ReturnType<typeof createMetrics>;

/** Serves `/metrics` on `app` and creates the content node's counters in its registry. */
export function createMetrics(app: FastifyInstance) {
  const registry = registerMetrics(app, { prefix: 'coliving_content_node_' });
  return {
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
      help: 'Repair passes by outcome (ran, skipped)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
