import { type FileHandle, mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One listen: a stream request whose range started at byte 0 (DESIGN §8). */
export type Listen = {
  cid: string;
  trackId: number;
  userId?: number;
  /** Milliseconds since the epoch, on this node's clock. */
  at: number;
};

/**
 * An append-only JSON-lines journal of listens, for the plays pipeline to read from a byte offset.
 * Appends are group-committed: the lines that arrive while a write is on its way go out together
 * in the next write and one fdatasync, so the disk is asked once per batch, not once per listen.
 * A line cut short by a crash is removed when the journal is opened, so readers only ever see
 * whole lines.
 */
export class ListenJournal {
  /** The last write (settled, never rejected): the next batch starts after it. */
  private tail: Promise<void> = Promise.resolve();
  /** Lines waiting for the next batch, and that batch once scheduled. */
  private waiting: string[] = [];
  private next: Promise<void> | undefined;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<ListenJournal> {
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const whole = text.lastIndexOf('\n') + 1;
    if (whole < text.length) await truncate(path, Buffer.byteLength(text.slice(0, whole)));
    return new ListenJournal(path, await open(path, 'a'));
  }

  /**
   * Appends a listen; resolves once it is on disk (rejects if its batch could not be written).
   * Appends are written in call order.
   */
  record(listen: Listen): Promise<void> {
    this.waiting.push(`${JSON.stringify(listen)}\n`);
    if (!this.next) {
      const batch = this.tail.then(async () => {
        // From here on, new lines wait for the batch after this one.
        this.next = undefined;
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

  /** The listens after byte `offset`, and the offset to read from next. */
  async read(offset = 0): Promise<{ listens: Listen[]; next: number }> {
    await this.tail;
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
    await this.tail;
    await this.handle.close();
  }
}
