import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Remembers which blob holds each rendered image variant (`<original cid>/<variant>` -> cid), so
 * a variant is rendered once and then served from storage. Kept in one small JSON file, written
 * atomically; losing it only costs re-rendering.
 */
export class VariantIndex {
  private constructor(
    private readonly path: string,
    private readonly entries: Map<string, string>,
  ) {}

  static async open(path: string): Promise<VariantIndex> {
    await mkdir(dirname(path), { recursive: true });
    let entries = new Map<string, string>();
    try {
      entries = new Map(
        Object.entries(JSON.parse(await readFile(path, 'utf8')) as Record<string, string>),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new VariantIndex(path, entries);
  }

  get(original: string, variant: string): string | undefined {
    return this.entries.get(`${original}/${variant}`);
  }

  async set(original: string, variant: string, cid: string): Promise<void> {
    this.entries.set(`${original}/${variant}`, cid);
    const tmp = join(dirname(this.path), `.${randomUUID()}.tmp`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(JSON.stringify(Object.fromEntries(this.entries)));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
  }
}
