import { type FileHandle, mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One listen: a stream request whose range started at byte 0 (docs/design.md §8). */
export type Listen = {
  cid: string;
  trackId: number;
  userId?: number;
  /** Milliseconds since the epoch, on this node's clock. */
  at: number;
};

/** How long a listen waits for others to share its write, by default. */
const DEFAULT_FLUSH_DELAY_MS = 200;

/**
 * An append-only JSON-lines journal of listens, for the plays pipeline to read from a byte offset.
 * Appends are group-committed: the lines that arrive within a short window (and while the last
 * write is on its way) go out in one write and one fdatasync, not one each.
 * A line cut short by a crash is removed when the journal is opened, so readers only ever see
 * whole lines.
 */
export class ListenJournal {
  /** The last write (settled, never rejected): the next batch starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Lines waiting for the next batch, and that batch once scheduled. */
  private waiting: string[] = [];
  private next: Promise<void> | undefined;
  /** Starts the scheduled batch now, rather than when its delay is up. */
  private startNext: (() => void) | undefined;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly flushDelayMs: number,
  ) {}

  /**
   * Opens (or creates) the journal at `path`. `flushDelayMs` is how long a listen may wait for
   * others to share its write: under load the disk is asked a few times a second instead of
   * without pause (a pending fdatasync holds one of the few I/O threads that also read the
   * streams). A crash loses at most the listens of that window.
   */
  static async open(
    path: string,
    { flushDelayMs = DEFAULT_FLUSH_DELAY_MS }: { flushDelayMs?: number } = {},
  ): Promise<ListenJournal> {
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const whole = text.lastIndexOf('\n') + 1;
    if (whole < text.length) await truncate(path, Buffer.byteLength(text.slice(0, whole)));
    return new ListenJournal(path, await open(path, 'a'), flushDelayMs);
  }

  /**
   * Appends a listen; resolves once it is on disk (rejects if its batch could not be written).
   * Appends are written in call order.
   */
  record(listen: Listen): Promise<void> {
    this.waiting.push(`${JSON.stringify(listen)}\n`);
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
        const lines = this.waiting.join('');
        this.waiting = [];
        await this.handle.write(lines);
        await this.handle.datasync();
      });
      this.next = batch;
      // A failed batch must not wedge the ones after it; its callers see the error.
      this.tail = batch.catch(() => undefined);
    }
    return this.next;
  }

  /** Writes what is waiting now, and resolves when every listen recorded so far is on disk. */
  async flush(): Promise<void> {
    this.startNext?.();
    await this.tail;
  }

  /** The listens after byte `offset`, and the offset to read from next. */
  async read(offset = 0): Promise<{ listens: Listen[]; next: number }> {
    await this.flush();
    const bytes = await readFile(this.path);
    const text = bytes.subarray(offset).toString('utf8');
    const whole = text.lastIndexOf('\n') + 1;
    const listens = text
      .slice(0, whole)
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Listen);
    return { listens, next: offset + Buffer.byteLength(text.slice(0, whole)) };
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
