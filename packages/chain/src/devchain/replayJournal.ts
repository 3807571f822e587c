// Bringing a devchain back from its journal, block for block.
import { type Eip1193Provider, getBlock, getClockOffset, getHead } from './eip1193.js';
import { DevchainJournalError, type Journal } from './journalFile.js';
import { CLOCK_METHODS } from './journalRequests.js';

/** What replaying a journal took. */
export type DevchainReplay = {
  /** Journaled requests resent. */
  requests: number;
  /** The head after replay, the journal's last block. */
  blockNumber: number;
  durationMs: number;
};

/** The replay error that names the first block differing from the journal. */
async function divergence(
  provider: Eip1193Provider,
  { path, entries }: Journal,
  failed?: { index: number; error: unknown },
): Promise<DevchainJournalError> {
  const diverged = (block: number, what: string, cause?: unknown) =>
    new DevchainJournalError(
      `Replaying the devchain journal ${path} diverged at block ${block}: ${what}`,
      { journal: path, code: 'journal_diverged', block, cause },
    );
  const upTo = failed?.index ?? entries.length;
  for (const [i, entry] of entries.slice(0, upTo).entries()) {
    if (entry.block === undefined) continue;
    const replayed = await getBlock(provider, entry.head);
    if (replayed?.hash !== entry.hash) {
      const blocks =
        entry.block === entry.head ? '' : ` (the last of blocks ${entry.block}–${entry.head})`;
      return diverged(
        entry.block,
        `the journal recorded ${entry.hash} for block ${entry.head}${blocks}, replay made ` +
          `${replayed?.hash ?? 'no such block'} (line ${i + 2}: ${entry.method})`,
      );
    }
  }
  if (failed) {
    const entry = entries[failed.index]!;
    return diverged(
      entry.block ?? entry.head + 1,
      `${entry.method} (line ${failed.index + 2}) failed on replay but not when it was recorded: ` +
        String((failed.error as Error)?.message ?? failed.error),
      failed.error,
    );
  }
  const head = await getHead(provider);
  return diverged(head.number, `replay ended at block ${head.number} ${head.hash}`);
}

/**
 * Replays a journal into a fresh chain: each request that mined is resent right after setting
 * the next block's timestamp to the recorded one, so every block comes back with the same
 * number, timestamp, transactions and so hash. Sequential by necessity (each block's timestamp
 * must be set just before it), with no polling: EDR answers a transaction once it is mined.
 */
export async function replayJournal(
  provider: Eip1193Provider,
  journal: Journal,
): Promise<DevchainReplay> {
  const started = performance.now();
  const { header, entries } = journal;
  const genesis = await getHead(provider);
  if (genesis.number !== 0 || genesis.hash !== header.genesis.hash)
    throw new DevchainJournalError(
      `Replaying the devchain journal ${journal.path} diverged at block 0: its genesis was ` +
        `${header.genesis.hash}, this chain's is ${genesis.hash} (other genesis accounts?)`,
      { journal: journal.path, code: 'journal_diverged', block: 0 },
    );
  let failed: { index: number; error: unknown } | undefined;
  let lastMined = -1;
  for (const [index, entry] of entries.entries()) {
    // The clock requests' effect on blocks is in the recorded timestamps.
    if (CLOCK_METHODS.has(entry.method)) continue;
    try {
      if (entry.timestamp !== undefined) {
        lastMined = index;
        await provider.request({ method: 'evm_setNextBlockTimestamp', params: [entry.timestamp] });
      }
    } catch (error) {
      failed = { index, error };
      break;
    }
    try {
      await provider.request({ method: entry.method, params: entry.params });
    } catch (error) {
      if (!entry.failed) {
        failed = { index, error };
        break;
      }
    }
  }
  const expected = entries.at(-1) ?? { head: 0, hash: header.genesis.hash };
  const head = await getHead(provider);
  if (failed || head.number !== expected.head || head.hash !== expected.hash)
    throw await divergence(provider, journal, failed);

  // The clock keeps its recorded lead over wall time: time passes on the chain while it is
  // stopped, as it does for everyone reading its block times.
  const offset = entries.at(-1)?.offset ?? header.offset;
  const current = await getClockOffset(provider);
  if (offset > current)
    await provider.request({ method: 'evm_increaseTime', params: [offset - current] });
  const pending = entries
    .slice(lastMined + 1)
    .findLast((e) => e.method === 'evm_setNextBlockTimestamp');
  if (pending) await provider.request({ method: pending.method, params: pending.params });
  return {
    requests: entries.length,
    blockNumber: head.number,
    durationMs: Math.round(performance.now() - started),
  };
}
