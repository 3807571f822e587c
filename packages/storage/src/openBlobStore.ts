import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@coliving/protocol';
import type { BlobStore } from './blobStore.js';
import { createFileBlobStore } from './fileBlobStore.js';
import { createMemoryBlobStore } from './memoryBlobStore.js';
import { createS3BlobStore, parseS3Url } from './s3BlobStore.js';

/**
 * Opens the BlobStore a URL names: `file:///abs/dir` (or a plain path), `memory://`, or
 * `s3://bucket/prefix?endpoint=…&region=…` (credentials from the standard AWS environment).
 */
export async function openBlobStore(url: string): Promise<BlobStore> {
  if (url === 'memory://' || url === 'memory:') return createMemoryBlobStore();
  if (url.startsWith('s3://')) return createS3BlobStore(parseS3Url(url));
  if (url.startsWith('file://')) {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (cause) {
      throw new ValidationError(`Invalid file URL "${url}"`, {
        code: 'invalid_storage_url',
        cause,
      });
    }
    return createFileBlobStore(path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ValidationError(
      `Unsupported storage URL "${url.replace(/\/\/[^@/]*@/, '//[redacted]@')}": use file://, s3:// or memory://`,
      {
        code: 'invalid_storage_url',
      },
    );
  }
  return createFileBlobStore(resolve(url));
}
