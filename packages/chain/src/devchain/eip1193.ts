// The few EIP-1193 requests the devchain's journal and replay make of hardhat's provider.
import type { Hex } from 'viem';

export type RequestArguments = { method: string; params?: unknown[] };
export type Eip1193Provider = { request(args: RequestArguments): Promise<unknown> };

/** A block's number, hash and timestamp, as the journal records them. */
export type BlockHead = { number: number; hash: Hex; timestamp: number };

/** The block `tag` names, or undefined when the chain has no such block yet. */
export async function getBlock(
  provider: Eip1193Provider,
  tag: number | 'latest',
): Promise<BlockHead | undefined> {
  const block = (await provider.request({
    method: 'eth_getBlockByNumber',
    params: [typeof tag === 'number' ? `0x${tag.toString(16)}` : tag, false],
  })) as { number: Hex; hash: Hex; timestamp: Hex } | null;
  return block
    ? { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp) }
    : undefined;
}

/** The chain's latest block. */
export async function getHead(provider: Eip1193Provider): Promise<BlockHead> {
  const head = await getBlock(provider, 'latest');
  if (!head) throw new Error('the devchain has no latest block');
  return head;
}

/** The chain clock's lead over wall time in seconds (negative when it lags). */
export async function getClockOffset(provider: Eip1193Provider): Promise<number> {
  return Number(await provider.request({ method: 'evm_increaseTime', params: [0] }));
}
