import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Hex } from 'viem';

/**
 * One listen: a full stream from byte 0 under a signature that names a track and does not skip
 * play counting (docs/design.md §8, §11).
 */
export type Listen = {
  /** 16 random bytes given when it was journaled: the play's id on chain. */
  id: Hex;
  cid: string;
  trackId: number;
  userId?: number;
  /** Milliseconds since the epoch, on this node's clock. */
  at: number;
};

/** How long a listen waits for others to share its write, by default. */
const DEFAULT_FLUSH_DELAY_MS = 200;

/** A new play id: 16 random bytes. */
export function newPlayId(): Hex {
  return `0x${randomBytes(16).toString('hex')}`;
}

/** The first line of a compacted journal: the logical offset its second line starts at. */
const HEADER = /^\{"base":(\d+)\}\n/;

/** Syncs a directory, so a rename in it is durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `text` to `path` whole and durably: a temporary file, fsync, rename, fsync of the dir. */
async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/**
 * An append-only JSON-lines journal of listens, for the play submitter to read from an offset.
 * Appends are group-committed: the lines that arrive within a short window (and while the last
 * write is on its way) go out in one write and one fdatasync, not one each.
 * A line cut short by a crash is removed when the journal is opened, so readers only ever see
 * whole lines.
 *
 * Offsets are logical: they keep counting across compactions, which drop the part every reader
 * is past and start the file with a header line naming the offset of what follows.
 */
export class ListenJournal {
  /** The last write (settled, never rejected): the next batch starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Lines waiting for the next batch, and that batch once scheduled. */
  private waiting: string[] = [];
  private next: Promise<void> | undefined;
  /** Starts the scheduled batch now, rather than when its delay is up. */
  private startNext: (() => void) | undefined;
  /** Listens written since the journal was opened (for a reader deciding when to look). */
  private written = 0;
  private readonly onWrite = new Set<(written: number) => void>();

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private readonly flushDelayMs: number,
    /** The logical offset of the file's first line after the header, and the header's length. */
    private base: number,
    private headerBytes: number,
  ) {}

  /**
   * Opens (or creates) the journal at `path`. `flushDelayMs` is how long a listen may wait for
   * others to share its write: under load the disk is asked a few times a second instead of
   * without pause (a pending fdatasync holds one of the few I/O threads that also read the
   * streams). A crash loses at most the listens of that window. Lines written before listens had
   * ids are given ids here, once (the file is rewritten before anything reads it).
   */
  static async open(
    path: string,
    { flushDelayMs = DEFAULT_FLUSH_DELAY_MS }: { flushDelayMs?: number } = {},
  ): Promise<ListenJournal> {
    await mkdir(dirname(path), { recursive: true });
    let text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const whole = text.lastIndexOf('\n') + 1;
    if (whole < text.length) {
      text = text.slice(0, whole);
      await truncate(path, Buffer.byteLength(text));
    }
    const header = HEADER.exec(text);
    const base = header ? Number(header[1]) : 0;
    const headerBytes = header ? Buffer.byteLength(header[0]) : 0;
    if (!header && text.length > 0) {
      const lines = text.slice(0, -1).split('\n');
      if (lines.some((line) => !line.startsWith('{"id":'))) {
        const migrated = lines.map((line) => {
          const listen = JSON.parse(line) as Partial<Listen>;
          return JSON.stringify({ id: listen.id ?? newPlayId(), ...listen });
        });
        await replaceFile(path, `${migrated.join('\n')}\n`);
      }
    }
    return new ListenJournal(path, await open(path, 'a'), flushDelayMs, base, headerBytes);
  }

  /**
   * Appends a listen, giving it a new play id; resolves once it is on disk (rejects if its batch
   * could not be written). Appends are written in call order.
   */
  record(listen: Omit<Listen, 'id'>): Promise<void> {
    this.waiting.push(`${JSON.stringify({ id: newPlayId(), ...listen })}\n`);
    if (!this.next) {
      let start!: () => void;
      const due = new Promise<void>((resolve) => (start = resolve));
      const timer = setTimeout(start, this.flushDelayMs);
      this.startNext = start;
      const batch = Promise.all([this.tail, due]).then(async () => {
        clearTimeout(timer);
        // From here on, new lines wait for the batch after this one.
        this.next = undefined;
        this.startNext = undefined;
        const lines = this.waiting;
        this.waiting = [];
        await this.handle.write(lines.join(''));
        await this.handle.datasync();
        this.written += lines.length;
        for (const listener of this.onWrite) listener(this.written);
      });
      this.next = batch;
      // A failed batch must not wedge the ones after it; its callers see the error.
      this.tail = batch.catch(() => undefined);
    }
    return this.next;
  }

  /** Calls `listener` with the count of listens written so far after each write; returns an undo. */
  onWritten(listener: (written: number) => void): () => void {
    this.onWrite.add(listener);
    return () => this.onWrite.delete(listener);
  }

  /** Writes what is waiting now, and resolves when every listen recorded so far is on disk. */
  async flush(): Promise<void> {
    this.startNext?.();
    await this.tail;
  }

  /**
   * Up to `max` listens after logical offset `offset`, and the offset just past the last one
   * returned (where to read from next). An offset before the file's base (compacted away) reads
   * from the base.
   */
  async read(
    offset = 0,
    max = Number.POSITIVE_INFINITY,
  ): Promise<{ listens: Listen[]; next: number }> {
    await this.flush();
    const bytes = await readFile(this.path);
    const from = Math.max(offset, this.base);
    const text = bytes.subarray(this.headerBytes + from - this.base).toString('utf8');
    const listens: Listen[] = [];
    let at = 0;
    while (listens.length < max) {
      const end = text.indexOf('\n', at);
      if (end < 0) break;
      if (end > at) listens.push(JSON.parse(text.slice(at, end)) as Listen);
      at = end + 1;
    }
    return { listens, next: from + Buffer.byteLength(text.slice(0, at)) };
  }

  /** The logical offset of the journal's end: every listen written so far is before it. */
  async end(): Promise<number> {
    await this.flush();
    const { size } = await this.handle.stat();
    return this.base + size - this.headerBytes;
  }

  /** How many bytes of the file lie before logical offset `offset` (what compact(offset) drops). */
  bytesBefore(offset: number): number {
    return Math.max(0, offset - this.base);
  }

  /**
   * Drops every listen before logical offset `upTo` (which every reader is past): the rest is
   * written to a new file behind a header naming `upTo`, which replaces the journal atomically.
   * Runs between writes, so no listen is lost or written twice.
   */
  async compact(upTo: number): Promise<void> {
    const run = Promise.all([this.tail, this.next?.catch(() => undefined)]).then(async () => {
      if (upTo <= this.base) return;
      const bytes = await readFile(this.path);
      const rest = bytes.subarray(this.headerBytes + upTo - this.base).toString('utf8');
      const header = `{"base":${upTo}}\n`;
      await replaceFile(this.path, header + rest);
      const old = this.handle;
      this.handle = await open(this.path, 'a');
      await old.close();
      this.base = upTo;
      this.headerBytes = Buffer.byteLength(header);
    });
    this.tail = run.catch(() => undefined);
    await run;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
