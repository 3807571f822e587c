import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Gauge, type Registry } from 'prom-client';

export type RegisterDiskMetricsParameters = {
  /** Metric name prefix, e.g. `coliving_content_node_`. */
  prefix: string;
  /** A directory on the filesystem to watch (the node's data directory). */
  path: string;
};

/**
 * The filesystem of `path`, or of its nearest existing parent: a discovery node on PostgreSQL
 * may never create its data directory, and its disk is still the one that directory would be on.
 * Undefined when even that cannot be read.
 */
async function statfsNear(path: string) {
  let at = resolve(path);
  for (;;) {
    try {
      return await statfs(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const up = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === at) return undefined;
      at = up;
    }
  }
}

/**
 * Adds `<prefix>disk_free_bytes` (free to this process) and `<prefix>disk_capacity_bytes` of the
 * filesystem holding `path`, read with statfs on every scrape, so "disk nearly full" is one
 * expression: `disk_free_bytes / disk_capacity_bytes < 0.1`. A filesystem that cannot be read is
 * NaN, which no threshold matches, never 0 (which would read as a full disk).
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
      const fs = await statfsNear(path);
      this.set(fs ? fs.bavail * fs.bsize : Number.NaN);
    },
  });
  new Gauge({
    name: `${prefix}disk_capacity_bytes`,
    help: 'Size in bytes of the filesystem of the data directory',
    registers: [registry],
    async collect() {
      const fs = await statfsNear(path);
      this.set(fs ? fs.blocks * fs.bsize : Number.NaN);
    },
  });
}
