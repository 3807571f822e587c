import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  type TestContracts,
  type TestNetwork,
  expectRevert,
  startTestNetwork,
} from '@coliving/chain/testing';
import { ServiceType, serviceTypeManagerAbi } from '@coliving/contracts';
import { type Address, parseEventLogs, stringToHex, zeroHash } from 'viem';

const DGCO = 10n ** 18n;
const STORAGE_NODE = stringToHex('storage-node', { size: 32 });

describe('ServiceTypeManager', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let governance: Address;
  let asGovernance: TestContracts['serviceTypeManager'];

  before(async () => {
    net = await startTestNetwork();
    governance = net.manifest.contracts.eth.Governance;
    asGovernance = (await net.impersonate(governance)).serviceTypeManager;
  });
  beforeEach(async () => {
    revert = await net.snapshot();
  });
  afterEach(async () => {
    await revert();
  });
  after(async () => {
    await net?.stop();
  });

  it('starts with content nodes at 200k-3M DGCO and discovery nodes at 200k-2M DGCO', async () => {
    const { serviceTypeManager: m } = net.contractsFor(net.accounts[1]!);
    assert.equal(await m.read.CONTENT_NODE(), ServiceType.contentNode);
    assert.equal(await m.read.DISCOVERY_NODE(), ServiceType.discoveryNode);
    assert.equal(ServiceType.contentNode, stringToHex('content-node', { size: 32 }));
    assert.deepEqual(await m.read.getServiceTypes(), [
      ServiceType.contentNode,
      ServiceType.discoveryNode,
    ]);
    assert.deepEqual(await m.read.getServiceTypeInfo([ServiceType.contentNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 3_000_000n * DGCO,
      isValid: true,
    });
    assert.deepEqual(await m.read.getServiceTypeInfo([ServiceType.discoveryNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 2_000_000n * DGCO,
      isValid: true,
    });
    assert.equal(await m.read.isValidServiceType([ServiceType.contentNode]), true);
    assert.equal(await m.read.isValidServiceType([ServiceType.discoveryNode]), true);
    assert.equal(await m.read.isValidServiceType([STORAGE_NODE]), false);
    assert.equal(await m.read.isValidServiceType([zeroHash]), false);
    assert.deepEqual(await m.read.getServiceTypeInfo([STORAGE_NODE]), {
      minStake: 0n,
      maxStake: 0n,
      isValid: false,
    });
    assert.equal(await m.read.getCurrentVersion([ServiceType.contentNode]), '');
    assert.equal(await m.read.getCurrentVersion([STORAGE_NODE]), '');
    assert.equal(await m.read.governance(), governance);
  });

  it('refuses every change from a caller other than governance', async () => {
    const before = net.contractsFor(net.deployer).serviceTypeManager;
    for (const caller of [net.deployer, net.accounts[9]!]) {
      const { serviceTypeManager: m } = net.contractsFor(caller);
      const notGovernance = [caller.address];
      assert.deepEqual(
        await expectRevert(m.write.addServiceType([STORAGE_NODE, 1n, 10n]), 'NotGovernance'),
        notGovernance,
      );
      assert.deepEqual(
        await expectRevert(
          m.write.setServiceTypeBounds([ServiceType.contentNode, 1n, 2n]),
          'NotGovernance',
        ),
        notGovernance,
      );
      assert.deepEqual(
        await expectRevert(m.write.setVersion([ServiceType.contentNode, '9.9.9']), 'NotGovernance'),
        notGovernance,
      );
    }
    // Another Coliving contract is not governance either.
    const asRegistry = (await net.impersonate(net.manifest.contracts.eth.NodeRegistry))
      .serviceTypeManager;
    assert.deepEqual(
      await expectRevert(
        asRegistry.write.setServiceTypeBounds([ServiceType.contentNode, 1n, 2n]),
        'NotGovernance',
      ),
      [net.manifest.contracts.eth.NodeRegistry],
    );
    assert.deepEqual(await before.read.getServiceTypes(), [
      ServiceType.contentNode,
      ServiceType.discoveryNode,
    ]);
    assert.deepEqual(await before.read.getServiceTypeInfo([ServiceType.contentNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 3_000_000n * DGCO,
      isValid: true,
    });
    assert.equal(await before.read.getCurrentVersion([ServiceType.contentNode]), '');
  });

  it('lets governance add a service type, once, with valid bounds', async () => {
    const receipt = await net.mined(
      await asGovernance.write.addServiceType([STORAGE_NODE, 1_000n * DGCO, 5_000n * DGCO]),
    );
    const events = parseEventLogs({
      abi: serviceTypeManagerAbi,
      eventName: 'ServiceTypeAdded',
      logs: receipt.logs,
    });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.args, {
      serviceType: STORAGE_NODE,
      minStake: 1_000n * DGCO,
      maxStake: 5_000n * DGCO,
    });
    assert.deepEqual(await asGovernance.read.getServiceTypes(), [
      ServiceType.contentNode,
      ServiceType.discoveryNode,
      STORAGE_NODE,
    ]);
    assert.equal(await asGovernance.read.isValidServiceType([STORAGE_NODE]), true);
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([STORAGE_NODE]), {
      minStake: 1_000n * DGCO,
      maxStake: 5_000n * DGCO,
      isValid: true,
    });

    for (const type of [STORAGE_NODE, ServiceType.contentNode]) {
      assert.deepEqual(
        await expectRevert(asGovernance.write.addServiceType([type, 1n, 2n]), 'ServiceTypeExists'),
        [type],
      );
    }
    // The existing bounds were not touched by the refused re-add.
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([ServiceType.contentNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 3_000_000n * DGCO,
      isValid: true,
    });
  });

  it('refuses a service type with a zero minimum or a minimum above the maximum', async () => {
    const other = stringToHex('other-node', { size: 32 });
    assert.deepEqual(
      await expectRevert(asGovernance.write.addServiceType([other, 0n, 10n]), 'InvalidBounds'),
      [0n, 10n],
    );
    assert.deepEqual(
      await expectRevert(asGovernance.write.addServiceType([other, 11n, 10n]), 'InvalidBounds'),
      [11n, 10n],
    );
    assert.deepEqual(
      await expectRevert(asGovernance.write.addServiceType([other, 0n, 0n]), 'InvalidBounds'),
      [0n, 0n],
    );
    assert.equal(await asGovernance.read.isValidServiceType([other]), false);
    assert.equal((await asGovernance.read.getServiceTypes()).length, 2);
    // Equal bounds are a fixed stake, which is valid.
    await net.mined(await asGovernance.write.addServiceType([other, 10n, 10n]));
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([other]), {
      minStake: 10n,
      maxStake: 10n,
      isValid: true,
    });
  });

  it('lets governance change the bounds of a known service type, and only to valid ones', async () => {
    const receipt = await net.mined(
      await asGovernance.write.setServiceTypeBounds([
        ServiceType.discoveryNode,
        250_000n * DGCO,
        2_500_000n * DGCO,
      ]),
    );
    const [event] = parseEventLogs({
      abi: serviceTypeManagerAbi,
      eventName: 'ServiceTypeBoundsSet',
      logs: receipt.logs,
    });
    assert.deepEqual(event!.args, {
      serviceType: ServiceType.discoveryNode,
      minStake: 250_000n * DGCO,
      maxStake: 2_500_000n * DGCO,
    });
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([ServiceType.discoveryNode]), {
      minStake: 250_000n * DGCO,
      maxStake: 2_500_000n * DGCO,
      isValid: true,
    });
    // The other type is untouched.
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([ServiceType.contentNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 3_000_000n * DGCO,
      isValid: true,
    });

    assert.deepEqual(
      await expectRevert(
        asGovernance.write.setServiceTypeBounds([ServiceType.contentNode, 0n, 1n]),
        'InvalidBounds',
      ),
      [0n, 1n],
    );
    assert.deepEqual(
      await expectRevert(
        asGovernance.write.setServiceTypeBounds([ServiceType.contentNode, 3n, 2n]),
        'InvalidBounds',
      ),
      [3n, 2n],
    );
    // An unknown type is refused before its bounds are looked at.
    assert.deepEqual(
      await expectRevert(
        asGovernance.write.setServiceTypeBounds([STORAGE_NODE, 0n, 0n]),
        'UnknownServiceType',
      ),
      [STORAGE_NODE],
    );
    assert.deepEqual(
      await expectRevert(
        asGovernance.write.setServiceTypeBounds([STORAGE_NODE, 1n, 2n]),
        'UnknownServiceType',
      ),
      [STORAGE_NODE],
    );
    assert.equal(await asGovernance.read.isValidServiceType([STORAGE_NODE]), false);
    assert.deepEqual(await asGovernance.read.getServiceTypeInfo([ServiceType.contentNode]), {
      minStake: 200_000n * DGCO,
      maxStake: 3_000_000n * DGCO,
      isValid: true,
    });
  });

  it('new bounds apply to node registration at once', async () => {
    await net.mined(
      await asGovernance.write.setServiceTypeBounds([
        ServiceType.contentNode,
        300_000n * DGCO,
        3_000_000n * DGCO,
      ]),
    );
    const operator = net.accounts[4]!;
    const { token, nodeRegistry } = net.contractsFor(operator);
    await net.mined(
      await net
        .contractsFor(net.deployer)
        .token.write.transfer([operator.address, 300_000n * DGCO]),
    );
    await net.mined(
      await token.write.approve([net.manifest.contracts.eth.Staking, 300_000n * DGCO]),
    );
    const args = await expectRevert(
      nodeRegistry.write.register([
        ServiceType.contentNode,
        'http://127.0.0.1:4100',
        250_000n * DGCO,
        operator.address,
      ]),
      'StakeOutOfBounds',
    );
    assert.deepEqual(args, [250_000n * DGCO, 250_000n * DGCO, 300_000n * DGCO, 3_000_000n * DGCO]);
    await net.mined(
      await nodeRegistry.write.register([
        ServiceType.contentNode,
        'http://127.0.0.1:4100',
        300_000n * DGCO,
        operator.address,
      ]),
    );
    assert.equal(await nodeRegistry.read.nodeCountOf([operator.address]), 1n);
  });

  it('lets governance set the version of a known service type, never an empty one', async () => {
    const receipt = await net.mined(
      await asGovernance.write.setVersion([ServiceType.contentNode, '1.2.3']),
    );
    const [event] = parseEventLogs({
      abi: serviceTypeManagerAbi,
      eventName: 'ServiceTypeVersionSet',
      logs: receipt.logs,
    });
    assert.deepEqual(event!.args, { serviceType: ServiceType.contentNode, version: '1.2.3' });
    assert.equal(await asGovernance.read.getCurrentVersion([ServiceType.contentNode]), '1.2.3');
    assert.equal(await asGovernance.read.getCurrentVersion([ServiceType.discoveryNode]), '');

    await net.mined(await asGovernance.write.setVersion([ServiceType.contentNode, '1.3.0']));
    assert.equal(await asGovernance.read.getCurrentVersion([ServiceType.contentNode]), '1.3.0');

    await expectRevert(
      asGovernance.write.setVersion([ServiceType.contentNode, '']),
      'EmptyVersion',
    );
    assert.equal(await asGovernance.read.getCurrentVersion([ServiceType.contentNode]), '1.3.0');
    assert.deepEqual(
      await expectRevert(
        asGovernance.write.setVersion([STORAGE_NODE, '1.0.0']),
        'UnknownServiceType',
      ),
      [STORAGE_NODE],
    );
    assert.equal(await asGovernance.read.getCurrentVersion([STORAGE_NODE]), '');
  });
});
