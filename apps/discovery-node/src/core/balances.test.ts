import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEther } from 'viem';
import { createChainClient, fundAccounts } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { UnavailableError } from '@coliving/protocol';
import { freePort } from '../testing.js';
import { createBalanceReader } from './balances.js';

let network: TestNetwork;
before(async () => {
  network = await startTestNetwork();
});
after(async () => {
  await network?.stop();
});

describe('balance reader', () => {
  it('reads wallets’ DGCO balances in one call, keeps them a few seconds, and serves the last one while the chain is down', async () => {
    const [, alice, bob] = network.accounts;
    const wallets = [alice!.address.toLowerCase(), bob!.address.toLowerCase()];
    let now = 1_000_000;
    const reader = createBalanceReader({
      client: network.ethPublic,
      token: network.manifest.contracts.eth.DgcoToken,
      now: () => now,
    });
    const first = await reader.balancesOf(wallets);
    for (const wallet of wallets) {
      assert.equal(
        first.get(wallet),
        (await network.balanceOf(wallet as `0x${string}`)).toString(),
      );
    }
    await fundAccounts({
      manifest: network.manifest,
      from: network.deployer,
      recipients: [alice!.address],
      dgco: parseEther('7'),
    });
    const expected = (await network.balanceOf(alice!.address)).toString();
    // Within 5 s the kept balance answers; after, the chain's.
    assert.equal((await reader.balancesOf(wallets)).get(wallets[0]!), first.get(wallets[0]!));
    now += 6_000;
    assert.equal((await reader.balancesOf(wallets)).get(wallets[0]!), expected);
    assert.notEqual(expected, first.get(wallets[0]!));

    // The chain stops answering: the last balance, for 10 minutes, then 503 chain_unavailable.
    await network.stop();
    now += 6_000;
    assert.equal((await reader.balancesOf(wallets)).get(wallets[0]!), expected);
    now += 11 * 60_000;
    await assert.rejects(reader.balancesOf(wallets), (error: unknown) => {
      assert.ok(error instanceof UnavailableError);
      assert.equal(error.code, 'chain_unavailable');
      return true;
    });
  });

  it('refuses with chain_unavailable, within its timeout, when it never read a balance', async () => {
    const port = await freePort();
    const reader = createBalanceReader({
      client: createChainClient('eth', { rpcUrl: `http://127.0.0.1:${port}`, chainId: 1337 }),
      token: '0x0000000000000000000000000000000000000001',
      timeoutMs: 300,
    });
    const started = Date.now();
    await assert.rejects(reader.balancesOf([`0x${'ab'.repeat(20)}`]), /does not answer/);
    assert.ok(Date.now() - started < 3_000);
  });
});
