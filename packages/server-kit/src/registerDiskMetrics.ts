import { statfs } from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';

export type RegisterDiskMetricsParameters = {
  /** Metric name prefix, e.g. `coliving_content_node_`. */
  prefix: string;
  /** A directory on the filesystem to watch (the node's data directory). */
  path: string;
};

/**
 * Adds `<prefix>disk_free_bytes` (free to this process) and `<prefix>disk_capacity_bytes` of the
 * filesystem holding `path`, read with statfs on every scrape, so "disk nearly full" is one
 * expression: `disk_free_bytes / disk_capacity_bytes < 0.1`.
 */
export function registerDiskMetrics(
  registry: Registry,
  { prefix, path }: RegisterDiskMetricsParameters,
): void {
  new Gauge({
    name: `${prefix}disk_free_bytes`,
    help: 'Bytes free to the node on the filesystem of its data directory',
    registers: [registry],
    async collect() {
      const fs = await statfs(path).catch(() => undefined);
      if (fs) this.set(fs.bavail * fs.bsize);
    },
  });
  new Gauge({
    name: `${prefix}disk_capacity_bytes`,
    help: 'Size in bytes of the filesystem of the data directory',
    registers: [registry],
    async collect() {
      const fs = await statfs(path).catch(() => undefined);
      if (fs) this.set(fs.blocks * fs.bsize);
    },
  });
}
