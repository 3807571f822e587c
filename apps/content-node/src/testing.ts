// Helpers for tests and benchmarks that run content nodes in this process.
import { createServer } from 'node:net';
import type { UploadRecord } from '@coliving/protocol';
import type { Discovery } from './core/discovery.js';

/** A loopback port that was free a moment ago, chosen by the OS. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls an upload until its job has finished (done or error), failing after `timeoutMs`. */
export async function waitForUpload(
  read: () => Promise<UploadRecord>,
  timeoutMs = 60_000,
  pollMs = 50,
): Promise<UploadRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await read();
    if (record.status === 'done' || record.status === 'error') return record;
    if (Date.now() > deadline)
      throw new Error(`upload ${record.id} is still ${record.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * A test seam for createContentNode's `discovery`, for tests about transcoding, replication or
 * streaming rather than who may upload: every wallet is a user (its id taken from the wallet, so
 * wallets stay distinct users) and every CID is referenced (retention deletes nothing). Who may
 * upload and retention are tested against real discovery nodes (uploadAccess.test.ts).
 */
export function everyWalletIsAUserForTests(): Discovery {
  return {
    userOf: async (wallet) => Number.parseInt(wallet.slice(2, 14), 16),
    referencedCids: async (cids) => new Set(cids),
  };
}
