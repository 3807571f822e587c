import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { nodeRegistryAbi } from '@coliving/contracts';
import {
  TRANSCODE_RESULTS,
  type UploadRecord,
  cidFromBytes,
  recoverUploadReceipt,
} from '@coliving/protocol';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createChainNetwork } from './network.js';
import { receiptFor } from './uploadReceipts.js';

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

  it('finds its own registration, and signs receipts a discovery node can check against it', async () => {
    const [, , cnWallet] = net.accounts;
    const network = createChainNetwork({
      client: net.ethPublic,
      nodeRegistry: net.manifest.contracts.eth.NodeRegistry,
      refreshMs: 60_000,
      onError: () => undefined,
      selfWallet: cnWallet!.address,
    });
    const stranger = createChainNetwork({
      client: net.ethPublic,
      nodeRegistry: net.manifest.contracts.eth.NodeRegistry,
      refreshMs: 60_000,
      onError: () => undefined,
      selfWallet: privateKeyToAccount(generatePrivateKey()).address,
    });
    await Promise.all([network.start(), stranger.start()]);
    try {
      const registration = network.registration();
      assert.ok(registration, 'a registered node knows its id and a block');
      assert.equal(stranger.registration(), undefined, 'an unregistered wallet has none');
      // The block it names is one in which NodeRegistry gives this node this delegate.
      const { number } = await net.ethPublic.getBlock({ blockHash: registration.blockHash });
      const node = await net.ethPublic.readContract({
        address: net.manifest.contracts.eth.NodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'getNode',
        args: [registration.nodeId],
        blockNumber: number,
      });
      assert.equal(node.delegateWallet, cnWallet!.address);

      const cid = (n: number) => cidFromBytes(new Uint8Array([n]));
      const record: UploadRecord = {
        id: '0b9d7a4e-8c1f-4a6e-9d2b-3f5e7c9a1b2d',
        template: 'audio',
        wallet: net.accounts[5]!.address,
        host: 'http://127.0.0.1:4101',
        status: 'done',
        origFileName: 'a.wav',
        origFileCid: await cid(1),
        size: 10,
        results: {
          original: await cid(1),
          [TRANSCODE_RESULTS.stream]: await cid(2),
          [TRANSCODE_RESULTS.preview]: await cid(3),
          [TRANSCODE_RESULTS.peaks]: await cid(4),
        },
        durationSeconds: 61.5,
        attempts: 1,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      };
      const receipt = await receiptFor(cnWallet!, network, record);
      assert.ok(receipt);
      const { data, signer } = await recoverUploadReceipt(receipt);
      assert.equal(signer, cnWallet!.address);
      assert.deepEqual(
        [data.uploader, data.cid, data.previewCid, data.origCid, data.waveformCid],
        [record.wallet, await cid(2), await cid(3), await cid(1), await cid(4)],
      );
      assert.equal(data.durationSeconds, 61.5);
      assert.equal(data.nodeId, registration.nodeId.toString());
      // No receipt from a node that is not registered, nor for an image.
      assert.equal(await receiptFor(cnWallet!, stranger, record), undefined);
      assert.equal(
        await receiptFor(cnWallet!, network, { ...record, template: 'img_square' }),
        undefined,
      );
    } finally {
      await Promise.all([network.stop(), stranger.stop()]);
    }
  });
});
