import {
  ConflictError,
  ForbiddenError,
  MAX_CLOCK_SKEW_MS,
  NotFoundError,
  UnavailableError,
  ValidationError,
  placementFor,
  verifyAuthRecordSignature,
} from '@coliving/protocol';
import { AUTH_PEER_TIMEOUT_MS } from '../constants.js';
import {
  type AuthDeletionInput,
  type AuthRecord,
  type AuthRecordInput,
  type AuthStore,
  type AuthTombstone,
  type LiveAuthRecord,
  isNewerAuthRecord,
  isSameAuthRecord,
  newestAuthRecord,
  parseAuthRecord,
} from '../db/authStore.js';
import type { NetworkView } from './network.js';
import type { PeerClient } from './peerClient.js';

export type AuthRecordsComponents = {
  store: AuthStore;
  peers: PeerClient;
  network: NetworkView;
};

export type AuthRecordsInit = {
  /** This node's endpoint, as registered. */
  self: string;
  replicationFactor: number;
  onError: (what: string, error: unknown) => void;
};

/**
 * Hedgehog login records (docs/design.md §5), placed like blobs: the top R nodes of the rendezvous
 * ranking of `sha256(endpoint ‖ lookupKey)` hold each one. Writes go to those nodes; reads are
 * answered by them; versions merge last writer wins, a tombstone winning a tie. Every version is
 * signed by its wallet, and no version is stored or sent on before its signature, its time and
 * its owner are checked (accept), so no node can write a login it does not own.
 */
export function createAuthRecords(
  { store, peers, network }: AuthRecordsComponents,
  { self, replicationFactor, onError }: AuthRecordsInit,
) {
  function endpoints(): string[] {
    const all = network.contentNodes().map((n) => n.endpoint);
    return all.includes(self) ? all : [...all, self];
  }

  /** The nodes that should hold a record. */
  function placement(lookupKey: string): string[] {
    return placementFor(endpoints(), lookupKey, replicationFactor);
  }

  /**
   * The newest version of a record (a tombstone included) that this node or the placement has.
   * A placement node that holds it answers alone; otherwise the other placement nodes are asked.
   * UnavailableError when no placement node could answer at all.
   */
  async function resolve(lookupKey: string): Promise<AuthRecord | undefined> {
    const targets = placement(lookupKey);
    const holder = targets.includes(self);
    const own = await store.find(lookupKey);
    if (own && holder) return own;
    // This node, when it is a holder, has answered: it has nothing.
    let answered = holder ? 1 : 0;
    const copies = await Promise.all(
      targets
        .filter((node) => node !== self)
        .map(async (node) => {
          try {
            const value = await peers.fetchAuthRecord(
              node,
              lookupKey,
              AbortSignal.timeout(AUTH_PEER_TIMEOUT_MS),
            );
            answered++;
            return value === undefined ? undefined : await verified(value);
          } catch (error) {
            onError(`read login record from ${node}`, error);
            return undefined;
          }
        }),
    );
    const newest = newestAuthRecord([own, ...copies]);
    if (!newest && answered === 0) {
      throw new UnavailableError('No node that holds login records for this key answered', {
        code: 'placement_unavailable',
      });
    }
    // A holder that lacked the record (it was down when it was written) keeps it now.
    if (newest && holder) await store.merge(newest);
    return newest;
  }

  /** Stores a version on every placement node; UnavailableError when none of them took it. */
  async function save(record: AuthRecord): Promise<void> {
    const stored = await Promise.all(
      placement(record.lookupKey).map(async (node) => {
        if (node === self) {
          await store.merge(record);
          return true;
        }
        try {
          await peers.pushAuthRecord(node, record, AbortSignal.timeout(AUTH_PEER_TIMEOUT_MS));
          return true;
        } catch (error) {
          // One copy is enough to answer for the record; repair fills in the others.
          onError(`push login record to ${node}`, error);
          return false;
        }
      }),
    );
    if (!stored.some(Boolean)) {
      throw new UnavailableError('No node that holds login records for this key could store it', {
        code: 'placement_unavailable',
      });
    }
  }

  /** A record stays bound to the wallet that first wrote it, through its deletion too. */
  function requireOwner(current: AuthRecord | undefined, wallet: string): void {
    if (current && current.wallet.toLowerCase() !== wallet.toLowerCase()) {
      throw new ForbiddenError('This login record belongs to another wallet', {
        code: 'not_owner',
      });
    }
  }

  /**
   * A peer's version, checked as a client's would be: well formed, signed by its wallet and not
   * dated in the future. Versions stored before records were signed never travel between nodes.
   */
  async function verified(value: unknown): Promise<AuthRecord> {
    const record = parseAuthRecord(value);
    if (record.signature === undefined) {
      throw new ValidationError('Login records travel between nodes only signed by their wallet', {
        code: 'record_signature_required',
      });
    }
    await verifyAuthRecordSignature(record);
    refuseFuture(record);
    return record;
  }

  /** A version dated past the clock skew would outrank every later one its owner could write. */
  function refuseFuture(record: AuthRecord): void {
    if (Date.parse(record.updatedAt) > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw new ValidationError('updatedAt is in the future; check the clock', {
        code: 'future_updated_at',
      });
    }
  }

  /**
   * Stores a client's signed version: the owner's only, newer than the current one. The same
   * version again (a client sends it to every holder, which also push it to each other) is fine.
   */
  async function accept(record: AuthRecord): Promise<void> {
    await verifyAuthRecordSignature(record);
    refuseFuture(record);
    const current = await resolve(record.lookupKey);
    requireOwner(current, record.wallet);
    if (isSameAuthRecord(record, current)) return;
    if (!isNewerAuthRecord(record, current)) {
      throw new ConflictError('A newer version of this login record exists; sign a later one', {
        code: 'stale_version',
      });
    }
    await save(record);
  }

  return {
    placement,

    /** The live record for a lookup key; NotFoundError when there is none or it was deleted. */
    async get(lookupKey: string): Promise<LiveAuthRecord> {
      const record = await resolve(lookupKey);
      if (!record || record.deleted) {
        throw new NotFoundError('No login record for this lookupKey', { code: 'not_found' });
      }
      return record;
    },

    /**
     * Creates or replaces a record for `wallet` with the version it signed. ForbiddenError when
     * another wallet owns it, InvalidSignatureError when `wallet` did not sign it, ConflictError
     * when a newer version is stored, ValidationError when it is dated in the future.
     */
    async write(wallet: string, input: AuthRecordInput): Promise<LiveAuthRecord> {
      const record: LiveAuthRecord = {
        lookupKey: input.lookupKey,
        iv: input.iv,
        cipherText: input.cipherText,
        wallet,
        updatedAt: input.updatedAt,
        signature: input.signature,
      };
      await accept(record);
      return record;
    },

    /**
     * Deletes a record of `wallet`'s with the tombstone it signed; deleting it again does
     * nothing. NotFoundError when there is no record, and the errors of `write`.
     */
    async remove(wallet: string, lookupKey: string, input: AuthDeletionInput): Promise<void> {
      const current = await resolve(lookupKey);
      if (!current) {
        throw new NotFoundError('No login record for this lookupKey', { code: 'not_found' });
      }
      requireOwner(current, wallet);
      if (current.deleted) return;
      const tombstone: AuthTombstone = {
        lookupKey,
        wallet: current.wallet,
        updatedAt: input.updatedAt,
        signature: input.signature,
        deleted: true,
      };
      await accept(tombstone);
    },

    /**
     * Keeps a peer's version when it wins over this node's (a push): signed by its wallet, not
     * dated in the future, and of the wallet that owns the record here. An older version, or
     * one this node does not hold, is not taken (false).
     */
    async merge(value: unknown): Promise<boolean> {
      const record = await verified(value);
      // Only a node the placement names keeps a copy: another one's would be read as a holder's.
      if (!placement(record.lookupKey).includes(self)) return false;
      requireOwner(await store.find(record.lookupKey), record.wallet);
      return store.merge(record);
    },

    /**
     * One page of the records this node has whose placement names `holder`, in lookup key order
     * after `after`; `next` is set when there may be more.
     */
    async page(
      holder: string,
      after: string | undefined,
      limit: number,
    ): Promise<{ data: AuthRecord[]; next?: string }> {
      const all = endpoints();
      const data: AuthRecord[] = [];
      for (const key of await store.keys(after)) {
        if (!placementFor(all, key, replicationFactor).includes(holder)) continue;
        const record = await store.find(key);
        // An unsigned version (stored before versions were signed) stays where it is.
        if (record?.signature !== undefined) data.push(record);
        if (data.length === limit) return { data, next: key };
      }
      return { data };
    },

    /**
     * Pulls from each peer the records this node should hold, keeping every newer version
     * (repair). Returns the lookup keys whose version changed here.
     */
    async repair(peerEndpoints: readonly string[]): Promise<string[]> {
      const changed = new Set<string>();
      for (const peer of peerEndpoints) {
        let after: string | undefined;
        try {
          do {
            const page = await peers.fetchAuthRecords(peer, after);
            for (const value of page.data) {
              let record: AuthRecord;
              try {
                record = await verified(value);
                // The peer chose by its view of the network; this node keeps what its own places here.
                if (!placement(record.lookupKey).includes(self)) continue;
                requireOwner(await store.find(record.lookupKey), record.wallet);
              } catch (error) {
                // One bad version (forged, another wallet's) is skipped, not the peer's whole share.
                onError(`take a login record from ${peer}`, error);
                continue;
              }
              if (await store.merge(record)) changed.add(record.lookupKey);
            }
            // A page must move forward, or a peer could keep this loop going forever.
            after =
              typeof page.next === 'string' && page.next > (after ?? '') ? page.next : undefined;
          } while (after !== undefined);
        } catch (error) {
          onError(`pull login records from ${peer}`, error);
        }
      }
      return [...changed];
    },
  };
}

export type AuthRecords = ReturnType<typeof createAuthRecords>;
