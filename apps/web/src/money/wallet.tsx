import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { toWei } from './dgco.js';
import { NO_UNLOCKS, type Unlocks } from './gates.js';

/** How often the balance in the navigation is read again while the tab is open. */
export const BALANCE_REFRESH_MS = 30_000;

/** How many of the followed landlords are read at login (to open their follow gates). */
export const FOLLOWING_LIMIT = 100;

/** What a purchase was of: a track, or a playlist (an album) that opens its tracks. */
export type Purchased = { kind: 'track' | 'playlist'; id: string; trackIds?: readonly string[] };

export type Wallet = {
  /** The signed-in wallet's DGCO balance in wei; null while unknown (or logged out). */
  balance: bigint | null;
  /** Reads the balance again (after a payment). */
  refresh: () => Promise<void>;
  /**
   * What this listener bought, tipped and followed or unfollowed beyond what the pages read, so
   * every lock on screen (rows, pages, the player) follows at once, without reading them again.
   */
  unlocks: Unlocks;
  /** A purchase: the content, and an album's tracks (read from the node when not given). */
  recordPurchase: (item: Purchased) => void;
  /** A tip to `userId`: their tip gates open. */
  recordTip: (userId: string) => void;
  /** A follow (true) or unfollow (false) of `userId`: their follow gates open or close. */
  recordFollow: (userId: string, following: boolean) => void;
};

const NO_WALLET: Wallet = {
  balance: null,
  refresh: async () => {},
  unlocks: NO_UNLOCKS,
  recordPurchase: () => {},
  recordTip: () => {},
  recordFollow: () => {},
};

const WalletContext = createContext<Wallet | null>(null);

const withAll = <T,>(set: ReadonlySet<T>, items: readonly T[]): ReadonlySet<T> =>
  items.every((i) => set.has(i)) ? set : new Set([...set, ...items]);

/** The signed-in user's DGCO wallet: the balance, and what they bought, tipped and follow. */
export function WalletProvider({ children }: { children: ReactNode }) {
  const sdk = useSdk();
  const session = useSession();
  const wallet = session.wallet;
  const userId = session.user?.id;
  const [balance, setBalance] = useState<bigint | null>(null);
  const [unlocks, setUnlocks] = useState<Unlocks>(NO_UNLOCKS);

  const refresh = useCallback(async () => {
    if (!wallet) return;
    try {
      const read = await sdk.wallet.balance({ wallet });
      setBalance(toWei(read.balance));
    } catch {
      // The last balance read stays; the next refresh tries again.
    }
  }, [sdk, wallet]);

  useEffect(() => {
    setBalance(null);
    if (!wallet) return;
    void refresh();
    const timer = setInterval(() => void refresh(), BALANCE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [wallet, refresh]);

  const addBought = useCallback((ids: readonly string[]) => {
    setUnlocks((u) => {
      const bought = withAll(u.bought, ids);
      return bought === u.bought ? u : { ...u, bought };
    });
  }, []);

  /** An album's tracks, bought with it. */
  const readAlbumTracks = useCallback(
    async (playlistId: string, signal?: AbortSignal) => {
      const tracks = await sdk.playlists.tracks(playlistId, { signal }).catch(() => []);
      return tracks.map((t) => t.id);
    },
    [sdk],
  );

  // What was bought, tipped and followed in earlier visits, so lists read without the viewer
  // (trending, search) do not show a lock on what this listener may play.
  useEffect(() => {
    setUnlocks(NO_UNLOCKS);
    if (!userId) return;
    const abort = new AbortController();
    const signal = abort.signal;
    void Promise.all([
      sdk.users.purchases(userId, { signal }).catch(() => []),
      sdk.users.supporting(userId, { signal }).catch(() => []),
      sdk.users.following(userId, { limit: FOLLOWING_LIMIT, signal }).catch(() => []),
    ]).then(async ([purchases, supporting, following]) => {
      const albums = purchases.filter((p) => p.content_type === 'playlist');
      const albumTracks = await Promise.all(
        albums.map((p) => readAlbumTracks(p.content_id, signal)),
      );
      if (signal.aborted) return;
      setUnlocks((u) => ({
        bought: withAll(u.bought, [...purchases.map((p) => p.content_id), ...albumTracks.flat()]),
        tipped: withAll(
          u.tipped,
          supporting.map((s) => s.receiver.id),
        ),
        // A follow or unfollow made meanwhile is newer than this read.
        follows: new Map([...following.map((f): [string, boolean] => [f.id, true]), ...u.follows]),
      }));
    });
    return () => abort.abort();
  }, [sdk, userId, readAlbumTracks]);

  const recordPurchase = useCallback(
    (item: Purchased) => {
      addBought([item.id, ...(item.trackIds ?? [])]);
      if (item.kind === 'playlist' && !item.trackIds) {
        void readAlbumTracks(item.id).then(addBought);
      }
    },
    [addBought, readAlbumTracks],
  );

  const recordTip = useCallback((to: string) => {
    setUnlocks((u) => (u.tipped.has(to) ? u : { ...u, tipped: new Set([...u.tipped, to]) }));
  }, []);

  const recordFollow = useCallback((to: string, following: boolean) => {
    setUnlocks((u) =>
      u.follows.get(to) === following
        ? u
        : { ...u, follows: new Map([...u.follows, [to, following]]) },
    );
  }, []);

  const value = useMemo<Wallet>(
    () => ({ balance, refresh, unlocks, recordPurchase, recordTip, recordFollow }),
    [balance, refresh, unlocks, recordPurchase, recordTip, recordFollow],
  );
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

/** The wallet; outside a <WalletProvider> (page tests), one that knows nothing. */
export function useWallet(): Wallet {
  return useContext(WalletContext) ?? NO_WALLET;
}
