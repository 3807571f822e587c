// A real local network for the web player's tests: both chains and one discovery node (with
// `web`, also the production build of the player served against it), run by localNetwork.mjs in
// a process of its own: the devnet is Node only, and its chains are better off outside a
// component test's DOM globals. Used by the consent page's and Settings → Apps' component tests
// (vitest) and by the Settings → Apps browser test (node:test).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ColivingSdk, createColivingSdk } from '@coliving/sdk';
import { fetch as nodeFetch } from 'undici';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'localNetwork.mjs');

/** A user made on the network: the key that signs for them, their id, an SDK acting as them. */
export type Someone = { key: `0x${string}`; userId: string; sdk: ColivingSdk };

export type LocalNetwork = {
  /** The discovery node. */
  endpoint: string;
  /** The player, when started with `web`. */
  web?: string;
  /**
   * An SDK against the node through Node's fetch (happy-dom's wants CORS headers a test has no
   * need of), signing with `key` or sending `apiKey` when given.
   */
  sdk(init?: { key?: `0x${string}`; apiKey?: string }): ColivingSdk;
  /** A new user with a key of their own; named `name`, or their handle. */
  someone(handle: string, name?: string): Promise<Someone>;
  /** Stops the network (and the player) and removes its files. */
  stop(): Promise<void>;
};

/** Starts a local network; it stops with stop(), or when this process goes away. */
export async function startLocalNetwork(options: { web?: boolean } = {}): Promise<LocalNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-web-network-'));
  const child = spawn(process.execPath, [RUNNER, dir, ...(options.web ? ['--web'] : [])], {
    cwd: dirname(RUNNER),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  let ready: { endpoint: string; web?: string };
  try {
    ready = await new Promise((done, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out
          .split('\n')
          .slice(0, -1) // whole lines only
          .find((l) => l.startsWith('{"endpoint"'));
        if (line) done(JSON.parse(line) as { endpoint: string; web?: string });
      });
      child.once('error', fail);
      child.once('exit', (code, signal) =>
        fail(new Error(`the local network exited (${code ?? signal}) before it was ready`)),
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const sdk: LocalNetwork['sdk'] = (init = {}) =>
    createColivingSdk({
      discoveryNodes: [ready.endpoint],
      fetch: nodeFetch as unknown as typeof fetch,
      pollIntervalMs: 50,
      ...(init.key ? { account: privateKeyToAccount(init.key) } : {}),
      ...(init.apiKey ? { apiKey: init.apiKey } : {}),
    });
  return {
    ...ready,
    sdk,
    async someone(handle, name = handle) {
      const key = generatePrivateKey();
      const as = sdk({ key });
      const { userId } = await as.users.create({ handle, name });
      return { key, userId, sdk: as };
    },
    stop,
  };
}
