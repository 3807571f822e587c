import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, parseCid } from '@coliving/protocol';
import {
  type BlobInfo,
  type BlobRead,
  type BlobStore,
  type PutBlobOptions,
  type ReadBlobOptions,
  resolveRange,
} from './blobStore.js';
import { stageBlob } from './stageToFile.js';

/** Largest single read: a typical player range (256 KiB) is one read. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Blobs kept open between reads: a player reads one track in many ranges. */
const MAX_OPEN_BLOBS = 256;
/** How long a blob stays open; bounds how long a file removed behind the store's back is served. */
const OPEN_BLOB_TTL_MS = 10_000;

/** How long a retired blob stays open for the reads still using it (a slow whole-file download). */
const RETIRED_BLOB_GRACE_MS = 10 * 60_000;

/** An open blob file, shared by the reads in flight; closed when retired and unused. */
type OpenBlob = {
  handle: FileHandle;
  size: number;
  openedAt: number;
  users: number;
  retired: boolean;
};

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

  // Blobs never change, so an open file can serve every read of it: a cached range read is one
  // positioned read, where open + stat + read + close would take four trips to the thread pool.
  const openBlobs = new Map<string, OpenBlob>(); // least recently used first

  function retire(cid: string, blob: OpenBlob): void {
    if (openBlobs.get(cid) === blob) openBlobs.delete(cid);
    blob.retired = true;
    if (blob.users === 0) {
      void blob.handle.close().catch(() => {});
    } else {
      // A reader that never finishes must not hold the file forever; a read after this fails
      // (the handle is closed), it never reads another file.
      setTimeout(() => void blob.handle.close().catch(() => {}), RETIRED_BLOB_GRACE_MS).unref();
    }
  }

  function release(blob: OpenBlob): void {
    blob.users -= 1;
    if (blob.retired && blob.users === 0) void blob.handle.close().catch(() => {});
  }

  /** The open blob (one more user of it), or undefined when there is no such blob. */
  async function acquire(cid: string): Promise<OpenBlob | undefined> {
    const now = Date.now();
    const cached = openBlobs.get(cid);
    if (cached && now - cached.openedAt <= OPEN_BLOB_TTL_MS) {
      openBlobs.delete(cid);
      openBlobs.set(cid, cached);
      cached.users += 1;
      return cached;
    }
    if (cached) retire(cid, cached);
    let handle: FileHandle;
    try {
      handle = await open(pathOf(cid), 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
    let size: number;
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return undefined;
      }
      size = info.size;
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    const blob: OpenBlob = { handle, size, openedAt: now, users: 1, retired: false };
    const raced = openBlobs.get(cid);
    if (raced) retire(cid, raced);
    openBlobs.set(cid, blob);
    for (const [oldest, open] of openBlobs) {
      if (openBlobs.size <= MAX_OPEN_BLOBS) break;
      retire(oldest, open);
    }
    return blob;
  }

  /**
   * The bytes `start`..`end` of an open blob, in positioned reads of up to READ_CHUNK_BYTES into
   * buffers from `allocate`; releases the blob when iteration ends, however it ends.
   */
  async function* chunksOf(
    blob: OpenBlob,
    start: number,
    end: number,
    allocate: (length: number) => Uint8Array,
    signal?: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    try {
      let position = start;
      while (position <= end) {
        signal?.throwIfAborted();
        const length = Math.min(READ_CHUNK_BYTES, end - position + 1);
        const buffer = allocate(length);
        const { bytesRead } = await blob.handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new Error(`Blob file ended at byte ${position}, before ${end}`);
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      release(blob);
    }
  }

  async function read(cid: string, options: ReadBlobOptions = {}): Promise<BlobRead> {
    options.signal?.throwIfAborted();
    const blob = await acquire(parseCid(cid));
    if (!blob) throw new NotFoundError(`Blob ${cid} not found`);
    try {
      const { start, end } = resolveRange(options.range, blob.size);
      const allocate = options.allocate ?? ((length: number) => Buffer.allocUnsafeSlow(length));
      return {
        size: blob.size,
        start,
        end,
        body: chunksOf(blob, start, end, allocate, options.signal),
      };
    } catch (error) {
      release(blob);
      throw error;
    }
  }

  /** Moves a hashed temporary file under its CID, durably; a blob already there is kept. */
  async function commitFile(tmp: string, { cid, size }: BlobInfo): Promise<void> {
    const target = pathOf(cid);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isFile() && existing.size === size) return;
    await fsyncPath(tmp);
    const dir = join(root, ...shardOf(cid));
    await mkdir(dir, { recursive: true });
    await rename(tmp, target);
    // The rename is durable only once the directory entry is on disk.
    await fsyncPath(dir);
  }

  /** Stages in `<root>/.tmp`, on the blobs' own disk, so that commit is a rename. */
  function stage(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}) {
    return stageBlob(tmpDir, source, options, commitFile);
  }

  return {
    location: `file://${root}`,
    async put(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
      const staged = await stage(source, options);
      await staged.commit();
      return { cid: staged.cid, size: staged.size };
    },
    stage,
    async get(cid, options = {}) {
      // A stream, so that a consumer that stops early (or is destroyed) releases the blob.
      return Readable.from((await read(cid, options)).body, { objectMode: false });
    },
    read,
    async head(cid) {
      const info = await stat(pathOf(parseCid(cid))).catch(() => undefined);
      return info?.isFile() ? { cid, size: info.size } : undefined;
    },
    async delete(cid) {
      const path = pathOf(parseCid(cid));
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return false;
      const open = openBlobs.get(cid);
      if (open) retire(cid, open);
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
    async close() {
      for (const [cid, open] of openBlobs) retire(cid, open);
    },
  };
}
