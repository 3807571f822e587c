import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { parseEther } from 'viem';
import { createChainClients, resolveEndpoint } from './clients.js';
import { DEV_ACCOUNT_BALANCE, DEVNET_DATA_CHAIN_ID, DEVNET_ETH_CHAIN_ID } from './constants.js';
import { devAccountKeys, startDevchain } from './startDevchain.js';
import { privateKeyToAccount } from 'viem/accounts';

/** A port that was free a moment ago, chosen by the OS. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('startDevchain', () => {
  it('serves JSON-RPC on the chosen loopback port with the chosen chain id and funded dev accounts', async () => {
    const port = await freePort();
    const chain = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port });
    try {
      assert.equal(chain.rpcUrl, `http://127.0.0.1:${port}`);
      assert.deepEqual(await resolveEndpoint(chain.rpcUrl), {
        rpcUrl: chain.rpcUrl,
        chainId: DEVNET_ETH_CHAIN_ID,
      });
      const { eth } = createChainClients({
        eth: { rpcUrl: chain.rpcUrl, chainId: DEVNET_ETH_CHAIN_ID },
        data: { rpcUrl: chain.rpcUrl, chainId: DEVNET_ETH_CHAIN_ID },
      });
      const first = privateKeyToAccount(devAccountKeys()[0]!);
      assert.equal(first.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
      assert.equal(await eth.getBalance({ address: first.address }), DEV_ACCOUNT_BALANCE);
      assert.equal(await eth.getBlockNumber(), 0n);
    } finally {
      await chain.stop();
    }
    // Stopped means the port is free again.
    const again = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port });
    await again.stop();
  });

  it('funds extra genesis accounts', async () => {
    const key = `0x${'42'.repeat(32)}` as const;
    const chain = await startDevchain({
      chainId: DEVNET_DATA_CHAIN_ID,
      accounts: [{ privateKey: key, balance: parseEther('7') }],
    });
    try {
      const client = createChainClients({
        eth: { rpcUrl: chain.rpcUrl, chainId: DEVNET_DATA_CHAIN_ID },
        data: { rpcUrl: chain.rpcUrl, chainId: DEVNET_DATA_CHAIN_ID },
      }).data;
      assert.equal(
        await client.getBalance({ address: privateKeyToAccount(key).address }),
        parseEther('7'),
      );
    } finally {
      await chain.stop();
    }
  });

  it('names the port when it is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(address && typeof address !== 'string');
    try {
      await assert.rejects(
        startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port: address.port }),
        (error: unknown) => {
          assert.match(
            String(error),
            new RegExp(`Port ${address.port} on 127.0.0.1 is already in use`),
          );
          return true;
        },
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('resolveEndpoint reports a URL that is not a chain', async () => {
    const port = await freePort();
    await assert.rejects(resolveEndpoint(`http://127.0.0.1:${port}`));
  });
});
