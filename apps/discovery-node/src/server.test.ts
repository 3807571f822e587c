import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { ConfigError } from '@coliving/server-kit';
import { canonicalJson } from '@coliving/protocol';
import { fundAccounts, registerNode } from '@coliving/chain';
import { keccak256, parseEther, recoverMessageAddress, toBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadDiscoveryNodeConfig } from './config.js';
import type { Database } from './db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from './server.js';
import { freePort, openTestDatabase, signChainAction, submitActions } from './testing.js';

const here = dirname(fileURLToPath(import.meta.url));
let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
const delegate = privateKeyToAccount(generatePrivateKey());

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: delegate,
      relayer: network.accounts[18]!,
    },
    {
      version: 'test',
      dataConfirmations: 0,
      ethConfirmations: 0,
      pollIntervalMs: 50,
      publicUrl: 'http://127.0.0.1:5000',
    },
  );
  await node.start();
});

after(async () => {
  await node?.stop();
  await database?.close();
  await network?.stop();
});

describe('discovery node', () => {
  it('indexes in the background and answers the state digest of its last block', async () => {
    const block = await submitActions(network, [
      {
        account: network.accounts[1]!,
        userId: 7,
        entityType: 'User',
        entityId: 7,
        action: 'Create',
        metadata: { handle: 'dj', name: 'DJ' },
      },
    ]);
    await node.dataIndexer.waitFor(block);
    const res = await node.app.inject({ method: 'GET', url: '/v1/state_digest' });
    assert.equal(res.statusCode, 200);
    const { data } = res.json<{ data: { block: number; digest: string } }>();
    assert.ok(data.block >= block);
    assert.match(data.digest, /^0x[0-9a-f]{64}$/);
    const users = await database.db.selectFrom('users').select('handle').execute();
    assert.deepEqual(users, [{ handle: 'dj' }]);
  });

  it('reports its indexers in a health check signed by its delegate key', async () => {
    await node.ethIndexer.waitFor(Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));
    const res = await node.app.inject({ method: 'GET', url: '/health_check' });
    assert.equal(res.statusCode, 200);
    const body = res.json<{
      data: {
        healthy: boolean;
        dataChain: { indexedBlock: number };
        ethChain: { indexedBlock: number };
        chain: { data: { chain_id: number; entity_manager: string } };
      };
      signer: string;
      signature: `0x${string}`;
    }>();
    assert.equal(body.data.healthy, true);
    assert.ok(body.data.dataChain.indexedBlock >= 1);
    assert.ok(body.data.ethChain.indexedBlock >= 1);
    // What clients sign ManageEntity actions against.
    assert.deepEqual(body.data.chain, {
      data: {
        chain_id: network.manifest.chains.data.chainId,
        entity_manager: network.manifest.contracts.data.EntityManager,
      },
    });
    assert.equal(body.signer, delegate.address);
    const signer = await recoverMessageAddress({
      message: { raw: keccak256(toBytes(canonicalJson(body.data))) },
      signature: body.signature,
    });
    assert.equal(signer, delegate.address);
  });
});

describe('the health check under load', () => {
  it('answers from memory while every database connection is taken, with a node registered since', async () => {
    const owner = network.accounts[5]!;
    await fundAccounts({
      manifest: network.manifest,
      from: network.deployer,
      recipients: [owner.address],
      dgco: parseEther('200000'),
    });
    await registerNode({
      manifest: network.manifest,
      owner,
      serviceType: 'contentNode',
      endpoint: 'http://registered-since.test',
      stake: parseEther('200000'),
      delegateWallet: network.accounts[6]!.address,
    });
    await node.ethIndexer.waitFor(Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));
    // PGlite's pool has one connection: while it is held, any query of the check would wait for
    // it past the check's own timeout (5 s), and the answer would be a 503.
    const held = await database.pool.connect();
    try {
      const res = await node.app.inject({ method: 'GET', url: '/health_check' });
      assert.equal(res.statusCode, 200, res.body);
      const { data } = res.json<{ data: { network: { content_nodes: { endpoint: string }[] } } }>();
      assert.ok(
        data.network.content_nodes.some((n) => n.endpoint === 'http://registered-since.test'),
      );
    } finally {
      held.release();
    }
  });
});

describe('relay through the node', () => {
  it('relays a signed action, indexes its block at once, and confirms that block', async () => {
    const action = await signChainAction(network, {
      account: network.accounts[2]!,
      userId: 8,
      entityType: 'User',
      entityId: 8,
      action: 'Create',
      metadata: { handle: 'relayed', name: 'Relayed' },
    });
    const res = await node.app.inject({
      method: 'POST',
      url: '/relay',
      payload: {
        ...action,
        userId: action.userId.toString(),
        entityId: action.entityId.toString(),
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const { data } = res.json<{ data: { block_number: number; block_hash: string } }>();
    await node.dataIndexer.waitFor(data.block_number);
    const confirmed = await node.app.inject({
      method: 'GET',
      url: `/block_confirmation?blocknumber=${data.block_number}&blockhash=${data.block_hash}`,
    });
    assert.deepEqual(confirmed.json(), { data: { block_found: true, block_passed: true } });
    const user = await database.db
      .selectFrom('users')
      .select('handle')
      .where('user_id', '=', 8)
      .executeTakeFirst();
    assert.deepEqual(user, { handle: 'relayed' });
  });

  it('answers 503 relay_disabled when it has no gas wallet', async () => {
    const bare = await createDiscoveryNode(
      {
        database,
        manifest: network.manifest,
        dataClient: network.dataPublic,
        ethClient: network.ethPublic,
        account: delegate,
      },
      {
        version: 'test',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 50,
        publicUrl: 'http://127.0.0.1:5000',
      },
    );
    try {
      const res = await bare.app.inject({ method: 'POST', url: '/relay', payload: {} });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'relay_disabled');
    } finally {
      await bare.stop();
    }
  });
});

describe('discovery node process', () => {
  it('refuses a bad config with every problem named', () => {
    assert.throws(
      () => loadDiscoveryNodeConfig({ COLIVING_PORT: 'x', COLIVING_DATABASE_URL: 'mysql://x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.variable).sort(), [
          'COLIVING_DATABASE_URL',
          'COLIVING_DELEGATE_PRIVATE_KEY',
          'COLIVING_MANIFEST',
          'COLIVING_PORT',
        ]);
        return true;
      },
    );
  });

  it('starts from a manifest, indexes, answers, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coliving-discovery-main-'));
    try {
      const manifest = join(dir, 'manifest.json');
      await writeFile(manifest, JSON.stringify(network.manifest));
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
        env: {
          PATH: process.env.PATH ?? '',
          COLIVING_PORT: String(port),
          COLIVING_DATA_DIR: join(dir, 'data'),
          COLIVING_MANIFEST: manifest,
          COLIVING_DELEGATE_PRIVATE_KEY: generatePrivateKey(),
          COLIVING_POLL_INTERVAL: '100ms',
          COLIVING_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      let exitCode: number | null | undefined;
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve((exitCode = code))),
      );
      try {
        const head = Number(await network.dataPublic.getBlockNumber({ cacheTime: 0 }));
        const deadline = Date.now() + 60_000;
        let digest: { block: number } | undefined;
        while (Date.now() < deadline && exitCode === undefined) {
          const res = await fetch(`http://127.0.0.1:${port}/v1/state_digest`).catch(
            () => undefined,
          );
          if (res?.ok) {
            digest = ((await res.json()) as { data: { block: number } }).data;
            if (digest.block >= head) break;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(digest && digest.block >= head, `indexed to the head; output:\n${output}`);
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
