import assert from 'node:assert/strict';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { registerDiskMetrics } from './registerDiskMetrics.js';

describe('registerDiskMetrics', () => {
  it('reports the free bytes and the capacity of the filesystem holding a directory', async () => {
    const registry = new Registry();
    registerDiskMetrics(registry, { prefix: 'coliving_test_', path: tmpdir() });
    const text = await registry.metrics();
    const value = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const fs = await statfs(tmpdir());
    assert.equal(value('coliving_test_disk_capacity_bytes'), fs.blocks * fs.bsize);
    const free = value('coliving_test_disk_free_bytes');
    assert.ok(free > 0 && free <= fs.blocks * fs.bsize, `free ${free}`);
  });

  it('reports the disk of a data directory not made yet (a discovery node on PostgreSQL), not 0', async () => {
    const registry = new Registry();
    const path = join(tmpdir(), `coliving-never-made-${process.pid}`, 'discovery-node');
    registerDiskMetrics(registry, { prefix: 'coliving_test_', path });
    const text = await registry.metrics();
    const fs = await statfs(tmpdir());
    assert.match(
      text,
      new RegExp(`^coliving_test_disk_capacity_bytes ${fs.blocks * fs.bsize}$`, 'm'),
    );
    assert.doesNotMatch(text, /^coliving_test_disk_free_bytes 0$/m);
  });

  it('reports a filesystem it cannot read as NaN, which no threshold matches', async () => {
    const registry = new Registry();
    registerDiskMetrics(registry, { prefix: 'coliving_test_', path: 'bad\0path' });
    const text = await registry.metrics();
    // prom-client writes `Nan`; Prometheus reads NaN in any case.
    assert.match(text, /^coliving_test_disk_free_bytes nan$/im);
    assert.match(text, /^coliving_test_disk_capacity_bytes nan$/im);
  });
});
