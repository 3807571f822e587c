// Moving a devchain's clock: how a demo catalog gets a past on a chain started back in time.
import { createPublicClient, createTestClient, http } from 'viem';

/**
 * Moves the chain at `rpcUrl` (a devchain) forward to `at`: the next block is mined at that time
 * and later blocks follow the wall clock from there. Never backwards: a chain already at or past
 * `at` is left alone (a resumed seeding asks for eras it has passed).
 */
export async function advanceChainClock(rpcUrl: string, at: Date): Promise<void> {
  const transport = http(rpcUrl);
  const reader = createPublicClient({ transport });
  const clock = createTestClient({ mode: 'hardhat', transport });
  const target = BigInt(Math.floor(at.getTime() / 1000));
  const latest = await reader.getBlock({ blockTag: 'latest' });
  if (latest.timestamp >= target) return;
  try {
    await clock.setNextBlockTimestamp({ timestamp: target });
  } catch (error) {
    // A write mined meanwhile can only have moved the clock on, never past a time in the past
    // by more than a second or two: if the chain is now at or past `at`, there is nothing to do.
    const now = await reader.getBlock({ blockTag: 'latest' });
    if (now.timestamp >= target) return;
    throw error;
  }
  await clock.mine({ blocks: 1 });
}
