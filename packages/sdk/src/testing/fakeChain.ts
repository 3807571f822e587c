// The SDK tests' stand-in for the chains and the indexer (Node only; not exported by the package):
// what was relayed is mined as pending actions and applied on the next block confirmation poll,
// skipping invalid ones as a real indexer does.
import type { Address } from 'viem';
import { parseEntityMetadata, type parseRelayRequest } from '@coliving/protocol';

export type Json = Record<string, unknown>;

/** What the fake indexer keeps: rows by id, edges as `user:target` keys. */
export type FakeChain = {
  chainId: number;
  entityManager: Address;
  head: number;
  indexed: number;
  users: Map<number, { wallet: string; data: Json; deactivated: boolean; updated: number }>;
  tracks: Map<number, { owner: number; data: Json; deleted: boolean; updated: number }>;
  playlists: Map<number, { owner: number; data: Json; deleted: boolean; updated: number }>;
  follows: Set<string>;
  saves: Set<string>;
  reposts: Set<string>;
  /** Counted plays, as a discovery node indexes them from the play log (`at`: ms). */
  plays: { trackId: number; userId?: number; at: number }[];
  /** Every relay body taken, in order. */
  relayed: Json[];
  /** Actions mined but not yet indexed. */
  pending: { message: ReturnType<typeof parseRelayRequest>['message']; signer: string }[];
  /** When true, the next indexed action is skipped (as the real indexer skips invalid ones). */
  skipNext: boolean;
  /** Nonces EntityManager has seen, by signer. */
  nonces: Set<string>;
  nextId: number;
};

/** A fresh chain: no users, the head at block 100, everything indexed. */
export function createFakeChain(): FakeChain {
  return {
    chainId: 31338,
    entityManager: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    head: 100,
    indexed: 100,
    users: new Map(),
    tracks: new Map(),
    playlists: new Map(),
    follows: new Set(),
    saves: new Set(),
    reposts: new Set(),
    plays: [],
    relayed: [],
    pending: [],
    skipNext: false,
    nonces: new Set(),
    nextId: 1000,
  };
}

/** A minimal ISO time that grows with the block, as updated_at does. */
export const timeOf = (block: number) =>
  new Date(Date.UTC(2030, 0, 1) + block * 1000).toISOString();

/** Applies what was mined (the fake indexer): invalid actions are skipped, as on a real node. */
export function indexPending(chain: FakeChain): void {
  for (const { message, signer } of chain.pending.splice(0)) {
    if (chain.skipNext) {
      chain.skipNext = false;
      continue;
    }
    const userId = Number(message.userId);
    const id = Number(message.entityId);
    const data = parseEntityMetadata(message.entityType, message.action, message.metadata).data;
    const actor = chain.users.get(userId);
    if (message.entityType === 'User' && message.action === 'Create') {
      const taken = [...chain.users.values()].some(
        (u) => String(u.data.handle).toLowerCase() === String(data!.handle).toLowerCase(),
      );
      if (!taken && !chain.users.has(id))
        chain.users.set(id, {
          wallet: signer,
          data: data!,
          deactivated: false,
          updated: chain.head,
        });
      continue;
    }
    if (!actor || actor.wallet !== signer) continue;
    const key = `${userId}:${message.entityType}:${id}`;
    switch (`${message.entityType} ${message.action}`) {
      case 'User Update':
        actor.data = { ...actor.data, ...data };
        actor.updated = chain.head;
        if (typeof data!.is_deactivated === 'boolean') actor.deactivated = data!.is_deactivated;
        break;
      case 'User Follow':
        chain.follows.add(`${userId}:${id}`);
        break;
      case 'User Unfollow':
        chain.follows.delete(`${userId}:${id}`);
        break;
      case 'Track Create':
        chain.tracks.set(id, { owner: userId, data: data!, deleted: false, updated: chain.head });
        break;
      case 'Playlist Create':
        chain.playlists.set(id, {
          owner: userId,
          data: data!,
          deleted: false,
          updated: chain.head,
        });
        break;
      case 'Track Update':
      case 'Playlist Update': {
        const rows = message.entityType === 'Track' ? chain.tracks : chain.playlists;
        const row = rows.get(id);
        if (row && row.owner === userId) {
          row.data = { ...row.data, ...data };
          row.updated = chain.head;
        }
        break;
      }
      case 'Track Delete':
      case 'Playlist Delete': {
        const row = (message.entityType === 'Track' ? chain.tracks : chain.playlists).get(id);
        if (row && row.owner === userId) row.deleted = true;
        break;
      }
      default: {
        const set = message.action.endsWith('ave') ? chain.saves : chain.reposts;
        if (message.action.startsWith('Un')) set.delete(key);
        else set.add(key);
      }
    }
  }
  chain.indexed = chain.head;
}
