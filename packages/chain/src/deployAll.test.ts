import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILD_DIGEST, ServiceType } from '@coliving/contracts';
import { parseEther } from 'viem';
import { DEFAULT_PARAMS } from './constants.js';
import { fundAccounts, registerNode } from './helpers.js';
import { type TestNetwork, expectRevert, startTestNetwork } from './testing.js';

describe('deployAll', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => {
    await net?.stop();
  });

  it('returns a JSON manifest with every contract, on two chains with different ids', async () => {
    const m = net.manifest;
    assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
    assert.notEqual(m.chains.eth.chainId, m.chains.data.chainId);
    assert.deepEqual(Object.keys(m.contracts.eth).sort(), [
      'ClaimsManager',
      'DelegateManager',
      'DgcoToken',
      'Governance',
      'NodeRegistry',
      'PaymentRouter',
      'ServiceTypeManager',
      'Staking',
    ]);
    for (const [name, address] of Object.entries(m.contracts.eth)) {
      const code = await net.ethPublic.getCode({ address });
      assert.ok(code && code.length > 2, `${name} has code`);
      assert.ok(m.deployBlocks.eth[name as keyof typeof m.deployBlocks.eth] > 0);
    }
    assert.ok(
      ((await net.dataPublic.getCode({ address: m.contracts.data.EntityManager })) ?? '0x').length >
        2,
    );
    assert.equal(m.params.fundingAmount, DEFAULT_PARAMS.fundingAmount.toString());
    assert.match(BUILD_DIGEST, /^0x[0-9a-f]{64}$/);
  });

  it('mints the initial supply to the treasury and wires governance everywhere', async () => {
    const { token, nodeRegistry, governance, claimsManager } = net.contractsFor(net.deployer);
    assert.equal(await token.read.totalSupply(), parseEther('1000000000'));
    assert.equal(await token.read.balanceOf([net.manifest.treasury]), parseEther('1000000000'));
    assert.equal(await token.read.governance(), net.manifest.contracts.eth.Governance);
    assert.equal(await token.read.isMinter([net.manifest.contracts.eth.ClaimsManager]), true);
    assert.equal(await nodeRegistry.read.governance(), net.manifest.contracts.eth.Governance);
    assert.equal(await claimsManager.read.fundingAmount(), DEFAULT_PARAMS.fundingAmount);
    assert.equal(
      await governance.read.isAllowedTarget([net.manifest.contracts.eth.DelegateManager]),
      true,
    );
    assert.equal(await governance.read.initialized(), true);
  });

  it('funds accounts and registers nodes', async () => {
    const operator = net.accounts[5]!;
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [operator.address],
      dgco: parseEther('500000'),
    });
    assert.equal(await net.balanceOf(operator.address), parseEther('500000'));
    const { nodeId } = await registerNode({
      manifest: net.manifest,
      owner: operator,
      serviceType: 'contentNode',
      endpoint: 'http://127.0.0.1:4001',
      stake: parseEther('200000'),
      delegateWallet: net.accounts[6]!.address,
    });
    const { nodeRegistry } = net.contractsFor(operator);
    const node = await nodeRegistry.read.getNode([nodeId]);
    assert.equal(node.owner, operator.address);
    assert.equal(node.serviceType, ServiceType.contentNode);
    assert.equal(node.endpoint, 'http://127.0.0.1:4001');
    assert.equal(node.delegateWallet, net.accounts[6]!.address);
  });
});

describe('one-time initialization', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => {
    await net?.stop();
  });

  it('a second initialize of every contract reverts, by the deployer or anyone else', async () => {
    const deployer = net.contractsFor(net.deployer);
    const attacker = net.contractsFor(net.accounts[9]!);
    const a = net.accounts[9]!.address;
    for (const c of [deployer, attacker]) {
      await expectRevert(c.token.write.initialize([[a]]), 'AlreadyInitialized');
      await expectRevert(c.staking.write.initialize([a, a]), 'AlreadyInitialized');
      await expectRevert(c.nodeRegistry.write.initialize([a]), 'AlreadyInitialized');
      await expectRevert(c.delegateManager.write.initialize([a]), 'AlreadyInitialized');
      await expectRevert(c.claimsManager.write.initialize([a]), 'AlreadyInitialized');
      await expectRevert(c.governance.write.initialize([a, a, [a]]), 'AlreadyInitialized');
    }
    assert.equal(await deployer.token.read.isMinter([a]), false);
    assert.equal(
      await deployer.staking.read.nodeRegistry(),
      net.manifest.contracts.eth.NodeRegistry,
    );
  });
});
