import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { UnavailableError, ValidationError } from '@coliving/protocol';
import { runBlobStoreCompliance } from './compliance.js';
import { openBlobStore } from './openBlobStore.js';
import { parseS3Url } from './s3BlobStore.js';

// s3rver: an S3-compatible server in this process, on a loopback port the test chose (0: any).
type S3rverInstance = { run(): Promise<{ address: string; port: number }>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: object) => S3rverInstance;

let server: S3rverInstance;
let endpoint = '';
let directory = '';
let bucketCounter = 0;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'coliving-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: Array.from({ length: 4 }, (_, i) => ({ name: `coliving-${i}` })),
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
after(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

/** s3rver accepts the keys it was configured with (its defaults). */
const KEYS = 'S3RVER:S3RVER';

runBlobStoreCompliance('s3://', () =>
  openBlobStore(
    `s3://${KEYS}@coliving-${bucketCounter++}/blobs?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`,
  ),
);

describe('s3:// specifics', () => {
  it('parses bucket, prefix, endpoint, region and credentials from the URL', () => {
    assert.deepEqual(
      parseS3Url(
        's3://AK:S%2FK@my-bucket/a/b/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1',
      ),
      {
        bucket: 'my-bucket',
        prefix: 'a/b',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AK', secretAccessKey: 'S/K' },
      },
    );
    for (const bad of ['s3://', 's3://UPPER/x', 's3://a/x']) {
      assert.throws(() => parseS3Url(bad), ValidationError, bad);
    }
  });

  it('keeps credentials out of its location', async () => {
    const store = await openBlobStore(
      `s3://${KEYS}@coliving-3/x?endpoint=${encodeURIComponent(endpoint)}`,
    );
    assert.ok(!store.location.includes('S3RVER'));
    await store.close();
  });

  it('reports an unreachable store as unavailable, with nothing half-written', async () => {
    const store = await openBlobStore(
      `s3://${KEYS}@coliving-3/x?endpoint=${encodeURIComponent('http://127.0.0.1:1')}`,
    );
    await assert.rejects(store.put(Readable.from([Buffer.from('hello')])), UnavailableError);
    await store.close();
  });
});
