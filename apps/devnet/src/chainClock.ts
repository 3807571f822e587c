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

/**
 * Resolves once the wall clock has caught up with the chain at `rpcUrl`: a devchain mines each
 * write in its own block at least a second after the one before, so a burst of writes (a
 * seeding) runs its clock ahead of the other chain's. A payment is judged against the data
 * chain as of the eth block's time (docs/design.md §9), so until the clocks agree again a
 * content change can look later than a payment made after it.
 */
export async function waitForChainClock(rpcUrl: string, signal?: AbortSignal): Promise<void> {
  const reader = createPublicClient({ transport: http(rpcUrl) });
  for (;;) {
    const latest = await reader.getBlock({ blockTag: 'latest' });
    const ahead = Number(latest.timestamp) * 1000 - Date.now();
    if (ahead < 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ahead + 1000, 5_000)));
    signal?.throwIfAborted();
  }
}
