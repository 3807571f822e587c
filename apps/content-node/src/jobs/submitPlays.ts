// Puts the listens this node journaled on the data chain (docs/design.md §11): batches of up to
// MAX_PLAYS_PER_BATCH plays sent to PlayLog.submitPlays from the node's delegate wallet, naming
// the node's id and an eth block in which it was registered with that wallet.
import { playLogAbi } from '@coliving/contracts';
import { MAX_PLAYS_PER_BATCH, type Play, encodePlays } from '@coliving/protocol';
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from 'viem';
import type { NetworkView } from '../core/network.js';
import type { JsonRecordDir } from '../db/jsonRecordDir.js';
import type { ListenJournal } from '../db/listenJournal.js';
import type { ContentNodeMetrics } from '../metrics.js';

/** Where the data chain and its PlayLog are, and the wallet that pays for batches. */
export type PlayLogChain = {
  client: PublicClient<Transport, Chain>;
  /** The node's delegate wallet on the data chain: it signs and pays for each batch. */
  wallet: WalletClient<Transport, Chain, Account>;
  address: Address;
};

/**
 * What the submitter keeps on disk: the journal offset up to which every listen is on chain, and
 * the batch it sent and has not yet seen mined (so a restart checks that one before sending its
 * plays again).
 */
export type SubmitState = { offset: number; pending?: { hash: Hex; to: number; plays: number } };

/** What the node's health check says about plays. */
export type PlaysStatus = {
  submitting: boolean;
  /** Why this node does not submit, when it does not. */
  reason?: string;
  /** Journal offset up to which every listen is on chain. */
  offset: number;
  lastBatch?: { at: string; plays: number; transaction: Hex };
  lastError?: string;
};

export type PlaySubmitterComponents = {
  listens: ListenJournal;
  network: Pick<NetworkView, 'registration'>;
  /** Absent: this node has no data chain configured and submits nothing. */
  chain: PlayLogChain | undefined;
  state: JsonRecordDir<SubmitState>;
  metrics: Pick<ContentNodeMetrics, 'playsSubmitted' | 'playBatches'>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

export type PlaySubmitterInit = {
  /** How long a sent batch may stay unmined after a restart before it is sent again. */
  receiptTimeoutMs: number;
  /** The journal is compacted once this many bytes before the saved offset are on chain. */
  compactBytes: number;
};

const STATE_KEY = 'submitted';

/**
 * Submits journaled listens as plays, one batch at a time. The saved offset moves only once a
 * batch is mined; a batch sent but not seen mined (a crash in between) is looked up by its
 * transaction at the next start, and sent again only if it never made it. Plays that are sent
 * twice anyway (a crash between sending and saving the transaction's hash) carry the same ids,
 * and discovery nodes count an id once.
 */
export function createPlaySubmitter(
  { listens, network, chain, state, metrics, log }: PlaySubmitterComponents,
  { receiptTimeoutMs, compactBytes }: PlaySubmitterInit,
) {
  let saved: SubmitState | undefined;
  const status: PlaysStatus = { submitting: false, offset: 0 };
  let warned: string | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function load(): Promise<SubmitState> {
    saved ??= (await state.read(STATE_KEY)) ?? { offset: 0 };
    status.offset = saved.offset;
    return saved;
  }

  async function save(next: SubmitState): Promise<void> {
    await state.write(STATE_KEY, next);
    saved = next;
    status.offset = next.offset;
  }

  /** Says once (in the log, and in the health check until it changes) why nothing is sent. */
  function idle(reason: string): void {
    status.submitting = false;
    status.reason = reason;
    if (warned !== reason) log.warn({ reason }, 'plays are journaled but not submitted');
    warned = reason;
  }

  /** A batch sent before a restart: mined (its plays are on chain) or not (send them again). */
  async function settlePending(on: PlayLogChain, current: SubmitState): Promise<SubmitState> {
    const { pending } = current;
    if (!pending) return current;
    const receipt = await on.client
      .waitForTransactionReceipt({ hash: pending.hash, timeout: receiptTimeoutMs })
      .catch(() => undefined);
    const next =
      receipt?.status === 'success' ? { offset: pending.to } : { offset: current.offset };
    metrics.playBatches.inc({ outcome: receipt?.status === 'success' ? 'resumed' : 'resent' });
    log.info(
      { transaction: pending.hash, mined: receipt?.status === 'success' },
      'the batch sent before the restart was looked up',
    );
    await save(next);
    return next;
  }

  async function pass(): Promise<void> {
    let current = await load();
    if (!chain)
      return idle('no data chain is configured (COLIVING_DATA_RPC_URL, COLIVING_PLAY_LOG_ADDRESS)');
    current = await settlePending(chain, current);
    for (;;) {
      const registration = network.registration();
      if (!registration)
        return idle('this node is not registered on NodeRegistry with its delegate wallet');
      status.submitting = true;
      delete status.reason;
      warned = undefined;
      const { listens: batch, next } = await listens.read(current.offset, MAX_PLAYS_PER_BATCH);
      if (batch.length === 0) break;
      const plays: Play[] = batch.map((l) => ({
        id: l.id,
        trackId: l.trackId,
        ...(l.userId !== undefined ? { userId: l.userId } : {}),
        at: l.at,
      }));
      const hash = await chain.wallet.writeContract({
        address: chain.address,
        abi: playLogAbi,
        functionName: 'submitPlays',
        args: [registration.nodeId, registration.blockHash, encodePlays(plays)],
      });
      // Remembered before waiting: a restart looks this transaction up instead of resending.
      await save({ ...current, pending: { hash, to: next, plays: plays.length } });
      const receipt = await chain.client.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') {
        await save({ offset: current.offset });
        metrics.playBatches.inc({ outcome: 'failed' });
        throw new Error(`PlayLog.submitPlays reverted (${hash})`);
      }
      current = { offset: next };
      await save(current);
      metrics.playBatches.inc({ outcome: 'mined' });
      metrics.playsSubmitted.inc(plays.length);
      status.lastBatch = { at: new Date().toISOString(), plays: plays.length, transaction: hash };
      delete status.lastError;
      if (batch.length < MAX_PLAYS_PER_BATCH) break;
    }
    if (listens.bytesBefore(current.offset) >= compactBytes) await listens.compact(current.offset);
  }

  /** One pass: every listen journaled so far, in full batches and a last partial one. */
  function submitOnce(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } catch (error) {
        status.lastError = error instanceof Error ? error.message : String(error);
        throw error;
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    submitOnce,
    status: (): PlaysStatus => ({ ...status }),
  };
}

export type PlaySubmitter = ReturnType<typeof createPlaySubmitter>;
