// `coliving faucet [--amount <DGCO>]`: $DGCO for the logged-in account on the local devnet, from
// the devnet's treasury (the deployer, dev account 0, holds the supply there). Devnet only: it
// needs the running devnet's `.coliving/devnet.json` and its eth chain, and refuses anywhere else,
// since no other network's treasury key is known (nor should be).
import { DEVNET_ETH_CHAIN_ID } from '@coliving/chain';
import { FAUCET_DGCO, payFromTreasury } from '@coliving/devnet';
import { type Address, formatUnits, getAddress, parseUnits } from 'viem';
import type { Command } from '../command.js';
import { findDevnetManifest, loadSession } from '../context.js';
import { output } from '../context.js';
import { UsageError } from '../errors.js';

/** The most one call sends: a faucet for testing, not a way to move the supply. */
const FAUCET_MAX_DGCO = 10_000n * 10n ** 18n;

const amountJson = (wei: bigint) => ({ dgco: formatUnits(wei, 18), wei: wei.toString() });

/** `--amount` as wei: whole DGCO or a decimal with at most 18 places, above 0, at most the cap. */
function faucetAmount(value: unknown): bigint {
  if (value === undefined) return FAUCET_DGCO;
  if (typeof value !== 'string') throw new UsageError('--amount takes an amount of DGCO');
  const text = value.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(text))
    throw new UsageError(`--amount must be an amount of DGCO such as 100 or 2.5 (got "${text}")`);
  const wei = parseUnits(text, 18);
  if (wei <= 0n) throw new UsageError('--amount must be above 0 DGCO');
  if (wei > FAUCET_MAX_DGCO)
    throw new UsageError(`--amount may be at most ${formatUnits(FAUCET_MAX_DGCO, 18)} DGCO`);
  return wei;
}

const NOT_A_DEVNET =
  'The faucet works only on the local devnet (start it with `npm start`, then run this from the repository)';

export const faucetCommand: Command = {
  words: ['faucet'],
  usage: 'faucet [--amount <DGCO>]',
  summary: `Devnet only: $DGCO for your wallet from the devnet's treasury (${formatUnits(FAUCET_DGCO, 18)} by default)`,
  options: { amount: { type: 'string' } },
  positionals: 0,
  async run({ values, json, discovery }, io) {
    const amount = faucetAmount(values.amount);
    const session = await loadSession(io);
    if (!session) {
      throw new UsageError(
        'Not logged in: run `coliving account login --email <e> --password <p>` (or `account create`) first',
      );
    }
    const found = await findDevnetManifest(io.cwd);
    const eth = found?.manifest.chains?.eth;
    const token = found?.manifest.contracts?.eth?.DgcoToken;
    if (!found || !eth || !token) throw new UsageError(`${NOT_A_DEVNET}: no .coliving/devnet.json`);
    if (eth.chainId !== DEVNET_ETH_CHAIN_ID) {
      throw new UsageError(
        `${NOT_A_DEVNET}: ${found.path} names eth chain ${eth.chainId}, not the devnet's ${DEVNET_ETH_CHAIN_ID}`,
      );
    }
    // The session's network must be this devnet: money sent on the devnet's chain is of no use
    // to an account on another network.
    const devnetNodes = new Set((found.manifest.discoveryNodes ?? []).map((n) => n.endpoint));
    const elsewhere = [
      ...(discovery ?? io.env.COLIVING_DISCOVERY_URL ?? '').split(','),
      ...session.discovery,
    ]
      .map((u) => u.trim().replace(/\/+$/, ''))
      .filter((u) => u !== '' && !devnetNodes.has(u));
    if (elsewhere.length > 0) {
      throw new UsageError(
        `${NOT_A_DEVNET}: ${elsewhere[0]} is not one of the devnet's discovery nodes (${[...devnetNodes].join(', ') || 'none'})`,
      );
    }
    const wallet: Address = getAddress(session.wallet);
    let paid: Awaited<ReturnType<typeof payFromTreasury>>;
    try {
      paid = await payFromTreasury({ eth, token: getAddress(token), to: wallet, amount });
    } catch (cause) {
      throw new UsageError(
        `${NOT_A_DEVNET}: the devnet's eth chain at ${eth.rpcUrl} did not take the transfer (${(cause as Error).message.split('\n')[0]})`,
        { cause },
      );
    }
    output(
      io,
      json,
      {
        wallet,
        handle: session.handle ?? null,
        amount: amountJson(amount),
        balance: amountJson(paid.balance),
        txHash: paid.txHash,
        blockNumber: paid.blockNumber,
      },
      () =>
        [
          `Sent ${formatUnits(amount, 18)} DGCO from the devnet's treasury to ${session.handle ? `@${session.handle} ` : ''}${wallet}`,
          `balance ${formatUnits(paid.balance, 18)} DGCO (tx ${paid.txHash})`,
        ].join('\n'),
    );
  },
};
