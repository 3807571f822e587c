import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { placementFor, rankNodes, signAuthRecord, signRequest } from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { type NodeInfo, type StaticNetwork, createStaticNetwork } from './core/network.js';
import type { LiveAuthRecord } from './db/authStore.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { freePort } from './testing.js';

const owner = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const stranger = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);
const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const R = 3;

type Member = {
  info: NodeInfo;
  key: `0x${string}`;
  port: number;
  node: ContentNode;
  store: BlobStore;
  listens: ListenJournal;
  network: StaticNetwork;
  stopped: boolean;
};

describe('login records across a cluster of 5 content nodes (R = 3)', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  const members: Member[] = [];
  const lookupKey = randomBytes(32).toString('hex');
  let latest: LiveAuthRecord;

  // Every registered node, up or down: placement does not change when a node goes down.
  const endpoints = () => members.map((m) => m.info.endpoint);
  const byEndpoint = (endpoint: string) => members.find((m) => m.info.endpoint === endpoint)!;
  const running = () => members.filter((m) => !m.stopped);
  const holders = async () => {
    const found: string[] = [];
    for (const m of members) if (await m.node.auth.find(lookupKey)) found.push(m.info.endpoint);
    return found.sort();
  };

  async function startMember(port: number, key: `0x${string}`, nodes: NodeInfo[]): Promise<Member> {
    const account = privateKeyToAccount(key);
    const info = { endpoint: `http://127.0.0.1:${port}`, delegateWallet: account.address };
    // The same directory for the same port: a restarted node finds what it had.
    const dataDir = join(dir, `node-${port}`);
    const store = await openBlobStore(join(dataDir, 'blobs'));
    const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    const network = createStaticNetwork(nodes, [discovery.address]);
    const node = await createContentNode(
      { account, store, listens, ffmpeg, logger: false, network },
      {
        publicUrl: info.endpoint,
        dataDir,
        version: '0.1.0',
        transcodeWorkers: 1,
        replicationFactor: R,
        repairIntervalMs: 0,
      },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port });
    return { info, key, port, node, store, listens, network, stopped: false };
  }

  async function stopMember(m: Member): Promise<void> {
    await m.node.stop();
    await m.listens.close();
    await m.store.close();
    m.stopped = true;
  }

  /** A request signed for its JSON body by `signer`. */
  async function send(
    endpoint: string,
    method: 'POST' | 'DELETE',
    path: string,
    json: unknown,
    signer: typeof owner,
  ): Promise<Response> {
    const body = JSON.stringify(json);
    return fetch(`${endpoint}${path}`, {
      method,
      headers: {
        ...(await signRequest({ account: signer, method, path, body })),
        'content-type': 'application/json',
      },
      body,
    });
  }

  /** Writes a new version of the record, dated now (and after the last one) and signed by `signer`. */
  async function write(endpoint: string, signer = owner): Promise<Response> {
    const fields = {
      lookupKey,
      iv: randomBytes(12).toString('hex'),
      cipherText: randomBytes(64).toString('base64'),
    };
    const after = latest ? Date.parse(latest.updatedAt) + 1 : 0;
    const updatedAt = new Date(Math.max(Date.now(), after)).toISOString();
    const signature = await signAuthRecord({ account: signer, version: { ...fields, updatedAt } });
    return send(endpoint, 'POST', '/authentication', { ...fields, updatedAt, signature }, signer);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-auth-cluster-'));
    ffmpeg = await findFfmpegBinaries();
    const keys = Array.from({ length: 5 }, () => generatePrivateKey());
    const ports = await Promise.all(keys.map(() => freePort()));
    const nodes = ports.map((port, i) => ({
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: privateKeyToAccount(keys[i]!).address,
    }));
    for (const [i, port] of ports.entries()) members.push(await startMember(port, keys[i]!, nodes));
  });

  after(async () => {
    for (const m of members) if (!m.stopped) await stopMember(m);
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a record written through any node on exactly its top 3, and every node answers it', async () => {
    const placement = placementFor(endpoints(), lookupKey, R);
    // Written through a node outside the placement, which must not keep it.
    const writer = members.find((m) => !placement.includes(m.info.endpoint))!;
    const res = await write(writer.info.endpoint);
    assert.equal(res.status, 201);
    latest = ((await res.json()) as { data: LiveAuthRecord }).data;
    assert.equal(latest.wallet, owner.address);
    assert.deepEqual(await holders(), [...placement].sort());
    for (const holder of placement)
      assert.deepEqual(await byEndpoint(holder).node.auth.find(lookupKey), latest);
    for (const m of members) {
      const got = await fetch(`${m.info.endpoint}/authentication/${lookupKey}`);
      assert.equal(got.status, 200, m.info.endpoint);
      assert.deepEqual(await got.json(), { data: latest }, m.info.endpoint);
    }
    // Asking did not make the others keep copies.
    assert.deepEqual(await holders(), [...placement].sort());
  });

  it('lets the owner replace it through another node, and nobody else through any', async () => {
    const placement = placementFor(endpoints(), lookupKey, R);
    const res = await write(placement[1]!);
    assert.equal(res.status, 201);
    const replaced = ((await res.json()) as { data: LiveAuthRecord }).data;
    assert.ok(replaced.updatedAt > latest.updatedAt);
    assert.notEqual(replaced.cipherText, latest.cipherText);
    latest = replaced;
    for (const holder of placement)
      assert.deepEqual(await byEndpoint(holder).node.auth.find(lookupKey), latest);
    for (const m of members) {
      const taken = await write(m.info.endpoint, stranger);
      assert.equal(taken.status, 403, m.info.endpoint);
      assert.equal(((await taken.json()) as { error: { code: string } }).error.code, 'not_owner');
    }
    for (const holder of placement)
      assert.deepEqual(await byEndpoint(holder).node.auth.find(lookupKey), latest);
  });

  it("refuses a registered node's unsigned, forged or far-future versions on every node", async () => {
    // The attacker runs a registered content node: it signs node-to-node calls with its key.
    const attacker = members[0]!;
    const node = privateKeyToAccount(attacker.key);
    const endOfTime = '9999-12-31T23:59:59.999Z';
    const forge = async (updatedAt: string, wallet: string) => ({
      lookupKey,
      wallet,
      updatedAt,
      deleted: true,
      signature: await signAuthRecord({
        account: node,
        version: { lookupKey, updatedAt, deleted: true },
      }),
    });
    const versions: [string, unknown][] = [
      ['unsigned', { lookupKey, wallet: owner.address, updatedAt: endOfTime, deleted: true }],
      ['forged', await forge(new Date().toISOString(), owner.address)],
      ['its own, at the end of time', await forge(endOfTime, node.address)],
      ['its own', await forge(new Date().toISOString(), node.address)],
    ];
    const placement = placementFor(endpoints(), lookupKey, R);
    for (const m of members) {
      for (const [what, version] of versions) {
        const res = await send(m.info.endpoint, 'POST', '/internal/authentication', version, node);
        // A holder refuses each; a node outside the placement may also just not keep it.
        const refused = res.status >= 400 && res.status < 500;
        const ok = refused || (res.status === 204 && !placement.includes(m.info.endpoint));
        assert.ok(ok, `${what} on ${m.info.endpoint}: ${res.status}`);
      }
      const kept = await m.node.auth.find(lookupKey);
      if (kept !== undefined) assert.deepEqual(kept, latest, m.info.endpoint);
    }
    // Repair spreads nothing of it either, and the owner still logs in through every node.
    for (const m of members) await m.node.repairOnce();
    for (const m of members) {
      const got = await fetch(`${m.info.endpoint}/authentication/${lookupKey}`);
      assert.equal(got.status, 200, m.info.endpoint);
      assert.deepEqual(await got.json(), { data: latest }, m.info.endpoint);
    }
  });

  it('gives a joining node that ranks in the top 3 the record through repair', async () => {
    let port = 0;
    for (let tries = 0; tries < 200 && port === 0; tries++) {
      const candidate = await freePort();
      const endpoint = `http://127.0.0.1:${candidate}`;
      if (placementFor([...endpoints(), endpoint], lookupKey, R).includes(endpoint))
        port = candidate;
    }
    assert.ok(port > 0, 'no port ranked in the top 3');
    const key = generatePrivateKey();
    const joinerInfo = {
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: privateKeyToAccount(key).address,
    };
    const all = [...members.map((m) => m.info), joinerInfo];
    for (const m of members) m.network.update(all);
    const joiner = await startMember(port, key, all);
    members.push(joiner);
    assert.ok(rankNodes(endpoints(), lookupKey).slice(0, R).includes(joiner.info.endpoint));
    assert.equal(await joiner.node.auth.find(lookupKey), undefined);

    const report = await joiner.node.repairOnce();
    assert.deepEqual(report.authRecords, [lookupKey]);
    assert.deepEqual(await joiner.node.auth.find(lookupKey), latest);
    const got = await fetch(`${joiner.info.endpoint}/authentication/${lookupKey}`);
    assert.deepEqual(await got.json(), { data: latest });
    // A second pass has nothing new to take.
    assert.deepEqual((await joiner.node.repairOnce()).authRecords, []);
  });

  it('keeps a deleted record deleted through repair, even on a holder that missed the delete', async () => {
    const placement = placementFor(endpoints(), lookupKey, R);
    const victim = byEndpoint(placement.find((e) => e !== members.at(-1)!.info.endpoint)!);
    await stopMember(victim);

    // Deleted through a node outside the placement, while one holder is down.
    const via = running().find((m) => !placement.includes(m.info.endpoint))!;
    const updatedAt = new Date(
      Math.max(Date.now(), Date.parse(latest.updatedAt) + 1),
    ).toISOString();
    const signature = await signAuthRecord({
      account: owner,
      version: { lookupKey, updatedAt, deleted: true },
    });
    const deleted = await send(
      via.info.endpoint,
      'DELETE',
      `/authentication/${lookupKey}`,
      { updatedAt, signature },
      owner,
    );
    assert.equal(deleted.status, 204);
    for (const holder of placement.filter((e) => e !== victim.info.endpoint))
      assert.equal((await byEndpoint(holder).node.auth.find(lookupKey))?.deleted, true, holder);

    // The victim comes back with the live record it had.
    const back = await startMember(
      victim.port,
      victim.key,
      members.map((m) => m.info),
    );
    members[members.indexOf(victim)] = back;
    assert.deepEqual(await back.node.auth.find(lookupKey), latest);

    for (let pass = 0; pass < 2; pass++) {
      for (const m of running()) await m.node.repairOnce();
      for (const holder of placement) {
        const record = await byEndpoint(holder).node.auth.find(lookupKey);
        assert.equal(record?.deleted, true, `${holder} after pass ${pass}`);
        assert.equal('cipherText' in record, false);
      }
      for (const m of running()) {
        const got = await fetch(`${m.info.endpoint}/authentication/${lookupKey}`);
        assert.equal(got.status, 404, m.info.endpoint);
        assert.equal(((await got.json()) as { error: { code: string } }).error.code, 'not_found');
      }
    }
  });
});
