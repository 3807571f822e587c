import assert from 'node:assert/strict';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
});
