// DGCO from the devnet's treasury: the deployer (dev account 0) holds the whole minted supply on a
// devnet, so the seeding gives the demo residents their starting balance from it, and
// `coliving faucet` tops up the logged-in account. Devnet only: on any other network nobody
// holds this key.
import { createChainClient, createChainWallet, devAccountKeys } from '@coliving/chain';
import type { ChainEndpoint } from '@coliving/chain';
import { dgcoTokenAbi } from '@coliving/contracts';
import { type Address, type Hex, type PrivateKeyAccount, getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { limiter } from './limiter.js';

/** Where the treasury's DGCO is: the eth chain and its DgcoToken. */
export type DevnetTreasury = { eth: ChainEndpoint; token: Address };

export type PayFromTreasuryParameters = DevnetTreasury & {
  to: Address;
  /** DGCO wei. */
  amount: bigint;
};

export type PayFromTreasuryReturnType = { txHash: Hex; blockNumber: number; balance: bigint };

/** The devnet's deployer and treasury: dev account 0 (deployNetwork deploys with it). */
export function devnetTreasuryAccount(): PrivateKeyAccount {
  return privateKeyToAccount(devAccountKeys()[0]!);
}

// One transfer at a time from this process: each takes the treasury's next nonce.
const oneAtATime = limiter(1);

/** Transfers `amount` DGCO wei from the treasury to `to`, waits for it, and returns `to`'s new balance. */
export async function payFromTreasury({
  eth,
  token,
  to,
  amount,
}: PayFromTreasuryParameters): Promise<PayFromTreasuryReturnType> {
  if (amount <= 0n) throw new RangeError('amount must be above zero');
  const publicClient = createChainClient('eth', eth);
  const wallet = createChainWallet('eth', eth, devnetTreasuryAccount());
  const receipt = await oneAtATime(async () => {
    const hash = await wallet.writeContract({
      address: token,
      abi: dgcoTokenAbi,
      functionName: 'transfer',
      args: [getAddress(to), amount],
    });
    return publicClient.waitForTransactionReceipt({ hash });
  });
  if (receipt.status !== 'success') {
    throw new Error(`the treasury's transfer reverted (${receipt.transactionHash})`);
  }
  return {
    txHash: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    balance: await dgcoBalance({ eth, token, wallet: to }),
  };
}

/** A wallet's DGCO balance in wei. */
export function dgcoBalance({
  eth,
  token,
  wallet,
}: DevnetTreasury & { wallet: Address }): Promise<bigint> {
  return createChainClient('eth', eth).readContract({
    address: token,
    abi: dgcoTokenAbi,
    functionName: 'balanceOf',
    args: [getAddress(wallet)],
  });
}
