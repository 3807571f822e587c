import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { parseEther } from 'viem';
import { createChainNetwork } from './network.js';

describe('the network from NodeRegistry', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => {
    await net?.stop();
  });

  it('lists registered content nodes and knows discovery signers, refreshed from the chain', async () => {
    const [, cnOwner, cnWallet, dnOwner, dnWallet, lateOwner, lateWallet] = net.accounts;
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [cnOwner!.address, dnOwner!.address, lateOwner!.address],
      dgco: parseEther('300000'),
    });
    await registerNode({
      manifest: net.manifest,
      owner: cnOwner!,
      serviceType: 'contentNode',
      endpoint: 'http://127.0.0.1:4101/',
      stake: parseEther('200000'),
      delegateWallet: cnWallet!.address,
    });
    await registerNode({
      manifest: net.manifest,
      owner: dnOwner!,
      serviceType: 'discoveryNode',
      endpoint: 'http://127.0.0.1:5101',
      stake: parseEther('200000'),
      delegateWallet: dnWallet!.address,
    });
    const errors: unknown[] = [];
    const network = createChainNetwork({
      client: net.ethPublic,
      nodeRegistry: net.manifest.contracts.eth.NodeRegistry,
      refreshMs: 50,
      onError: (error) => errors.push(error),
    });
    await network.start();
    try {
      assert.deepEqual(network.contentNodes(), [
        { endpoint: 'http://127.0.0.1:4101', delegateWallet: cnWallet!.address },
      ]);
      assert.equal(network.isDiscoverySigner(dnWallet!.address), true);
      assert.equal(network.isDiscoverySigner(cnWallet!.address), false);
      assert.deepEqual(
        network.contentNodeByWallet(cnWallet!.address)?.endpoint,
        'http://127.0.0.1:4101',
      );
      // A node registered later shows up on a following refresh.
      await registerNode({
        manifest: net.manifest,
        owner: lateOwner!,
        serviceType: 'contentNode',
        endpoint: 'http://127.0.0.1:4102',
        stake: parseEther('200000'),
        delegateWallet: lateWallet!.address,
      });
      const deadline = Date.now() + 10_000;
      while (network.contentNodes().length < 2) {
        if (Date.now() > deadline) throw new Error('the new node never appeared');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(
        network
          .contentNodes()
          .map((n) => n.endpoint)
          .sort(),
        ['http://127.0.0.1:4101', 'http://127.0.0.1:4102'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await network.stop();
    }
  });
});
