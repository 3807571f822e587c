import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:net';
import { createChainClient } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { statusClassOf } from '@coliving/server-kit';
import {
  checkQueries,
  scrapedMetrics,
  shippedOperationsQueries,
} from '@coliving/server-kit/testing';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Database } from './db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from './server.js';
import { openTestDatabase, submitActions } from './testing.js';

/** A scrape as series (`name{labels}`) to values. */
async function scrape(node: DiscoveryNode): Promise<Map<string, number>> {
  const res = await node.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  const series = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

describe('discovery node metrics', () => {
  let network: TestNetwork;
  let database: Database;
  let node: DiscoveryNode;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-dn-metrics-'));
    network = await startTestNetwork();
    database = await openTestDatabase('pglite');
    node = await createDiscoveryNode(
      {
        database,
        manifest: network.manifest,
        dataClient: network.dataPublic,
        ethClient: network.ethPublic,
        account: privateKeyToAccount(generatePrivateKey()),
      },
      {
        version: 'test',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 50,
        publicUrl: 'http://127.0.0.1:5000',
        dataDir: dir,
      },
    );
    await node.start();
  });

  after(async () => {
    await node?.stop();
    await database?.close();
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the chain head beside the indexed block, and both move with a new block', async () => {
    const first = await submitActions(network, [
      {
        account: network.accounts[1]!,
        userId: 7,
        entityType: 'User',
        entityId: 7,
        action: 'Create',
        metadata: { handle: 'dj', name: 'DJ' },
      },
    ]);
    await node.dataIndexer.waitFor(first);
    const before = await scrape(node);
    const indexed = before.get('coliving_discovery_node_indexed_block{chain="data"}')!;
    assert.ok(indexed >= first, `indexed ${indexed}`);
    assert.ok(before.get('coliving_discovery_node_chain_head_block{chain="data"}')! >= indexed);
    for (const chain of ['eth', 'plays', 'payments', 'balances'])
      assert.ok(before.has(`coliving_discovery_node_chain_head_block{chain="${chain}"}`), chain);
    for (const chain of ['data', 'eth', 'plays', 'payments', 'balances'])
      assert.equal(before.get(`coliving_discovery_node_indexer_failing{chain="${chain}"}`), 0);
    assert.ok(before.get('coliving_discovery_node_disk_capacity_bytes')! > 0);
    assert.ok(before.get('coliving_discovery_node_disk_free_bytes')! > 0);
    assert.ok(before.has('coliving_discovery_node_registered_nodes{type="content"}'));

    const next = await submitActions(network, [
      {
        account: network.accounts[2]!,
        userId: 8,
        entityType: 'User',
        entityId: 8,
        action: 'Create',
        metadata: { handle: 'mc', name: 'MC' },
      },
    ]);
    await node.dataIndexer.waitFor(next);
    await node.app.inject({ method: 'GET', url: '/v1/users/handle/mc' });
    const after = await scrape(node);
    assert.ok(after.get('coliving_discovery_node_indexed_block{chain="data"}')! >= next);
    assert.ok(after.get('coliving_discovery_node_chain_head_block{chain="data"}')! >= next);
    // Latency by route pattern and status class: the handle is not a label.
    const routes = [...after.keys()].filter((k) =>
      k.startsWith('coliving_discovery_node_http_request_duration_seconds_count'),
    );
    assert.ok(
      routes.some((k) => k.includes('route="/v1/users/handle/:handle"')),
      routes.join(),
    );
    assert.ok(!routes.some((k) => k.includes('mc"')));
  });

  it('says when an indexer fails, whose lag and head then stand still', async () => {
    // An eth RPC endpoint where nothing listens: the eth chain's sources fail every pass.
    const port = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
    });
    const lostDatabase = await openTestDatabase('pglite');
    const lost = await createDiscoveryNode(
      {
        database: lostDatabase,
        manifest: network.manifest,
        dataClient: network.dataPublic,
        ethClient: createChainClient('eth', {
          ...network.manifest.chains.eth,
          rpcUrl: `http://127.0.0.1:${port}`,
        }),
        account: privateKeyToAccount(generatePrivateKey()),
      },
      {
        version: 'test',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 50,
        publicUrl: 'http://127.0.0.1:5001',
      },
    );
    await lost.start();
    try {
      const deadline = Date.now() + 60_000;
      let series = await scrape(lost);
      while (
        series.get('coliving_discovery_node_indexer_failing{chain="eth"}') !== 1 ||
        series.get('coliving_discovery_node_indexer_failing{chain="data"}') !== 0
      ) {
        assert.ok(Date.now() < deadline, [...series].join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        series = await scrape(lost);
      }
      assert.equal(series.get('coliving_discovery_node_indexer_failing{chain="balances"}'), 1);
      // No pass of the eth chain ran: neither its head nor its indexed block says anything.
      assert.equal(series.has('coliving_discovery_node_chain_head_block{chain="eth"}'), false);
    } finally {
      await lost.stop();
      await lostDatabase.close();
    }
  });

  it('exposes every discovery-node metric, label and value the alert rules and the dashboard use', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/metrics' });
    const scraped = scrapedMetrics(res.body);
    const { queries, problems } = await shippedOperationsQueries();
    assert.deepEqual(problems, []);
    // Each parses as PromQL; each metric, label and compared value is in the real scrape.
    assert.deepEqual(
      checkQueries(queries, scraped, {
        prefix: 'coliving_discovery_node_',
        possibleValues: { status_class: [200, 300, 400, 500].map(statusClassOf) },
      }),
      [],
    );
    const ours = new Set(
      queries.flatMap(({ expr }) => expr.match(/\bcoliving_discovery_node_[a-z0-9_]+/g) ?? []),
    );
    assert.ok(ours.size >= 6, `only ${ours.size} discovery-node names used`);
  });
});
