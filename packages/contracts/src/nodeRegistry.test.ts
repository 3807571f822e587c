// NodeRegistry's tests, reverts included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (registering nodes, their stake and its lockups, deregistering
// them: all on the same stake bounds), and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PARAMS } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import { ServiceType, nodeRegistryAbi } from '@coliving/contracts';
import { type Account, type Address, stringToHex, zeroAddress } from 'viem';
import { dgco, eventsOf, nodeStakingKit } from './nodeStakingKit.js';

const LOCKUP = DEFAULT_PARAMS.decreaseStakeLockupBlocks;
const CUT_LOCKUP = DEFAULT_PARAMS.deployerCutLockupBlocks;
/** Blocks after the lockup expiry in which a request may still be executed. */
const WINDOW = 6_646n;
const CONTENT = ServiceType.contentNode;
const DISCOVERY = ServiceType.discoveryNode;
const CONTENT_MIN = dgco(200_000);
const CONTENT_MAX = dgco(3_000_000);
const DISCOVERY_MIN = dgco(200_000);
const DISCOVERY_MAX = dgco(2_000_000);

describe('NodeRegistry', () => {
  let net: TestNetwork;
  let kit: ReturnType<typeof nodeStakingKit>;
  let revert: () => Promise<void>;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let dave: Account;
  let delegator: Account;
  let wallet1: Address;
  let wallet2: Address;

  before(async () => {
    net = await startTestNetwork();
    kit = nodeStakingKit(net);
    alice = net.accounts[1]!;
    bob = net.accounts[2]!;
    carol = net.accounts[3]!;
    dave = net.accounts[4]!;
    delegator = net.accounts[5]!;
    wallet1 = net.accounts[10]!.address;
    wallet2 = net.accounts[11]!.address;
    await kit.prepare([alice, bob, carol, dave, delegator], dgco(10_000_000));
  });
  after(async () => {
    await net?.stop();
  });
  beforeEach(async () => {
    revert = await net.snapshot();
  });
  afterEach(async () => {
    await revert();
  });

  /** Staked figures of `owner` everywhere they are kept. */
  async function stakeOf(owner: Address) {
    const { nodeRegistry, staking } = kit.contractsFor(net.deployer);
    return {
      deployerStake: await nodeRegistry.read.deployerStakeOf([owner]),
      ledger: await staking.read.stakeOf([owner]),
      nodeStake: await staking.read.nodeStakeOf([owner]),
      wallet: await net.balanceOf(owner),
    };
  }

  it('is wired to Staking, ServiceTypeManager, DelegateManager and Governance with the default lockups', async () => {
    const { nodeRegistry } = kit.contractsFor(net.deployer);
    const eth = net.manifest.contracts.eth;
    assert.equal(await nodeRegistry.read.staking(), eth.Staking);
    assert.equal(await nodeRegistry.read.serviceTypeManager(), eth.ServiceTypeManager);
    assert.equal(await nodeRegistry.read.delegateManager(), eth.DelegateManager);
    assert.equal(await nodeRegistry.read.governance(), eth.Governance);
    assert.equal(await nodeRegistry.read.initialized(), true);
    assert.equal(await nodeRegistry.read.decreaseStakeLockupDuration(), 46_523n);
    assert.equal(await nodeRegistry.read.deployerCutLockupDuration(), 46_523n);
    assert.equal(await nodeRegistry.read.MAX_DEPLOYER_CUT(), 10_000n);
    assert.equal(await nodeRegistry.read.REQUEST_EXECUTION_WINDOW(), WINDOW);
    assert.equal(await nodeRegistry.read.lastNodeId(), 0n);
  });

  it('register returns the node id, emits NodeRegistered and shows the node in every view', async () => {
    const { nodeRegistry, staking } = kit.contractsFor(alice);
    const walletBefore = await net.balanceOf(alice.address);
    const stakingBefore = await kit.stakingBalance();

    const { result } = await nodeRegistry.simulate.register(
      [CONTENT, 'https://cn1.example', dgco(250_000), wallet1],
      { account: alice.address },
    );
    assert.equal(result, 1n);
    const receipt = await net.mined(
      await nodeRegistry.write.register([CONTENT, 'https://cn1.example', dgco(250_000), wallet1]),
    );
    const events = eventsOf(nodeRegistryAbi, 'NodeRegistered', receipt);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.args, {
      nodeId: 1n,
      serviceType: CONTENT,
      owner: alice.address,
      endpoint: 'https://cn1.example',
      delegateWallet: wallet1,
      stake: dgco(250_000),
    });

    const node = {
      owner: alice.address,
      serviceType: CONTENT,
      endpoint: 'https://cn1.example',
      delegateWallet: wallet1,
    };
    assert.equal(await nodeRegistry.read.lastNodeId(), 1n);
    assert.deepEqual(await nodeRegistry.read.getNode([1n]), node);
    assert.equal(await nodeRegistry.read.getNodeIdByEndpoint(['https://cn1.example']), 1n);
    assert.equal(await nodeRegistry.read.getNodeIdByEndpoint(['https://cn2.example']), 0n);
    assert.deepEqual(await nodeRegistry.read.getNodeIdsByType([CONTENT]), [1n]);
    assert.deepEqual(await nodeRegistry.read.getNodeIdsByType([DISCOVERY]), []);
    assert.deepEqual(await nodeRegistry.read.getNodesByType([CONTENT]), [[1n], [node]]);
    assert.deepEqual(await nodeRegistry.read.getNodesByType([DISCOVERY]), [[], []]);
    assert.deepEqual(await nodeRegistry.read.getOwnerInfo([alice.address]), {
      deployerStake: dgco(250_000),
      deployerCut: 0n,
      numberOfNodes: 1n,
      minAccountStake: CONTENT_MIN,
      maxAccountStake: CONTENT_MAX,
    });
    assert.deepEqual(await nodeRegistry.read.boundsOf([alice.address]), [CONTENT_MIN, CONTENT_MAX]);
    assert.equal(await nodeRegistry.read.isWithinBounds([alice.address]), true);
    assert.equal(await nodeRegistry.read.isEligibleForRewards([alice.address]), true);
    assert.equal(await nodeRegistry.read.nodeCountOf([alice.address]), 1n);
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), dgco(250_000));
    assert.equal(await nodeRegistry.read.deployerCutOf([alice.address]), 0n);
    // Someone with no node has no bounds and is never within them.
    assert.deepEqual(await nodeRegistry.read.boundsOf([bob.address]), [0n, 0n]);
    assert.equal(await nodeRegistry.read.isWithinBounds([bob.address]), false);
    assert.equal(await nodeRegistry.read.isEligibleForRewards([bob.address]), false);

    // The stake moved from the owner's wallet into Staking and onto the ledger.
    assert.equal(await net.balanceOf(alice.address), walletBefore - dgco(250_000));
    assert.equal(await kit.stakingBalance(), stakingBefore + dgco(250_000));
    assert.equal(await staking.read.stakeOf([alice.address]), dgco(250_000));
    assert.equal(await staking.read.nodeStakeOf([alice.address]), dgco(250_000));
    assert.equal(await staking.read.totalStaked(), dgco(250_000));

    // Ids keep counting across owners and types.
    const { nodeId } = await kit.register(
      bob,
      'discoveryNode',
      'https://dn1.example',
      dgco(200_000),
      wallet2,
    );
    assert.equal(nodeId, 2n);
    assert.deepEqual(await nodeRegistry.read.getNodesByType([DISCOVERY]), [
      [2n],
      [
        {
          owner: bob.address,
          serviceType: DISCOVERY,
          endpoint: 'https://dn1.example',
          delegateWallet: wallet2,
        },
      ],
    ]);
    assert.deepEqual(await nodeRegistry.read.boundsOf([bob.address]), [
      DISCOVERY_MIN,
      DISCOVERY_MAX,
    ]);
    assert.equal(await staking.read.totalStaked(), dgco(450_000));
  });

  it('register rejects an unknown type, a zero wallet, an empty, too long or taken endpoint', async () => {
    const { nodeRegistry } = kit.contractsFor(alice);
    const storageNode = stringToHex('storage-node', { size: 32 });
    assert.deepEqual(
      await expectRevert(
        nodeRegistry.write.register([storageNode, 'https://x.example', CONTENT_MIN, wallet1]),
        'UnknownServiceType',
      ),
      [storageNode],
    );
    await expectRevert(
      nodeRegistry.write.register([CONTENT, 'https://x.example', CONTENT_MIN, zeroAddress]),
      'ZeroAddress',
    );
    await expectRevert(
      nodeRegistry.write.register([CONTENT, '', CONTENT_MIN, wallet1]),
      'EmptyEndpoint',
    );
    await expectRevert(
      nodeRegistry.write.register([CONTENT, 'x'.repeat(257), CONTENT_MIN, wallet1]),
      'EndpointTooLong',
    );
    assert.equal(await nodeRegistry.read.lastNodeId(), 0n);

    // 256 bytes is the longest endpoint allowed.
    const longest = `https://${'a'.repeat(248)}`;
    assert.equal(longest.length, 256);
    await kit.register(alice, 'contentNode', longest, CONTENT_MIN, wallet1);
    assert.equal(await nodeRegistry.read.getNodeIdByEndpoint([longest]), 1n);

    // Taken by anyone, whatever the type.
    for (const [owner, type] of [
      [alice, DISCOVERY],
      [bob, CONTENT],
    ] as const) {
      assert.deepEqual(
        await expectRevert(
          kit
            .contractsFor(owner)
            .nodeRegistry.write.register([type, longest, CONTENT_MIN, wallet2]),
          'EndpointTaken',
        ),
        [longest],
      );
    }
    // Views of unknown ids and endpoints.
    assert.deepEqual(await expectRevert(nodeRegistry.read.getNode([2n]), 'NodeNotFound'), [2n]);
    assert.deepEqual(await expectRevert(nodeRegistry.read.getNode([0n]), 'NodeNotFound'), [0n]);
    await expectRevert(nodeRegistry.read.getNodeIdByEndpoint(['']), 'EmptyEndpoint');
    assert.equal(await nodeRegistry.read.lastNodeId(), 1n);
  });

  it('registering with stake out of bounds fails', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    const b = kit.contractsFor(bob).nodeRegistry;
    const aliceWallet = await net.balanceOf(alice.address);

    // Content node: below 200,000 and above 3,000,000 DGCO.
    assert.deepEqual(
      await expectRevert(
        a.write.register([CONTENT, 'https://cn1.example', CONTENT_MIN - 1n, wallet1]),
        'StakeOutOfBounds',
      ),
      [CONTENT_MIN - 1n, CONTENT_MIN - 1n, CONTENT_MIN, CONTENT_MAX],
    );
    assert.deepEqual(
      await expectRevert(
        a.write.register([CONTENT, 'https://cn1.example', 0n, wallet1]),
        'StakeOutOfBounds',
      ),
      [0n, 0n, CONTENT_MIN, CONTENT_MAX],
    );
    assert.deepEqual(
      await expectRevert(
        a.write.register([CONTENT, 'https://cn1.example', CONTENT_MAX + 1n, wallet1]),
        'StakeOutOfBounds',
      ),
      [CONTENT_MAX + 1n, CONTENT_MAX + 1n, CONTENT_MIN, CONTENT_MAX],
    );
    // Discovery node: above 2,000,000 DGCO, though a content node could hold that much.
    assert.deepEqual(
      await expectRevert(
        b.write.register([DISCOVERY, 'https://dn1.example', DISCOVERY_MAX + 1n, wallet2]),
        'StakeOutOfBounds',
      ),
      [DISCOVERY_MAX + 1n, DISCOVERY_MAX + 1n, DISCOVERY_MIN, DISCOVERY_MAX],
    );
    // Nothing was registered or staked.
    assert.equal(await a.read.lastNodeId(), 0n);
    assert.equal(await net.balanceOf(alice.address), aliceWallet);
    assert.equal(await kit.stakingBalance(), 0n);

    // The bounds themselves are inclusive.
    await kit.register(bob, 'discoveryNode', 'https://dn1.example', DISCOVERY_MAX, wallet2);
    await kit.register(carol, 'contentNode', 'https://cn9.example', CONTENT_MAX, wallet2);
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);

    // A second node raises the owner's bounds to the sum: its minimum must be staked too...
    assert.deepEqual(
      await expectRevert(
        a.write.register([CONTENT, 'https://cn2.example', 0n, wallet1]),
        'StakeOutOfBounds',
      ),
      [CONTENT_MIN, CONTENT_MIN, 2n * CONTENT_MIN, 2n * CONTENT_MAX],
    );
    assert.deepEqual(
      await expectRevert(
        a.write.register([DISCOVERY, 'https://dn2.example', DISCOVERY_MIN - 1n, wallet1]),
        'StakeOutOfBounds',
      ),
      [
        CONTENT_MIN + DISCOVERY_MIN - 1n,
        CONTENT_MIN + DISCOVERY_MIN - 1n,
        CONTENT_MIN + DISCOVERY_MIN,
        CONTENT_MAX + DISCOVERY_MAX,
      ],
    );
    await kit.register(alice, 'contentNode', 'https://cn2.example', CONTENT_MIN, wallet1);
    assert.deepEqual(await a.read.boundsOf([alice.address]), [2n * CONTENT_MIN, 2n * CONTENT_MAX]);
    // ...and its maximum is added: two content nodes may hold 6,000,000 DGCO, not one more wei.
    const room = 2n * CONTENT_MAX - 2n * CONTENT_MIN;
    assert.deepEqual(await expectRevert(a.write.increaseStake([room + 1n]), 'StakeOutOfBounds'), [
      2n * CONTENT_MAX + 1n,
      2n * CONTENT_MAX + 1n,
      2n * CONTENT_MIN,
      2n * CONTENT_MAX,
    ]);
    await net.mined(await a.write.increaseStake([room]));
    assert.equal(await a.read.deployerStakeOf([alice.address]), 2n * CONTENT_MAX);
    // A discovery node on top: the sums span both types.
    await kit.register(alice, 'discoveryNode', 'https://dn2.example', DISCOVERY_MIN, wallet1);
    assert.deepEqual(await a.read.boundsOf([alice.address]), [
      2n * CONTENT_MIN + DISCOVERY_MIN,
      2n * CONTENT_MAX + DISCOVERY_MAX,
    ]);
    assert.deepEqual(await a.read.getOwnerInfo([alice.address]), {
      deployerStake: 2n * CONTENT_MAX + DISCOVERY_MIN,
      deployerCut: 0n,
      numberOfNodes: 3n,
      minAccountStake: 2n * CONTENT_MIN + DISCOVERY_MIN,
      maxAccountStake: 2n * CONTENT_MAX + DISCOVERY_MAX,
    });
    assert.equal(
      await kit.stakingBalance(),
      DISCOVERY_MAX + CONTENT_MAX + 2n * CONTENT_MAX + DISCOVERY_MIN,
    );
  });

  it('the upper bound counts delegated stake', async () => {
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(1_000_000), wallet1);
    await kit.delegate(delegator, alice.address, dgco(1_500_000));
    const a = kit.contractsFor(alice).nodeRegistry;
    assert.deepEqual(
      await expectRevert(a.write.increaseStake([dgco(500_000) + 1n]), 'StakeOutOfBounds'),
      [dgco(1_500_000) + 1n, CONTENT_MAX + 1n, CONTENT_MIN, CONTENT_MAX],
    );
    await net.mined(await a.write.increaseStake([dgco(500_000)]));
    assert.equal(await a.read.isWithinBounds([alice.address]), true);
    // Governance lowering the maximum leaves the owner out of bounds, but still eligible for
    // rewards (on stake up to the maximum): only own stake below the minimum makes them not.
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([CONTENT, CONTENT_MIN, CONTENT_MAX - 1n]),
    );
    assert.equal(await a.read.isWithinBounds([alice.address]), false);
    assert.equal(await a.read.isEligibleForRewards([alice.address]), true);
    assert.deepEqual(await a.read.boundsOf([alice.address]), [CONTENT_MIN, CONTENT_MAX - 1n]);
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([CONTENT, dgco(1_500_000) + 1n, CONTENT_MAX]),
    );
    assert.equal(await a.read.isWithinBounds([alice.address]), false);
    assert.equal(await a.read.isEligibleForRewards([alice.address]), false);
  });

  it('deregister swap-removes the node and keeps every list and index right', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(400_000), wallet1); // 1
    await kit.register(bob, 'contentNode', 'https://cn2.example', CONTENT_MIN, wallet2); // 2
    await kit.register(carol, 'contentNode', 'https://cn3.example', CONTENT_MIN, wallet2); // 3
    await kit.register(alice, 'contentNode', 'https://cn4.example', 0n, wallet1); // 4
    await kit.register(alice, 'discoveryNode', 'https://dn1.example', DISCOVERY_MIN, wallet1); // 5
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [1n, 2n, 3n, 4n]);
    const before = await stakeOf(alice.address);

    // Removing the first moves the last into its place.
    const receipt = await net.mined(await a.write.deregister([1n]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'NodeDeregistered', receipt).map((e) => e.args),
      [{ nodeId: 1n, serviceType: CONTENT, owner: alice.address, endpoint: 'https://cn1.example' }],
    );
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [4n, 2n, 3n]);
    assert.deepEqual(await expectRevert(a.read.getNode([1n]), 'NodeNotFound'), [1n]);
    assert.equal(await a.read.getNodeIdByEndpoint(['https://cn1.example']), 0n);
    assert.deepEqual(await a.read.getNodeIdsByType([DISCOVERY]), [5n]);
    assert.equal(await a.read.nodeCountOf([alice.address]), 2n);
    assert.deepEqual(await a.read.boundsOf([alice.address]), [
      CONTENT_MIN + DISCOVERY_MIN,
      CONTENT_MAX + DISCOVERY_MAX,
    ]);
    // The stake stays staked: it leaves only through a decrease request.
    assert.deepEqual(await stakeOf(alice.address), before);

    // The freed endpoint can be registered again, under a new id at the end of the list.
    const { nodeId } = await kit.register(
      dave,
      'contentNode',
      'https://cn1.example',
      CONTENT_MIN,
      wallet2,
    );
    assert.equal(nodeId, 6n);
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [4n, 2n, 3n, 6n]);

    // Removing the last element, then a middle one; the indexes moved along stay right.
    await net.mined(await kit.contractsFor(dave).nodeRegistry.write.deregister([6n]));
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [4n, 2n, 3n]);
    await net.mined(await kit.contractsFor(bob).nodeRegistry.write.deregister([2n]));
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [4n, 3n]);
    await net.mined(await a.write.deregister([4n]));
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [3n]);
    await net.mined(await kit.contractsFor(carol).nodeRegistry.write.deregister([3n]));
    assert.deepEqual(await a.read.getNodesByType([CONTENT]), [[], []]);
    assert.deepEqual(await a.read.getNodesByType([DISCOVERY]), [
      [5n],
      [
        {
          owner: alice.address,
          serviceType: DISCOVERY,
          endpoint: 'https://dn1.example',
          delegateWallet: wallet1,
        },
      ],
    ]);
    await net.mined(await a.write.deregister([5n]));
    assert.deepEqual(await a.read.getNodeIdsByType([DISCOVERY]), []);
    assert.deepEqual(await a.read.getOwnerInfo([alice.address]), {
      deployerStake: dgco(600_000),
      deployerCut: 0n,
      numberOfNodes: 0n,
      minAccountStake: 0n,
      maxAccountStake: 0n,
    });
    assert.equal(await a.read.isWithinBounds([alice.address]), false);
    assert.equal(await a.read.lastNodeId(), 6n);
  });

  it('deregister rejects unknown nodes, other owners and a second removal', async () => {
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    const a = kit.contractsFor(alice).nodeRegistry;
    const b = kit.contractsFor(bob).nodeRegistry;
    assert.deepEqual(await expectRevert(a.write.deregister([2n]), 'NodeNotFound'), [2n]);
    assert.deepEqual(await expectRevert(b.write.deregister([1n]), 'NotNodeOwner'), [bob.address]);
    await net.mined(await a.write.deregister([1n]));
    assert.deepEqual(await expectRevert(a.write.deregister([1n]), 'NodeNotFound'), [1n]);
  });

  it('deregister checks no bounds: an owner left above the maximum may then decrease', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MAX, wallet1);
    await kit.register(alice, 'contentNode', 'https://cn2.example', dgco(500_000), wallet1);
    // One content node cannot take 3,500,000 DGCO, yet the owner may take the other one down.
    const receipt = await net.mined(await a.write.deregister([2n]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'NodeDeregistered', receipt).map((e) => e.args),
      [{ nodeId: 2n, serviceType: CONTENT, owner: alice.address, endpoint: 'https://cn2.example' }],
    );
    assert.deepEqual(await a.read.getNodeIdsByType([CONTENT]), [1n]);
    assert.equal(await a.read.isWithinBounds([alice.address]), false);
    assert.equal(await a.read.isEligibleForRewards([alice.address]), true);
    // Above the maximum no stake goes in...
    assert.deepEqual(await expectRevert(a.write.increaseStake([1n]), 'StakeOutOfBounds'), [
      dgco(3_500_000) + 1n,
      dgco(3_500_000) + 1n,
      CONTENT_MIN,
      CONTENT_MAX,
    ]);
    // ...but the excess can come out.
    await net.mined(await a.write.requestDecreaseStake([dgco(500_000)]));
    await net.mine(LOCKUP);
    await net.mined(await a.write.decreaseStake());
    assert.equal(await a.read.deployerStakeOf([alice.address]), CONTENT_MAX);
    assert.equal(await a.read.isWithinBounds([alice.address]), true);

    // Delegated stake above the maximum of the nodes left does not stop a deregistration either.
    await kit.register(bob, 'contentNode', 'https://cn3.example', dgco(2_900_000), wallet2);
    await kit.register(bob, 'discoveryNode', 'https://dn3.example', DISCOVERY_MIN, wallet2);
    await kit.delegate(delegator, bob.address, dgco(200_000));
    const b = kit.contractsFor(bob).nodeRegistry;
    await net.mined(await b.write.deregister([4n]));
    assert.deepEqual(await b.read.getOwnerInfo([bob.address]), {
      deployerStake: dgco(3_100_000),
      deployerCut: 0n,
      numberOfNodes: 1n,
      minAccountStake: CONTENT_MIN,
      maxAccountStake: CONTENT_MAX,
    });
    assert.equal(await b.read.isWithinBounds([bob.address]), false);
    assert.equal(await b.read.isEligibleForRewards([bob.address]), true);

    // An owner left below a raised minimum can still take down their last node.
    await kit.register(carol, 'contentNode', 'https://cn5.example', CONTENT_MIN, wallet2);
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([CONTENT, dgco(250_000), CONTENT_MAX]),
    );
    const c = kit.contractsFor(carol).nodeRegistry;
    assert.equal(await c.read.isWithinBounds([carol.address]), false);
    await net.mined(await c.write.deregister([5n]));
    assert.equal(await c.read.nodeCountOf([carol.address]), 0n);
    assert.equal(await c.read.deployerStakeOf([carol.address]), CONTENT_MIN);
  });

  it('updateEndpoint moves a node to a free endpoint and frees the old one', async () => {
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    await kit.register(bob, 'contentNode', 'https://cn2.example', CONTENT_MIN, wallet2);
    const a = kit.contractsFor(alice).nodeRegistry;
    const receipt = await net.mined(await a.write.updateEndpoint([1n, 'https://cn1b.example']));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'EndpointUpdated', receipt).map((e) => e.args),
      [
        {
          nodeId: 1n,
          serviceType: CONTENT,
          owner: alice.address,
          oldEndpoint: 'https://cn1.example',
          newEndpoint: 'https://cn1b.example',
        },
      ],
    );
    assert.equal((await a.read.getNode([1n])).endpoint, 'https://cn1b.example');
    assert.equal(await a.read.getNodeIdByEndpoint(['https://cn1b.example']), 1n);
    assert.equal(await a.read.getNodeIdByEndpoint(['https://cn1.example']), 0n);
    // The old endpoint is free for anyone.
    const { nodeId } = await kit.register(
      carol,
      'contentNode',
      'https://cn1.example',
      CONTENT_MIN,
      wallet2,
    );
    assert.equal(nodeId, 3n);

    for (const taken of ['https://cn1b.example', 'https://cn2.example', 'https://cn1.example']) {
      assert.deepEqual(await expectRevert(a.write.updateEndpoint([1n, taken]), 'EndpointTaken'), [
        taken,
      ]);
    }
    await expectRevert(a.write.updateEndpoint([1n, '']), 'EmptyEndpoint');
    await expectRevert(a.write.updateEndpoint([1n, 'y'.repeat(257)]), 'EndpointTooLong');
    assert.deepEqual(
      await expectRevert(a.write.updateEndpoint([9n, 'https://z.example']), 'NodeNotFound'),
      [9n],
    );
    assert.deepEqual(
      await expectRevert(a.write.updateEndpoint([2n, 'https://z.example']), 'NotNodeOwner'),
      [alice.address],
    );
    assert.equal((await a.read.getNode([2n])).endpoint, 'https://cn2.example');
  });

  it('updateDelegateWallet changes the signing wallet of an owned node', async () => {
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    await kit.register(bob, 'contentNode', 'https://cn2.example', CONTENT_MIN, wallet2);
    const a = kit.contractsFor(alice).nodeRegistry;
    const receipt = await net.mined(await a.write.updateDelegateWallet([1n, wallet2]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DelegateWalletUpdated', receipt).map((e) => e.args),
      [{ nodeId: 1n, owner: alice.address, oldWallet: wallet1, newWallet: wallet2 }],
    );
    assert.deepEqual(await a.read.getNode([1n]), {
      owner: alice.address,
      serviceType: CONTENT,
      endpoint: 'https://cn1.example',
      delegateWallet: wallet2,
    });
    await expectRevert(a.write.updateDelegateWallet([1n, zeroAddress]), 'ZeroAddress');
    assert.deepEqual(
      await expectRevert(a.write.updateDelegateWallet([3n, wallet1]), 'NodeNotFound'),
      [3n],
    );
    assert.deepEqual(
      await expectRevert(a.write.updateDelegateWallet([2n, wallet1]), 'NotNodeOwner'),
      [alice.address],
    );
    assert.equal((await a.read.getNode([2n])).delegateWallet, wallet2);
  });

  it('increaseStake stakes more of the owner’s DGCO', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    assert.deepEqual(await expectRevert(a.write.increaseStake([1n]), 'NoNodes'), [alice.address]);
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    await expectRevert(a.write.increaseStake([0n]), 'ZeroAmount');
    const before = await stakeOf(alice.address);
    const receipt = await net.mined(await a.write.increaseStake([dgco(123_456) + 7n]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeIncreased', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(123_456) + 7n, newDeployerStake: dgco(323_456) + 7n }],
    );
    assert.deepEqual(await stakeOf(alice.address), {
      deployerStake: dgco(323_456) + 7n,
      ledger: dgco(323_456) + 7n,
      nodeStake: dgco(323_456) + 7n,
      wallet: before.wallet - dgco(123_456) - 7n,
    });
    assert.equal(await kit.stakingBalance(), dgco(323_456) + 7n);
    // Still bounded above.
    const toMax = CONTENT_MAX - dgco(323_456) - 7n;
    assert.deepEqual(await expectRevert(a.write.increaseStake([toMax + 1n]), 'StakeOutOfBounds'), [
      CONTENT_MAX + 1n,
      CONTENT_MAX + 1n,
      CONTENT_MIN,
      CONTENT_MAX,
    ]);
    // An owner whose nodes are all gone cannot add stake.
    await net.mined(await a.write.deregister([1n]));
    await expectRevert(a.write.increaseStake([1n]), 'NoNodes');
  });

  it('requestDecreaseStake, cancelDecreaseStakeRequest and their reverts', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    // Nothing staked yet.
    assert.deepEqual(await expectRevert(a.write.requestDecreaseStake([1n]), 'DecreaseTooLarge'), [
      1n,
      0n,
    ]);
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(500_000), wallet1);
    await kit.delegate(delegator, alice.address, dgco(1_000));
    await expectRevert(a.write.requestDecreaseStake([0n]), 'ZeroAmount');
    assert.deepEqual(
      await expectRevert(a.write.requestDecreaseStake([dgco(500_000) + 1n]), 'DecreaseTooLarge'),
      [dgco(500_000) + 1n, dgco(500_000)],
    );
    // The owner must keep the minimum of their nodes (delegated stake does not count for it).
    assert.deepEqual(
      await expectRevert(a.write.requestDecreaseStake([dgco(300_000) + 1n]), 'StakeOutOfBounds'),
      [CONTENT_MIN - 1n, CONTENT_MIN - 1n + dgco(1_000), CONTENT_MIN, CONTENT_MAX],
    );
    await expectRevert(a.write.cancelDecreaseStakeRequest(), 'NoPendingRequest');
    await expectRevert(a.write.decreaseStake(), 'NoPendingRequest');

    const receipt = await net.mined(await a.write.requestDecreaseStake([dgco(300_000)]));
    const expiry = receipt.blockNumber + LOCKUP;
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DecreaseStakeRequested', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(300_000), lockupExpiryBlock: expiry }],
    );
    assert.deepEqual(await a.read.getPendingDecrease([alice.address]), {
      amount: dgco(300_000),
      lockupExpiryBlock: expiry,
    });
    await expectRevert(a.write.requestDecreaseStake([1n]), 'PendingRequestExists');
    // The request moves nothing yet.
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(500_000));

    const cancelled = await net.mined(await a.write.cancelDecreaseStakeRequest());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DecreaseStakeCancelled', cancelled).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(300_000) }],
    );
    assert.deepEqual(await a.read.getPendingDecrease([alice.address]), {
      amount: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(a.write.cancelDecreaseStakeRequest(), 'NoPendingRequest');
    await net.mine(LOCKUP);
    await expectRevert(a.write.decreaseStake(), 'NoPendingRequest');
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(500_000));
    // A new request may follow a cancelled one.
    await net.mined(await a.write.requestDecreaseStake([dgco(100_000)]));
  });

  it('decreasing stake before the lockup fails', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    const { staking } = kit.contractsFor(alice);
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(500_000), wallet1);
    const requested = await net.mined(await a.write.requestDecreaseStake([dgco(300_000)]));
    const expiry = requested.blockNumber + LOCKUP;
    assert.equal(expiry, requested.blockNumber + 46_523n);

    // Right after the request.
    assert.deepEqual(await expectRevert(a.write.decreaseStake(), 'LockupNotExpired'), [expiry]);
    // A transaction in block expiry-1 (the next block after expiry-2) still fails...
    await kit.mineTo(expiry - 2n);
    assert.equal(await kit.latestBlock(), expiry - 2n);
    assert.deepEqual(await expectRevert(a.write.decreaseStake(), 'LockupNotExpired'), [expiry]);
    // ...and so does a call executed in block expiry-1 itself.
    await net.mine(1);
    assert.equal(await kit.latestBlock(), expiry - 1n);
    assert.deepEqual(
      await expectRevert(a.simulate.decreaseStake({ account: alice.address }), 'LockupNotExpired'),
      [expiry],
    );
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(500_000));

    // In the expiry block it succeeds, moving exactly the requested stake back.
    const walletBefore = await net.balanceOf(alice.address);
    const stakingBefore = await kit.stakingBalance();
    const receipt = await net.mined(await a.write.decreaseStake());
    assert.equal(receipt.blockNumber, expiry);
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeDecreased', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(300_000), newDeployerStake: dgco(200_000) }],
    );
    assert.equal(await net.balanceOf(alice.address), walletBefore + dgco(300_000));
    assert.equal(await kit.stakingBalance(), stakingBefore - dgco(300_000));
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(200_000));
    assert.equal(await staking.read.stakeOf([alice.address]), dgco(200_000));
    assert.equal(await staking.read.nodeStakeOf([alice.address]), dgco(200_000));
    assert.equal(await staking.read.totalStaked(), dgco(200_000));
    assert.deepEqual(await a.read.getPendingDecrease([alice.address]), {
      amount: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(a.write.decreaseStake(), 'NoPendingRequest');
  });

  it('decreaseStake rechecks the minimum when it completes', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(500_000), wallet1);
    await net.mined(await a.write.requestDecreaseStake([dgco(300_000)]));
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([CONTENT, dgco(300_000), CONTENT_MAX]),
    );
    await net.mine(LOCKUP);
    assert.deepEqual(await expectRevert(a.write.decreaseStake(), 'StakeOutOfBounds'), [
      dgco(200_000),
      dgco(200_000),
      dgco(300_000),
      CONTENT_MAX,
    ]);
    // The request survives the failed attempt; the owner may cancel it and ask for less.
    assert.equal((await a.read.getPendingDecrease([alice.address])).amount, dgco(300_000));
    await net.mined(await a.write.cancelDecreaseStakeRequest());
    await net.mined(await a.write.requestDecreaseStake([dgco(200_000)]));
    await net.mine(LOCKUP);
    await net.mined(await a.write.decreaseStake());
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(300_000));
  });

  it('an owner with no nodes left may withdraw everything; a slash in the lockup caps the amount', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(500_000), wallet1);
    await net.mined(await a.write.deregister([1n]));
    await net.mined(await a.write.requestDecreaseStake([dgco(500_000)]));
    // Governance slashes 200,000 DGCO during the lockup.
    await kit.asGovernance((g) => g.delegateManager.write.slash([dgco(200_000), alice.address]));
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(300_000));
    await net.mine(LOCKUP);
    const walletBefore = await net.balanceOf(alice.address);
    const receipt = await net.mined(await a.write.decreaseStake());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeDecreased', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(300_000), newDeployerStake: 0n }],
    );
    assert.equal(await net.balanceOf(alice.address), walletBefore + dgco(300_000));
    assert.equal(await kit.stakingBalance(), 0n);

    // Slashed to nothing: the pending request has nothing left to withdraw.
    await kit.register(bob, 'contentNode', 'https://cn2.example', CONTENT_MIN, wallet2);
    const b = kit.contractsFor(bob).nodeRegistry;
    await net.mined(await b.write.deregister([2n]));
    await net.mined(await b.write.requestDecreaseStake([CONTENT_MIN]));
    await kit.asGovernance((g) => g.delegateManager.write.slash([CONTENT_MIN, bob.address]));
    await net.mine(LOCKUP);
    await expectRevert(b.write.decreaseStake(), 'ZeroAmount');
  });

  it('a decrease need only keep the minimum: an owner above the maximum may decrease', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(1_000_000), wallet1);
    await kit.delegate(delegator, alice.address, dgco(2_000_000));
    // Governance lowers the maximum under Alice's 3,000,000.
    const max = dgco(2_500_000);
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([CONTENT, CONTENT_MIN, max]),
    );
    // A decrease that still leaves her above the maximum is allowed: it can only help.
    await net.mined(await a.write.requestDecreaseStake([dgco(100_000)]));
    await net.mine(LOCKUP);
    const receipt = await net.mined(await a.write.decreaseStake());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeDecreased', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(100_000), newDeployerStake: dgco(900_000) }],
    );
    assert.equal(await a.read.isWithinBounds([alice.address]), false);
    // Own stake must still cover the minimum, whatever is delegated.
    assert.deepEqual(
      await expectRevert(a.write.requestDecreaseStake([dgco(700_000) + 1n]), 'StakeOutOfBounds'),
      [CONTENT_MIN - 1n, CONTENT_MIN - 1n + dgco(2_000_000), CONTENT_MIN, max],
    );
    await net.mined(await a.write.requestDecreaseStake([dgco(700_000)]));
    await net.mine(LOCKUP);
    await net.mined(await a.write.decreaseStake());
    assert.equal(await a.read.deployerStakeOf([alice.address]), CONTENT_MIN);
  });

  it('a decrease request expires REQUEST_EXECUTION_WINDOW blocks after its lockup', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(500_000), wallet1);
    const requested = await net.mined(await a.write.requestDecreaseStake([dgco(300_000)]));
    const expiry = requested.blockNumber + LOCKUP;
    const lastBlock = expiry + WINDOW;

    // A transaction in the last block still withdraws.
    const back = await net.snapshot();
    await kit.mineTo(lastBlock - 1n);
    const receipt = await net.mined(await a.write.decreaseStake());
    assert.equal(receipt.blockNumber, lastBlock);
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeDecreased', receipt).map((e) => e.args),
      [{ owner: alice.address, amount: dgco(300_000), newDeployerStake: dgco(200_000) }],
    );
    await back();

    // One block later it has expired, and so has a call executed in that block.
    await kit.mineTo(lastBlock);
    assert.deepEqual(await expectRevert(a.write.decreaseStake(), 'RequestExpired'), [lastBlock]);
    await net.mine(1);
    assert.deepEqual(
      await expectRevert(a.simulate.decreaseStake({ account: alice.address }), 'RequestExpired'),
      [lastBlock],
    );
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(500_000));
    // The expired request stays until cancelled; a new one waits out a new lockup.
    assert.deepEqual(await a.read.getPendingDecrease([alice.address]), {
      amount: dgco(300_000),
      lockupExpiryBlock: expiry,
    });
    await expectRevert(a.write.requestDecreaseStake([1n]), 'PendingRequestExists');
    await net.mined(await a.write.cancelDecreaseStakeRequest());
    const again = await net.mined(await a.write.requestDecreaseStake([dgco(300_000)]));
    assert.deepEqual(await expectRevert(a.write.decreaseStake(), 'LockupNotExpired'), [
      again.blockNumber + LOCKUP,
    ]);
    await net.mine(LOCKUP);
    await net.mined(await a.write.decreaseStake());
    assert.equal(await a.read.deployerStakeOf([alice.address]), dgco(200_000));
  });

  it('a deployer cut request expires REQUEST_EXECUTION_WINDOW blocks after its lockup', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    const requested = await net.mined(await a.write.requestUpdateDeployerCut([1_000n]));
    const expiry = requested.blockNumber + CUT_LOCKUP;
    const lastBlock = expiry + WINDOW;

    // A transaction in the last block still applies it.
    const back = await net.snapshot();
    await kit.mineTo(lastBlock - 1n);
    const receipt = await net.mined(await a.write.updateDeployerCut());
    assert.equal(receipt.blockNumber, lastBlock);
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutUpdated', receipt).map((e) => e.args),
      [{ owner: alice.address, oldCut: 0n, newCut: 1_000n }],
    );
    await back();

    // One block later it has expired, and so has a call executed in that block.
    await kit.mineTo(lastBlock);
    assert.deepEqual(await expectRevert(a.write.updateDeployerCut(), 'RequestExpired'), [
      lastBlock,
    ]);
    await net.mine(1);
    assert.deepEqual(
      await expectRevert(
        a.simulate.updateDeployerCut({ account: alice.address }),
        'RequestExpired',
      ),
      [lastBlock],
    );
    assert.equal(await a.read.deployerCutOf([alice.address]), 0n);
    assert.deepEqual(await a.read.getPendingDeployerCut([alice.address]), {
      newCut: 1_000n,
      lockupExpiryBlock: expiry,
    });
    await expectRevert(a.write.requestUpdateDeployerCut([500n]), 'PendingRequestExists');
    await net.mined(await a.write.cancelUpdateDeployerCut());
    await net.mined(await a.write.requestUpdateDeployerCut([1_000n]));
    await net.mine(CUT_LOCKUP);
    await net.mined(await a.write.updateDeployerCut());
    assert.equal(await a.read.deployerCutOf([alice.address]), 1_000n);
  });

  it('requestUpdateDeployerCut, cancelUpdateDeployerCut and updateDeployerCut', async () => {
    const a = kit.contractsFor(alice).nodeRegistry;
    assert.deepEqual(await expectRevert(a.write.requestUpdateDeployerCut([1_000n]), 'NoNodes'), [
      alice.address,
    ]);
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    assert.deepEqual(
      await expectRevert(a.write.requestUpdateDeployerCut([10_001n]), 'InvalidCut'),
      [10_001n],
    );
    await expectRevert(a.write.cancelUpdateDeployerCut(), 'NoPendingRequest');
    await expectRevert(a.write.updateDeployerCut(), 'NoPendingRequest');

    const requested = await net.mined(await a.write.requestUpdateDeployerCut([1_000n]));
    const expiry = requested.blockNumber + DEFAULT_PARAMS.deployerCutLockupBlocks;
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutUpdateRequested', requested).map((e) => e.args),
      [{ owner: alice.address, newCut: 1_000n, lockupExpiryBlock: expiry }],
    );
    assert.deepEqual(await a.read.getPendingDeployerCut([alice.address]), {
      newCut: 1_000n,
      lockupExpiryBlock: expiry,
    });
    await expectRevert(a.write.requestUpdateDeployerCut([500n]), 'PendingRequestExists');

    // Cancel, then ask again.
    const cancelled = await net.mined(await a.write.cancelUpdateDeployerCut());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutUpdateCancelled', cancelled).map((e) => e.args),
      [{ owner: alice.address, newCut: 1_000n }],
    );
    assert.deepEqual(await a.read.getPendingDeployerCut([alice.address]), {
      newCut: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(a.write.updateDeployerCut(), 'NoPendingRequest');

    // The full cut (10,000 basis points) is allowed.
    const again = await net.mined(await a.write.requestUpdateDeployerCut([10_000n]));
    const expiry2 = again.blockNumber + DEFAULT_PARAMS.deployerCutLockupBlocks;
    assert.deepEqual(await expectRevert(a.write.updateDeployerCut(), 'LockupNotExpired'), [
      expiry2,
    ]);
    await kit.mineTo(expiry2 - 1n);
    assert.deepEqual(
      await expectRevert(
        a.simulate.updateDeployerCut({ account: alice.address }),
        'LockupNotExpired',
      ),
      [expiry2],
    );
    assert.equal(await a.read.deployerCutOf([alice.address]), 0n);
    const updated = await net.mined(await a.write.updateDeployerCut());
    assert.equal(updated.blockNumber, expiry2);
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutUpdated', updated).map((e) => e.args),
      [{ owner: alice.address, oldCut: 0n, newCut: 10_000n }],
    );
    assert.equal(await a.read.deployerCutOf([alice.address]), 10_000n);
    assert.equal((await a.read.getOwnerInfo([alice.address])).deployerCut, 10_000n);
    assert.deepEqual(await a.read.getPendingDeployerCut([alice.address]), {
      newCut: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(a.write.updateDeployerCut(), 'NoPendingRequest');

    // Back to zero: a request for a cut of 0 is still a pending request.
    await net.mined(await a.write.requestUpdateDeployerCut([0n]));
    await expectRevert(a.write.requestUpdateDeployerCut([0n]), 'PendingRequestExists');
    await net.mine(DEFAULT_PARAMS.deployerCutLockupBlocks);
    const reset = await net.mined(await a.write.updateDeployerCut());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutUpdated', reset).map((e) => e.args),
      [{ owner: alice.address, oldCut: 10_000n, newCut: 0n }],
    );
  });

  it('setDecreaseStakeLockupDuration and setDeployerCutLockupDuration are governance-only', async () => {
    const eth = net.manifest.contracts.eth;
    for (const caller of [net.deployer, alice]) {
      const r = kit.contractsFor(caller).nodeRegistry;
      assert.deepEqual(
        await expectRevert(r.write.setDecreaseStakeLockupDuration([1n]), 'NotGovernance'),
        [caller.address],
      );
      assert.deepEqual(
        await expectRevert(r.write.setDeployerCutLockupDuration([1n]), 'NotGovernance'),
        [caller.address],
      );
    }
    assert.notEqual(eth.Governance, net.deployer.address);

    const set1 = await kit.asGovernance((g) =>
      g.nodeRegistry.write.setDecreaseStakeLockupDuration([10n]),
    );
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DecreaseStakeLockupDurationSet', set1).map((e) => e.args),
      [{ duration: 10n }],
    );
    const set2 = await kit.asGovernance((g) =>
      g.nodeRegistry.write.setDeployerCutLockupDuration([0n]),
    );
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerCutLockupDurationSet', set2).map((e) => e.args),
      [{ duration: 0n }],
    );
    const a = kit.contractsFor(alice).nodeRegistry;
    assert.equal(await a.read.decreaseStakeLockupDuration(), 10n);
    assert.equal(await a.read.deployerCutLockupDuration(), 0n);

    // New requests use the new durations.
    await kit.register(alice, 'contentNode', 'https://cn1.example', dgco(300_000), wallet1);
    const requested = await net.mined(await a.write.requestDecreaseStake([dgco(100_000)]));
    assert.equal(
      (await a.read.getPendingDecrease([alice.address])).lockupExpiryBlock,
      requested.blockNumber + 10n,
    );
    const cut = await net.mined(await a.write.requestUpdateDeployerCut([250n]));
    assert.equal(
      (await a.read.getPendingDeployerCut([alice.address])).lockupExpiryBlock,
      cut.blockNumber,
    );
    await net.mined(await a.write.updateDeployerCut());
    assert.equal(await a.read.deployerCutOf([alice.address]), 250n);
  });

  it('addDeployerRewards and applySlash answer only the DelegateManager', async () => {
    await kit.register(alice, 'contentNode', 'https://cn1.example', CONTENT_MIN, wallet1);
    for (const caller of [net.deployer, alice, kit.governanceAccount]) {
      const r = kit.contractsFor(caller).nodeRegistry;
      assert.deepEqual(
        await expectRevert(
          r.simulate.addDeployerRewards([alice.address, 1n], { account: caller.address }),
          'NotDelegateManager',
        ),
        [caller.address],
      );
      assert.deepEqual(
        await expectRevert(
          r.simulate.applySlash([alice.address, 1n], { account: caller.address }),
          'NotDelegateManager',
        ),
        [caller.address],
      );
    }

    // As the DelegateManager they adjust the owner's stake and say so.
    const dm = net.manifest.contracts.eth.DelegateManager;
    const asDm = (await net.impersonate(dm)).nodeRegistry;
    const added = await net.mined(await asDm.write.addDeployerRewards([alice.address, 5n]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerStakeChanged', added).map((e) => e.args),
      [{ owner: alice.address, delta: 5n, newDeployerStake: CONTENT_MIN + 5n }],
    );
    const slashed = await net.mined(await asDm.write.applySlash([alice.address, 8n]));
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'DeployerStakeChanged', slashed).map((e) => e.args),
      [{ owner: alice.address, delta: -8n, newDeployerStake: CONTENT_MIN - 3n }],
    );
    assert.equal(await asDm.read.deployerStakeOf([alice.address]), CONTENT_MIN - 3n);
    await net.ethChain.provider.request({
      method: 'hardhat_stopImpersonatingAccount',
      params: [dm],
    });
  });
});
