import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createChainClient } from '@coliving/chain';
import { ServiceType, nodeRegistryAbi, serviceTypeManagerAbi } from '@coliving/contracts';
import {
  encodeEntityMetadata,
  randomNonce,
  signManageEntity,
  toRelayRequest,
} from '@coliving/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { RELAYER_ETH } from './constants.js';
import { DevnetResumeError, NodeStartError, PortInUseError } from './errors.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

/** Generous: nodes in child processes answer at their own pace on a loaded two-core machine. */
const DEADLINE_MS = 120_000;

type Health = { status: number; data: Record<string, unknown> };

async function health(endpoint: string): Promise<Health> {
  const res = await fetch(`${endpoint}/health_check`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { data: Record<string, unknown> };
  return { status: res.status, data: body.data };
}

/** Calls `probe` until `done` accepts its value; fails with the last value at the deadline. */
async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} at the deadline`);
    await sleep(100);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The error code of a TCP connection to the port: 'connected' when something listens. */
function connectTo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

/**
 * Signs a User Create as user account `accountIndex`, relays it through the first discovery
 * node, and waits until that node serves the user. Returns the relay's receipt.
 */
async function createUserThroughRelay(
  net: StartNetworkReturnType,
  accountIndex: number,
  userId: bigint,
  handle: string,
) {
  const [discovery] = net.discoveryNodes;
  const user = privateKeyToAccount(net.accounts[accountIndex]!.privateKey);
  const message = {
    userId,
    entityType: 'User',
    entityId: userId,
    action: 'Create',
    metadata: encodeEntityMetadata({ handle, name: 'Devnet User' }),
    nonce: randomNonce(),
  } as const;
  const signature = await signManageEntity({
    account: user,
    chainId: net.chains.data.chainId,
    verifyingContract: net.contracts.data.EntityManager,
    message,
  });
  const res = await fetch(`${discovery!.endpoint}/relay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(toRelayRequest(message, signature)),
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const relayed = (await res.json()) as { data: { transaction_hash: string } };
  const receipt = await createChainClient('data', net.chains.data).getTransactionReceipt({
    hash: relayed.data.transaction_hash as `0x${string}`,
  });
  assert.notEqual(receipt.from.toLowerCase(), user.address.toLowerCase(), 'paid by the relayer');
  assert.equal(receipt.from.toLowerCase(), discovery!.relayerWallet.toLowerCase());
  const found = await pollUntil(
    () => userByHandle(discovery!.endpoint, handle),
    ({ status }) => status !== 404,
    `user ${handle} indexed`,
  );
  assert.equal(found.status, 200);
  assert.equal(found.body.data?.handle, handle);
  return receipt;
}

async function userByHandle(endpoint: string, handle: string) {
  const r = await fetch(`${endpoint}/v1/users/handle/${handle}`);
  return { status: r.status, body: (await r.json()) as { data?: { handle?: string } } };
}

describe('startNetwork: 3 content nodes and 1 discovery node', () => {
  let dir: string;
  let net: StartNetworkReturnType;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-devnet-'));
    net = await startNetwork({ dir, contentNodes: 3, discoveryNodes: 1 });
  });
  after(async () => {
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers every node on NodeRegistry with the minimum stake of its kind', async () => {
    const client = createChainClient('eth', net.chains.eth);
    const registry = net.contracts.eth.NodeRegistry;
    for (const [type, nodes] of [
      [ServiceType.contentNode, net.contentNodes],
      [ServiceType.discoveryNode, net.discoveryNodes],
    ] as const) {
      assert.equal(nodes.length, type === ServiceType.contentNode ? 3 : 1);
      const [ids, registered] = await client.readContract({
        address: registry,
        abi: nodeRegistryAbi,
        functionName: 'getNodesByType',
        args: [type],
      });
      assert.deepEqual(
        ids.map((id, i) => ({
          spId: Number(id),
          endpoint: registered[i]!.endpoint,
          delegateWallet: registered[i]!.delegateWallet,
          owner: registered[i]!.owner,
        })),
        nodes.map((n) => ({
          spId: n.spId,
          endpoint: n.endpoint,
          delegateWallet: n.delegateWallet,
          owner: n.operator.address,
        })),
      );
      const { minStake } = await client.readContract({
        address: net.contracts.eth.ServiceTypeManager,
        abi: serviceTypeManagerAbi,
        functionName: 'getServiceTypeInfo',
        args: [type],
      });
      assert.equal(minStake, 200_000n * 10n ** 18n);
      for (const n of nodes) {
        const info = await client.readContract({
          address: registry,
          abi: nodeRegistryAbi,
          functionName: 'getOwnerInfo',
          args: [n.operator.address],
        });
        assert.equal(info.deployerStake, minStake, n.name);
        assert.equal(info.numberOfNodes, 1n, n.name);
      }
    }
    const endpoints = [...net.contentNodes, ...net.discoveryNodes].map((n) => n.endpoint);
    assert.equal(new Set(endpoints).size, 4);
    for (const e of endpoints) assert.match(e, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
  });

  it('writes the manifest and one log per node into the state dir', async () => {
    const manifest: unknown = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest, net.manifest);
    assert.equal(net.manifestFile, join(dir, 'manifest.json'));
    assert.deepEqual(net.chains, net.manifest.chains);
    assert.deepEqual(
      [net.chains.eth.chainId, net.chains.data.chainId],
      [31337, 31338],
      'the devnet chain ids',
    );
    for (const n of [...net.contentNodes, ...net.discoveryNodes]) {
      assert.equal(n.logFile, join(dir, 'logs', `${n.name}.log`));
      assert.match(await readFile(n.logFile, 'utf8'), /node ready/, n.name);
      assert.ok(existsSync(n.dataDir), n.dataDir);
    }
    for (const chain of ['eth', 'data']) {
      const journal = await readFile(join(dir, 'chains', `${chain}.journal`), 'utf8');
      assert.match(journal, /^\{"devchainJournal":1,/, `${chain} chain journal`);
    }
    const written = JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')) as {
      contentNodes: { endpoint: string; pid: number }[];
    };
    assert.deepEqual(
      written.contentNodes.map((n) => [n.endpoint, n.pid]),
      net.contentNodes.map((n) => [n.endpoint, n.pid]),
    );
  });

  it('hands out funded user accounts with their keys', async () => {
    assert.ok(net.accounts.length >= 3);
    const data = createChainClient('data', net.chains.data);
    for (const a of net.accounts) {
      assert.equal(privateKeyToAccount(a.privateKey).address, a.address);
      assert.ok((await data.getBalance({ address: a.address })) > 10n ** 18n, a.address);
    }
    assert.ok(!net.accounts.some((a) => a.address === net.manifest.deployer));
  });

  it('gives each discovery node’s relayer gas on both chains (the eth chain’s for payments)', async () => {
    const clients = [
      createChainClient('eth', net.chains.eth),
      createChainClient('data', net.chains.data),
    ];
    for (const node of net.discoveryNodes) {
      for (const client of clients) {
        const balance = await client.getBalance({ address: node.relayerWallet });
        assert.ok(
          balance > RELAYER_ETH / 2n,
          `${node.name} on chain ${client.chain.id}: ${balance}`,
        );
      }
    }
  });

  it('runs content nodes that are healthy and see each other from the chain', async () => {
    for (const node of net.contentNodes) {
      const others = net.contentNodes.filter((n) => n !== node).map((n) => n.endpoint);
      const { status, data } = await pollUntil(
        () => health(node.endpoint),
        ({ data }) => {
          const peers = (data.peers ?? []) as { endpoint: string; healthy: boolean }[];
          return others.every((e) => peers.some((p) => p.endpoint === e && p.healthy));
        },
        `${node.name} lists its peers as healthy`,
      );
      assert.equal(status, 200);
      assert.equal(data.healthy, true);
      assert.equal(data.endpoint, node.endpoint);
      assert.equal(data.delegateWallet, node.delegateWallet);
      assert.deepEqual(
        (data.peers as { endpoint: string }[]).map((p) => p.endpoint).sort(),
        others.sort(),
      );
    }
  });

  it('runs a discovery node that has indexed both chains and lists every node', async () => {
    const [discovery] = net.discoveryNodes;
    const { status, data } = await health(discovery!.endpoint);
    assert.equal(status, 200);
    assert.equal(data.healthy, true);
    assert.equal(data.delegateWallet, discovery!.delegateWallet);
    const behind = data.block_difference;
    assert.equal(typeof behind, 'number');
    assert.ok((behind as number) <= 2, `block_difference ${String(behind)}`);
    const network = data.network as {
      content_nodes: { endpoint: string; delegateOwnerWallet: string }[];
      discovery_nodes: string[];
    };
    // Audius's shape: objects with the endpoint and the node's delegate wallet.
    assert.deepEqual(
      network.content_nodes
        .map((n) => `${n.endpoint} ${n.delegateOwnerWallet.toLowerCase()}`)
        .sort(),
      net.contentNodes.map((n) => `${n.endpoint} ${n.delegateWallet.toLowerCase()}`).sort(),
    );
    assert.deepEqual(network.discovery_nodes, [discovery!.endpoint]);
  });

  it('relays a signed action through the discovery node and indexes it', async () => {
    await createUserThroughRelay(net, 0, 4242n, `devnet${Date.now() % 1_000_000}`);
  });

  it('stopNode stops one node by its PID and leaves the rest serving', async () => {
    const victim = net.contentNodes[2]!;
    assert.equal(isRunning(victim.pid), true);
    await net.stopNode(`${victim.endpoint}/`);
    assert.equal(isRunning(victim.pid), false);
    assert.equal(await connectTo(victim.port), 'ECONNREFUSED');
    for (const n of [...net.contentNodes.slice(0, 2), ...net.discoveryNodes]) {
      assert.equal((await health(n.endpoint)).status, 200, n.name);
    }
    await assert.rejects(net.stopNode('http://127.0.0.1:1'), /no node of this devnet/);
  });

  it('stop() ends every process and closes every port, chains included', async () => {
    const nodes = [...net.contentNodes, ...net.discoveryNodes];
    await net.stop();
    for (const n of nodes) {
      assert.equal(isRunning(n.pid), false, `${n.name} (pid ${n.pid})`);
      assert.equal(await connectTo(n.port), 'ECONNREFUSED', n.name);
    }
    for (const chain of [net.chains.eth, net.chains.data]) {
      assert.equal(await connectTo(portOf(chain.rpcUrl)), 'ECONNREFUSED', chain.rpcUrl);
    }
    await net.stop();
  });
});

describe('startNetwork refuses to start', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-devnet-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on a port that is taken, naming the port', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      // The squatter holds portBase, the eth chain's port.
      await assert.rejects(
        startNetwork({ dir, portBase: port, contentNodes: 1, discoveryNodes: 0 }),
        (error: unknown) => {
          assert.ok(error instanceof PortInUseError, String(error));
          assert.equal(error.port, port);
          assert.match(error.message, new RegExp(`Port ${port} .*the eth chain`));
          return true;
        },
      );
      assert.equal(existsSync(join(dir, 'manifest.json')), false, 'nothing was started');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('when a node exits, quoting its log, and stops what it had started', async () => {
    await assert.rejects(
      startNetwork({
        dir,
        contentNodes: 1,
        discoveryNodes: 0,
        env: { contentNode: { COLIVING_REPLICATION_FACTOR: 'lots' } },
      }),
      (error: unknown) => {
        assert.ok(error instanceof NodeStartError, String(error));
        assert.match(error.message, /content-node-1 \(http:\/\/127\.0\.0\.1:[0-9]+\) exited/);
        assert.match(error.message, /COLIVING_REPLICATION_FACTOR/, 'the log tail is quoted');
        return true;
      },
    );
    const { chains } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      chains: { eth: { rpcUrl: string }; data: { rpcUrl: string } };
    };
    for (const chain of [chains.eth, chains.data]) {
      assert.equal(await connectTo(portOf(chain.rpcUrl)), 'ECONNREFUSED', chain.rpcUrl);
    }
  });

  it('to resume when no devnet was saved in its dir', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'coliving-devnet-'));
    try {
      await assert.rejects(startNetwork({ dir: empty, resume: true }), (error: unknown) => {
        assert.ok(error instanceof DevnetResumeError, String(error));
        assert.match(error.message, /There is no devnet to resume in .* \(no network\.json\)/);
        return true;
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('when its signal is already aborted', async () => {
    await assert.rejects(
      startNetwork({ dir, signal: AbortSignal.abort(new Error('cancelled by the caller')) }),
      /cancelled by the caller/,
    );
  });
});

describe('startNetwork with resume', () => {
  let dir: string;
  let first: StartNetworkReturnType | undefined;
  let resumed: StartNetworkReturnType | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-devnet-'));
  });
  after(async () => {
    await first?.stop();
    await resumed?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('brings back the same nodes on the same blocks; the discovery node carries on', async (t) => {
    first = await startNetwork({ dir, contentNodes: 1, discoveryNodes: 1 });
    const discovery = first.discoveryNodes[0]!;
    const handle = `resume${Date.now() % 1_000_000}`;
    const written = await createUserThroughRelay(first, 0, 5151n, handle);
    const before = await health(discovery.endpoint);
    const indexedBefore = before.data.latest_indexed_block as number;
    assert.ok(indexedBefore >= Number(written.blockNumber), JSON.stringify(before.data));
    await first.stop();

    const started = performance.now();
    resumed = await startNetwork({ dir, resume: true });
    t.diagnostic(
      `resumed the devnet (2 chains, 2 nodes) in ${Math.round(performance.now() - started)} ms`,
    );

    // The same nodes: names, endpoints, keys and NodeRegistry ids; new processes.
    const identity = (net: StartNetworkReturnType) =>
      [...net.contentNodes, ...net.discoveryNodes].map((n) => ({
        name: n.name,
        endpoint: n.endpoint,
        spId: n.spId,
        delegateWallet: n.delegateWallet,
        operator: n.operator.address,
      }));
    assert.deepEqual(identity(resumed), identity(first));
    assert.deepEqual(resumed.chains, first.chains);
    assert.deepEqual(resumed.contracts, first.contracts);
    assert.equal(resumed.discoveryNodes[0]!.relayerWallet, discovery.relayerWallet);
    assert.notEqual(resumed.discoveryNodes[0]!.pid, discovery.pid);
    const [ids, registered] = await createChainClient('eth', resumed.chains.eth).readContract({
      address: resumed.contracts.eth.NodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'getNodesByType',
      args: [ServiceType.discoveryNode],
    });
    assert.deepEqual(
      ids.map((id, i) => [Number(id), registered[i]!.endpoint]),
      [[discovery.spId, discovery.endpoint]],
    );

    // The same blocks: the relayed transaction is where it was.
    const receipt = await createChainClient('data', resumed.chains.data).getTransactionReceipt({
      hash: written.transactionHash,
    });
    assert.equal(receipt.blockHash, written.blockHash);

    // The discovery node went on from its checkpoint (a hash that differed would have halted
    // it as a reorg) and serves the user at once from its kept database.
    const after = await health(discovery.endpoint);
    assert.equal(after.status, 200);
    assert.equal(after.data.healthy, true, JSON.stringify(after.data));
    assert.ok(
      (after.data.latest_indexed_block as number) >= indexedBefore,
      `latest_indexed_block ${String(after.data.latest_indexed_block)} after ${indexedBefore}`,
    );
    const served = await userByHandle(discovery.endpoint, handle);
    assert.equal(served.status, 200);
    assert.equal(served.body.data?.handle, handle);
    assert.doesNotMatch(await readFile(discovery.logFile, 'utf8'), /reorganised/);

    // And the resumed network takes new writes.
    const next = await createUserThroughRelay(resumed, 1, 5152n, `${handle}b`);
    assert.ok(next.blockNumber > written.blockNumber);
    assert.equal((await health(resumed.contentNodes[0]!.endpoint)).status, 200);
  });
});
