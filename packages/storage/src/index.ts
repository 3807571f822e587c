// @coliving/storage: content-addressed blob storage with drivers chosen by URL.
export * from './blobStore.js';
export * from './fileBlobStore.js';
export * from './memoryBlobStore.js';
export * from './s3BlobStore.js';
export * from './openBlobStore.js';
export * from './readCache.js';
