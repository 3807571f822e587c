// Wallets' DGCO balances on the eth chain, for the user model's `balance` (docs/api-v1.md): read
// per answer in one parallel batch, kept a few seconds per wallet, never holding an answer long.
import { type Address, type PublicClient, erc20Abi } from 'viem';
import { UnavailableError } from '@coliving/protocol';

export type BalanceReaderInit = {
  /** A client of the eth chain. */
  client: PublicClient;
  /** DgcoToken. */
  token: Address;
  /** How long a balance read is served again (default 5 s). */
  freshMs?: number;
  /** How long an answer waits for the chain (default 1 s). */
  timeoutMs?: number;
  /** How old a balance may be served when the chain does not answer (default 10 min). */
  staleMs?: number;
  now?: () => number;
};

export interface BalanceReader {
  /**
   * The balances (DGCO wei, decimal strings) of `wallets` (lower case). A wallet the chain does
   * not answer for in time gets its last balance read within `staleMs`; with none, the whole
   * call fails with UnavailableError `chain_unavailable` (no balance is made up).
   */
  balancesOf(wallets: readonly string[]): Promise<Map<string, string>>;
}

/** A balance reader with a per-wallet cache; concurrent asks for one wallet share a read. */
export function createBalanceReader(init: BalanceReaderInit): BalanceReader {
  const freshMs = init.freshMs ?? 5_000;
  const timeoutMs = init.timeoutMs ?? 1_000;
  const staleMs = init.staleMs ?? 10 * 60_000;
  const now = init.now ?? Date.now;
  const known = new Map<string, { balance: string; at: number }>();
  const pending = new Map<string, Promise<string>>();

  const read = (wallet: string): Promise<string> => {
    let promise = pending.get(wallet);
    if (!promise) {
      promise = init.client
        .readContract({
          address: init.token,
          abi: erc20Abi,
          functionName: 'balanceOf',
          args: [wallet as Address],
        })
        .then((balance) => {
          const value = balance.toString();
          known.set(wallet, { balance: value, at: now() });
          // Bounded: a node answers for many wallets, each kept a few minutes at most.
          if (known.size > 100_000) known.clear();
          return value;
        })
        .finally(() => pending.delete(wallet));
      pending.set(wallet, promise);
    }
    return promise;
  };

  return {
    async balancesOf(wallets) {
      const out = new Map<string, string>();
      const toRead: string[] = [];
      for (const wallet of new Set(wallets)) {
        const entry = known.get(wallet);
        if (entry && now() - entry.at < freshMs) out.set(wallet, entry.balance);
        else toRead.push(wallet);
      }
      if (toRead.length === 0) return out;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const reads = toRead.map((wallet) =>
        Promise.race([read(wallet), timeout]).catch(() => 'failed' as const),
      );
      const results = await Promise.all(reads);
      clearTimeout(timer);
      for (const [i, wallet] of toRead.entries()) {
        const result = results[i]!;
        if (result !== 'timeout' && result !== 'failed') {
          out.set(wallet, result);
          continue;
        }
        const entry = known.get(wallet);
        if (!entry || now() - entry.at > staleMs) {
          throw new UnavailableError('The eth chain does not answer for DGCO balances', {
            code: 'chain_unavailable',
          });
        }
        out.set(wallet, entry.balance);
      }
      return out;
    },
  };
}
