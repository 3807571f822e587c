import { parseUploadId } from './uploadStore.js';
import { JsonRecordDir } from './jsonRecordDir.js';

/** Why and when an upload was deleted by retention. */
export type ExpiredUpload = { id: string; expiredAt: string };

/**
 * The uploads retention deleted here (`<dataDir>/expired/<id>.json`), so that a peer's copy of
 * the record (a push, the repair sweep) is not taken back and its blobs pulled again.
 */
export class ExpiredUploads {
  private constructor(private readonly records: JsonRecordDir<ExpiredUpload>) {}

  static async open(dir: string): Promise<ExpiredUploads> {
    return new ExpiredUploads(await JsonRecordDir.open<ExpiredUpload>(dir));
  }

  async add(id: string, expiredAt = new Date()): Promise<void> {
    await this.records.write(parseUploadId(id), { id, expiredAt: expiredAt.toISOString() });
  }

  async has(id: string): Promise<boolean> {
    return (await this.records.read(parseUploadId(id))) !== undefined;
  }
}
