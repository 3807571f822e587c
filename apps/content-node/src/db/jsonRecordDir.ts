import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A directory of JSON records, one file per key (`<key>.json`), written atomically (temporary
 * file, fsync, rename, fsync of the directory): a crash never leaves a half-written or lost
 * record. Keys are checked by the caller; this only stores what it is given under them.
 */
export class JsonRecordDir<T> {
  /** The read-compare-write in progress for each key: those of one key run one after another. */
  private readonly updating = new Map<string, Promise<unknown>>();

  private constructor(private readonly dir: string) {}

  /** Opens (creating) `dir`; temporary files a crash left behind are removed. */
  static async open<T>(dir: string): Promise<JsonRecordDir<T>> {
    await mkdir(join(dir, '.tmp'), { recursive: true });
    for (const name of await readdir(join(dir, '.tmp')))
      await rm(join(dir, '.tmp', name), { force: true });
    return new JsonRecordDir<T>(dir);
  }

  /** The record under `key`, or undefined. */
  async read(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, `${key}.json`), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Writes `value` under `key` whole, durably. */
  async write(key: string, value: T): Promise<void> {
    const tmp = join(this.dir, '.tmp', `${key}.${randomUUID()}`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(JSON.stringify(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(this.dir, `${key}.json`));
    // The rename itself is only durable once the directory is synced.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.dir, `${key}.json`), { force: true });
  }

  /** Every key held, sorted. */
  async keys(): Promise<string[]> {
    return (await readdir(this.dir))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -5))
      .sort();
  }

  /**
   * Writes `value` under `key` when `wins(stored)` says it should replace what is stored;
   * returns whether it did. Updates of one key run one after another, so an older version that
   * arrives at the same time never lands last.
   */
  async writeIf(key: string, value: T, wins: (stored: T | undefined) => boolean): Promise<boolean> {
    const previous = this.updating.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      if (!wins(await this.read(key))) return false;
      await this.write(key, value);
      return true;
    });
    const settled = run.catch(() => undefined);
    this.updating.set(key, settled);
    void settled.then(() => {
      if (this.updating.get(key) === settled) this.updating.delete(key);
    });
    return run;
  }
}
