import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, parseCid } from '@coliving/protocol';
import { type BlobInfo, type BlobStore, type PutBlobOptions, resolveRange } from './blobStore.js';
import { stageToFile } from './stageToFile.js';

/** Read buffer size: big enough that a typical player range is one read. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Two levels of 256 directories: a million blobs make about 15 files a directory. */
function shardOf(cid: string): [string, string] {
  return [cid.slice(-4, -2), cid.slice(-2)];
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A BlobStore in a directory (`file:///srv/blobs`). Writes go to a temporary file that is hashed
 * while it is written, fsynced, then renamed into `<root>/<xx>/<yy>/<cid>`: a crash leaves at
 * most a stray temporary file, never a partial blob under a CID.
 */
export async function createFileBlobStore(root: string): Promise<BlobStore> {
  const tmpDir = join(root, '.tmp');
  await mkdir(tmpDir, { recursive: true });
  // Temporary files from a crashed process are never blobs; clear them at start.
  for (const name of await readdir(tmpDir)) await rm(join(tmpDir, name), { force: true });

  const pathOf = (cid: string) => join(root, ...shardOf(cid), cid);

  return {
    location: `file://${root}`,
    async put(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
      const tmp = join(tmpDir, randomUUID());
      let renamed = false;
      try {
        const { cid, size } = await stageToFile(source, tmp, options);
        const target = pathOf(cid);
        const existing = await stat(target).catch(() => undefined);
        if (existing?.isFile() && existing.size === size) return { cid, size };
        await fsyncPath(tmp);
        const dir = join(root, ...shardOf(cid));
        await mkdir(dir, { recursive: true });
        await rename(tmp, target);
        renamed = true;
        // The rename is durable only once the directory entry is on disk.
        await fsyncPath(dir);
        return { cid, size };
      } finally {
        if (!renamed) await rm(tmp, { force: true });
      }
    },
    async get(cid, options = {}) {
      const path = pathOf(parseCid(cid));
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new NotFoundError(`Blob ${cid} not found`);
      const { start, end } = resolveRange(options.range, info.size);
      // An empty blob has no bytes to read (and fs streams take no empty range).
      if (info.size === 0) return Readable.from([]);
      // Large reads: a 256 KiB range is one read, not four.
      return createReadStream(path, {
        start,
        end,
        signal: options.signal,
        highWaterMark: READ_CHUNK_BYTES,
      });
    },
    async head(cid) {
      const info = await stat(pathOf(parseCid(cid))).catch(() => undefined);
      return info?.isFile() ? { cid, size: info.size } : undefined;
    },
    async delete(cid) {
      const path = pathOf(parseCid(cid));
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return false;
      await rm(path, { force: true });
      return true;
    },
    async *list(options = {}) {
      for (const a of (await readdir(root)).sort()) {
        if (!/^[a-z2-7]{2}$/.test(a)) continue;
        for (const b of (await readdir(join(root, a))).sort()) {
          for (const name of await readdir(join(root, a, b))) {
            options.signal?.throwIfAborted();
            if (name.startsWith('bafkrei')) yield name;
          }
        }
      }
    },
    async close() {},
  };
}
