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
 * An append-only JSON-lines journal of listens, each line made durable (fdatasync) before the
 * stream starts, for the plays pipeline to read from a byte offset. A line cut short by a crash
 * is removed when the journal is opened, so readers only ever see whole lines.
 */
export class ListenJournal {
  private tail: Promise<void> = Promise.resolve();

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

  /** Appends a listen and resolves once it is on disk. Appends are written in call order. */
  record(listen: Listen): Promise<void> {
    const line = `${JSON.stringify(listen)}\n`;
    const write = this.tail.then(async () => {
      await this.handle.write(line);
      await this.handle.datasync();
    });
    // A failed write must not wedge the ones after it; the caller of this one sees the error.
    this.tail = write.catch(() => undefined);
    return write;
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
