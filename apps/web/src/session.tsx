import type { User } from '@coliving/sdk';
import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { privateKeyToAccount } from 'viem/accounts';
import { useSdk } from './sdk.js';

/** Where the logged-in wallet's key is kept between visits (as Hedgehog keeps its entropy). */
export const SESSION_KEY = 'coliving.session';

export type SignUpInput = { email: string; password: string; handle: string; name: string };

export type Session = {
  status: 'loading' | 'anonymous' | 'signed-in';
  wallet: string | null;
  /** The signed-in wallet's profile; null until it has one (or while loading). */
  user: User | null;
  logIn(email: string, password: string): Promise<void>;
  signUp(input: SignUpInput): Promise<User>;
  logOut(): void;
  /** Reads the profile again (after an edit, a follow, an upload). */
  refresh(): Promise<void>;
};

export class HandleTakenError extends Error {
  override readonly name = 'HandleTakenError';
  constructor(handle: string) {
    super(`@${handle} is taken`);
  }
}

const SessionContext = createContext<Session | null>(null);

type Stored = { privateKey: `0x${string}` };

function readStored(): Stored | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    return typeof parsed.privateKey === 'string' && /^0x[0-9a-f]{64}$/i.test(parsed.privateKey)
      ? { privateKey: parsed.privateKey }
      : null;
  } catch {
    return null;
  }
}

/** Holds who is logged in: restores the key from localStorage and loads the profile. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const sdk = useSdk();
  const [status, setStatus] = useState<Session['status']>('loading');
  const [wallet, setWallet] = useState<string | null>(null);
  const [user, setUser] = useState<User | null>(null);

  const loadUser = useCallback(
    async (address: string) => {
      try {
        setUser(await sdk.users.byWallet(address));
      } catch (error) {
        if ((error as { type?: string }).type === 'not_found') setUser(null);
        else throw error;
      }
    },
    [sdk],
  );

  const adopt = useCallback(
    async (privateKey: `0x${string}`) => {
      const account = privateKeyToAccount(privateKey);
      sdk.setAccount(account);
      try {
        localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey }));
      } catch {
        // Storage blocked or full: the login lasts for this tab only.
      }
      setWallet(account.address);
      // Signed in once the profile is known (or known to be missing), so no page mistakes a
      // profile still loading for one that does not exist.
      try {
        await loadUser(account.address);
      } finally {
        setStatus('signed-in');
      }
    },
    [sdk, loadUser],
  );

  useEffect(() => {
    const stored = readStored();
    if (!stored) {
      setStatus('anonymous');
      return;
    }
    const address = privateKeyToAccount(stored.privateKey).address;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Reads the profile again until it answers (backing off to 30 s, and at once when the
    // browser is back online), unless the user logged out or in as someone else meanwhile.
    const readAgain = (delay: number) => {
      timer = setTimeout(() => {
        if (stopped || sdk.account?.address !== address) return;
        loadUser(address).catch(() => readAgain(Math.min(delay * 2, 30_000)));
      }, delay);
    };
    const onOnline = () => {
      clearTimeout(timer);
      readAgain(0);
    };
    adopt(stored.privateKey).catch(() => {
      // The key is kept: a network that is down now does not log anyone out.
      if (stopped) return;
      window.addEventListener('online', onOnline);
      readAgain(2_000);
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('online', onOnline);
    };
  }, [adopt, loadUser, sdk]);

  const session = useMemo<Session>(
    () => ({
      status,
      wallet,
      user,
      async logIn(email, password) {
        const { privateKey } = await sdk.auth.logIn({ email, password });
        await adopt(privateKey);
      },
      async signUp({ email, password, handle, name }) {
        // A taken handle is refused before a login is written for it.
        const taken = await sdk.users.byHandle(handle).then(
          () => true,
          (error: { type?: string }) => {
            if (error.type === 'not_found') return false;
            throw error;
          },
        );
        if (taken) throw new HandleTakenError(handle);
        const { privateKey } = await sdk.auth.signUp({ email, password });
        await adopt(privateKey);
        const { user: created } = await sdk.users.create({ handle, name });
        setUser(created);
        return created;
      },
      logOut() {
        sdk.auth.logOut();
        try {
          localStorage.removeItem(SESSION_KEY);
        } catch {
          // Storage blocked: nothing was kept to remove.
        }
        setWallet(null);
        setUser(null);
        setStatus('anonymous');
      },
      async refresh() {
        if (wallet) await loadUser(wallet);
      },
    }),
    [status, wallet, user, sdk, adopt, loadUser],
  );

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** Who is logged in, and the actions that change it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}
