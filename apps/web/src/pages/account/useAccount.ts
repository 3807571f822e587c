import type { User } from '@coliving/sdk';
import { useSdk } from '../../sdk.js';
import { useSession } from '../../session.js';
import { useAsync } from '../../components/useAsync.js';

export type AccountState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'no-profile'; wallet: string }
  | { status: 'ready'; wallet: string; user: User }
  | { status: 'error'; error: unknown; retry: () => void };

/**
 * Who is using the page, telling "no profile yet" apart from "profile still loading": the
 * session's `user` is null in both cases, so when it is null the wallet's user is looked up here.
 */
export function useAccount(): AccountState {
  const sdk = useSdk();
  const session = useSession();
  const wallet = session.status === 'signed-in' ? session.wallet : null;
  const lookup = wallet !== null && session.user === null;
  const found = useAsync(
    async (signal) => {
      if (!lookup || !wallet) return null;
      try {
        return await sdk.users.byWallet(wallet, { signal });
      } catch (error) {
        if ((error as { type?: string }).type === 'not_found') return null;
        throw error;
      }
    },
    [sdk, wallet, lookup],
  );
  if (session.status === 'loading') return { status: 'loading' };
  if (session.status === 'anonymous' || !wallet) return { status: 'anonymous' };
  if (session.user) return { status: 'ready', wallet, user: session.user };
  if (found.status === 'loading') return { status: 'loading' };
  if (found.status === 'error')
    return { status: 'error', error: found.error, retry: () => found.reload() };
  return found.data
    ? { status: 'ready', wallet, user: found.data }
    : { status: 'no-profile', wallet };
}
