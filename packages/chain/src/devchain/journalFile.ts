// The devchain journal on disk: its format (a header line, then one JSON line per request), how
// it is read back, and how lines are appended to it.
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BaseError, type BaseErrorParameters } from '@coliving/protocol';
import type { Hex } from 'viem';

/**
 * A journal line is written (and the client answered) at once; fsync runs at most this often,
 * so a burst of transactions costs one fsync. A crash of this process loses nothing written;
 * only an OS crash can lose the last interval's lines.
 */
const JOURNAL_SYNC_INTERVAL_MS = 100;
/** The journal format; a journal of another version is refused rather than misread. */
export const JOURNAL_VERSION = 1;

/**
 * A devchain journal that cannot be used: unreadable, made for another chain, or replaying to
 * other blocks than it recorded (`block` names the first that differs). Deleting the journal
 * starts a new chain.
 */
export class DevchainJournalError extends BaseError {
  static override readonly defaultCode = 'devchain_journal';
  override name = 'DevchainJournalError' as const;
  readonly journal: string;
  /** The first block whose replay differs from the journal, when replay diverged. */
  readonly block: number | undefined;

  constructor(
    shortMessage: string,
    parameters: BaseErrorParameters & { journal: string; block?: number },
  ) {
    super(shortMessage, parameters);
    this.journal = parameters.journal;
    this.block = parameters.block;
  }
}

/** The journal's first line: what the chain was made from. */
export type JournalHeader = {
  devchainJournal: number;
  chainId: number;
  genesis: { hash: Hex; timestamp: number };
  /** The chain clock's lead over wall time, in seconds, when the chain was made. */
  offset: number;
};

/** One journaled request, as a line of the journal. */
export type JournalEntry = {
  method: string;
  params: unknown[];
  /** The first block the request mined, and that block's timestamp; absent if it mined none. */
  block?: number;
  timestamp?: number;
  /** The head after the request: its number and hash. */
  head: number;
  hash: Hex;
  /** The chain clock's lead over wall time after the request, in seconds. */
  offset: number;
  /** The request failed yet mined its block (a reverted transaction); replayed, it fails again. */
  failed?: true;
};

export type Journal = { path: string; header: JournalHeader; entries: JournalEntry[] };

function isEntry(value: unknown): value is JournalEntry {
  const e = value as Partial<JournalEntry> | null;
  return (
    typeof e?.method === 'string' &&
    Array.isArray(e.params) &&
    Number.isSafeInteger(e.head) &&
    typeof e.hash === 'string' &&
    typeof e.offset === 'number' &&
    (e.block === undefined || (Number.isSafeInteger(e.block) && Number.isSafeInteger(e.timestamp)))
  );
}

/**
 * Reads a journal; undefined when there is none yet (or not even its first line was written).
 * A torn last line, a write a crash cut short, was never acknowledged: it is dropped with a
 * warning and cut from the file, so that new lines start on a line of their own.
 */
export async function readJournal(path: string): Promise<Journal | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) {
    process.emitWarning(
      `Dropped the torn last line of the devchain journal ${path} (${bytes.length - end} bytes ` +
        'without their newline: a write cut short, never acknowledged)',
      { code: 'COLIVING_DEVCHAIN_JOURNAL_TORN' },
    );
    await truncate(path, end);
  }
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  if (lines.length === 0) return undefined;
  const corrupt = (line: number, what: string, cause?: unknown) =>
    new DevchainJournalError(`Line ${line} of the devchain journal ${path} ${what}`, {
      journal: path,
      code: 'journal_corrupt',
      cause,
    });
  const parsed = lines.map((line, i): unknown => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw corrupt(i + 1, 'is not JSON', error);
    }
  });
  const header = parsed[0] as Partial<JournalHeader> | null;
  if (
    header?.devchainJournal !== JOURNAL_VERSION ||
    !Number.isSafeInteger(header.chainId) ||
    typeof header.genesis?.hash !== 'string' ||
    typeof header.offset !== 'number'
  )
    throw corrupt(1, `is no devchain journal header of version ${JOURNAL_VERSION}`);
  const entries = parsed.slice(1);
  entries.forEach((entry, i) => {
    if (!isEntry(entry)) throw corrupt(i + 2, 'is no journal entry');
  });
  return { path, header: header as JournalHeader, entries: entries as JournalEntry[] };
}

export type JournalWriter = {
  /** Appends one line; resolves once it is written (fsync follows within the sync interval). */
  append(record: JournalHeader | JournalEntry): Promise<void>;
  /** Marks the journal as behind the chain: later appends fail with this error. */
  fail(cause: unknown): DevchainJournalError;
  /** Syncs and closes the file; later appends fail. */
  close(): Promise<void>;
};

/** Opens (or creates) the journal at `path` for appending. */
export async function openJournalWriter(path: string): Promise<JournalWriter> {
  await mkdir(dirname(path), { recursive: true });
  const handle: FileHandle = await open(path, 'a');
  // Once a line could not be written the chain is ahead of its journal: journal nothing more.
  let broken: DevchainJournalError | undefined;
  let syncTimer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => {
    syncTimer = undefined;
    syncing = syncing.then(() =>
      handle.datasync().catch((error: unknown) => {
        broken ??= new DevchainJournalError(`Syncing the devchain journal ${path} failed`, {
          journal: path,
          code: 'journal_write_failed',
          cause: error,
        });
      }),
    );
  };
  const fail = (cause: unknown) =>
    (broken ??= new DevchainJournalError(
      `Writing the devchain journal ${path} failed; the chain journals nothing more`,
      { journal: path, code: 'journal_write_failed', cause },
    ));
  return {
    async append(record) {
      if (broken) throw broken;
      const line = `${JSON.stringify(record)}\n`;
      try {
        const { bytesWritten } = await handle.write(line);
        const length = Buffer.byteLength(line);
        if (bytesWritten !== length) throw new Error(`wrote ${bytesWritten} of ${length} bytes`);
      } catch (error) {
        throw fail(error);
      }
      // Not ref'd: a process that exits with a sync pending has written its lines all the same.
      syncTimer ??= setTimeout(sync, JOURNAL_SYNC_INTERVAL_MS).unref();
    },
    fail,
    async close() {
      clearTimeout(syncTimer);
      broken ??= new DevchainJournalError(`The devchain journaling to ${path} was stopped`, {
        journal: path,
        code: 'journal_closed',
      });
      try {
        await syncing;
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
  };
}
