import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  UPLOAD_STATUSES,
  UPLOAD_TEMPLATES,
  type UploadRecord,
  uploadReceiptSchema,
  ValidationError,
} from '@coliving/protocol';
import { JsonRecordDir } from './jsonRecordDir.js';

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new upload id (a random UUID). */
export function newUploadId(): string {
  return randomUUID();
}

/** Refuses ids that are not upload ids, so an id can never name a path outside the store. */
export function parseUploadId(id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new ValidationError('Upload ids are UUIDs', { code: 'invalid_upload_id' });
  }
  return id;
}

const CID = /^bafkrei[a-z2-7]{52}$/;

/** Checks a record received from a peer before it is stored; ValidationError if malformed. */
export function parseUploadRecord(value: unknown): UploadRecord {
  const r = value as Partial<UploadRecord> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    ID_PATTERN.test(r.id) &&
    (UPLOAD_TEMPLATES as readonly string[]).includes(r.template as string) &&
    (UPLOAD_STATUSES as readonly string[]).includes(r.status as string) &&
    typeof r.wallet === 'string' &&
    /^0x[0-9a-fA-F]{40}$/.test(r.wallet) &&
    typeof r.host === 'string' &&
    r.host.length < 300 &&
    typeof r.origFileName === 'string' &&
    r.origFileName.length <= 255 &&
    typeof r.origFileCid === 'string' &&
    CID.test(r.origFileCid) &&
    Number.isSafeInteger(r.size) &&
    typeof r.results === 'object' &&
    r.results !== null &&
    Object.entries(r.results).every(
      ([k, v]) => k.length <= 32 && typeof v === 'string' && CID.test(v),
    ) &&
    // A peer's receipt is only carried here; discovery nodes verify it (docs/design.md §7).
    (r.receipt === undefined || uploadReceiptSchema.safeParse(r.receipt).success) &&
    Number.isSafeInteger(r.attempts) &&
    typeof r.createdAt === 'string' &&
    typeof r.updatedAt === 'string' &&
    !Number.isNaN(Date.parse(r.updatedAt));
  if (!ok) throw new ValidationError('Malformed upload record', { code: 'invalid_upload_record' });
  return r as UploadRecord;
}

/** Upload records on disk, one JSON file each, written atomically (JsonRecordDir). */
export class UploadStore {
  private constructor(private readonly records: JsonRecordDir<UploadRecord>) {}

  static async open(dir: string): Promise<UploadStore> {
    return new UploadStore(await JsonRecordDir.open<UploadRecord>(dir));
  }

  async get(id: string): Promise<UploadRecord> {
    const record = await this.find(id);
    if (!record) throw new NotFoundError(`Upload ${id} not found`);
    return record;
  }

  async find(id: string): Promise<UploadRecord | undefined> {
    return this.records.read(parseUploadId(id));
  }

  /** Writes a record whole. */
  async put(record: UploadRecord): Promise<void> {
    await this.records.write(parseUploadId(record.id), record);
  }

  /** Deletes a record (an upload that failed as a whole). */
  async remove(id: string): Promise<void> {
    await this.records.remove(parseUploadId(id));
  }

  /**
   * Stores a peer's copy when it is newer than ours (last writer wins by `updatedAt`); returns
   * whether it was stored.
   */
  async merge(record: UploadRecord): Promise<boolean> {
    return this.records.writeIf(
      parseUploadId(record.id),
      record,
      (ours) => !ours || ours.updatedAt < record.updatedAt,
    );
  }

  async *list(): AsyncIterable<UploadRecord> {
    for (const key of await this.records.keys()) {
      const record = await this.find(key).catch(() => undefined);
      if (record) yield record;
    }
  }
}
