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

/** How often the balance in the navigation is read again while the tab is open. */
export const BALANCE_REFRESH_MS = 30_000;

export type Wallet = {
  /** The signed-in wallet's DGCO balance in wei; null while unknown (or logged out). */
  balance: bigint | null;
  /** Reads the balance again (after a payment). */
  refresh: () => Promise<void>;
  /**
   * What this listener has unlocked beyond what the pages read: content ids bought, and
   * `user:<id>` for landlords tipped (or followed) in this visit, so a lock goes at once.
   */
  unlocked: ReadonlySet<string>;
  unlock: (keys: readonly string[]) => void;
};

const NO_WALLET: Wallet = {
  balance: null,
  refresh: async () => {},
  unlocked: new Set(),
  unlock: () => {},
};

const WalletContext = createContext<Wallet | null>(null);

/** The signed-in user's DGCO wallet: the balance, and what they bought and who they tipped. */
export function WalletProvider({ children }: { children: ReactNode }) {
  const sdk = useSdk();
  const session = useSession();
  const wallet = session.wallet;
  const userId = session.user?.id;
  const [balance, setBalance] = useState<bigint | null>(null);
  const [unlocked, setUnlocked] = useState<ReadonlySet<string>>(() => new Set());

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

  // What was bought and who was tipped in earlier visits, so lists read without the viewer
  // (trending, search) do not show a lock on what this listener owns.
  useEffect(() => {
    setUnlocked(new Set());
    if (!userId) return;
    let stopped = false;
    void Promise.all([
      sdk.users.purchases(userId).catch(() => []),
      sdk.users.supporting(userId).catch(() => []),
    ]).then(([purchases, supporting]) => {
      if (stopped) return;
      const keys = [
        ...purchases.map((p) => p.content_id),
        ...supporting.map((s) => `user:${s.receiver.id}`),
      ];
      setUnlocked((before) => new Set([...before, ...keys]));
    });
    return () => {
      stopped = true;
    };
  }, [sdk, userId]);

  const unlock = useCallback((keys: readonly string[]) => {
    setUnlocked((before) => new Set([...before, ...keys]));
  }, []);

  const value = useMemo<Wallet>(
    () => ({ balance, refresh, unlocked, unlock }),
    [balance, refresh, unlocked, unlock],
  );
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

/** The wallet; outside a <WalletProvider> (page tests), one that knows nothing. */
export function useWallet(): Wallet {
  return useContext(WalletContext) ?? NO_WALLET;
}
