import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createStaticNetwork } from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';

const owner = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const stranger = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);
const nodeWallet = privateKeyToAccount(
  '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd',
);
const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);

type Account = typeof owner;
type Running = { node: ContentNode; listens: ListenJournal; store: BlobStore };
type ErrorBody = { error: { code: string; message: string } };

const newLookupKey = () => randomBytes(32).toString('hex');
const input = (lookupKey: string, cipherText = randomBytes(48).toString('base64')) => ({
  lookupKey,
  iv: randomBytes(12).toString('hex'),
  cipherText,
});

describe('login records on one content node', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  let running: Running;
  const started: Running[] = [];

  async function startNode(name: string, authWritesPerHour?: number): Promise<Running> {
    const dataDir = join(dir, name);
    const store = await openBlobStore(join(dataDir, 'blobs'));
    const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    const node = await createContentNode(
      {
        account: nodeWallet,
        store,
        listens,
        ffmpeg,
        logger: false,
        network: createStaticNetwork(
          [{ endpoint: 'http://127.0.0.1:1', delegateWallet: nodeWallet.address }],
          [discovery.address],
        ),
      },
      {
        publicUrl: 'http://127.0.0.1:1',
        dataDir,
        version: '0.1.0',
        transcodeWorkers: 1,
        repairIntervalMs: 0,
        authWritesPerHour,
      },
    );
    const result = { node, listens, store };
    started.push(result);
    return result;
  }

  async function write(body: unknown, signer: Account | null = owner, node = running.node) {
    return node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: signer
        ? await signRequest({ account: signer, method: 'POST', path: '/authentication' })
        : {},
      payload: body as object,
    });
  }

  async function remove(lookupKey: string, signer: Account | null = owner) {
    const path = `/authentication/${lookupKey}`;
    return running.node.app.inject({
      method: 'DELETE',
      url: path,
      headers: signer ? await signRequest({ account: signer, method: 'DELETE', path }) : {},
    });
  }

  const read = (lookupKey: string) =>
    running.node.app.inject({ method: 'GET', url: `/authentication/${lookupKey}` });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-authentication-'));
    ffmpeg = await findFfmpegBinaries();
    running = await startNode('node');
  });

  after(async () => {
    for (const r of started) {
      await r.node.stop();
      await r.listens.close();
      await r.store.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a record bound to the signing wallet and answers it', async () => {
    const sent = input(newLookupKey());
    const before = Date.now();
    const res = await write(sent);
    assert.equal(res.statusCode, 201, res.body);
    const { data } = res.json<{ data: { updatedAt: string } }>();
    assert.deepEqual(data, { ...sent, wallet: owner.address, updatedAt: data.updatedAt });
    assert.equal(new Date(data.updatedAt).toISOString(), data.updatedAt);
    assert.ok(Date.parse(data.updatedAt) >= before - 1 && Date.parse(data.updatedAt) <= Date.now());
    const got = await read(sent.lookupKey);
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['cache-control'], 'no-store');
    assert.deepEqual(got.json(), { data });
    assert.deepEqual(await running.node.auth.find(sent.lookupKey), data);
  });

  it('lets only the owning wallet replace a record', async () => {
    const lookupKey = newLookupKey();
    const first = (await write(input(lookupKey))).json<{ data: { updatedAt: string } }>().data;
    const replacement = input(lookupKey);
    const replaced = await write(replacement);
    assert.equal(replaced.statusCode, 201);
    const { data } = replaced.json<{ data: { updatedAt: string } }>();
    assert.deepEqual(data, { ...replacement, wallet: owner.address, updatedAt: data.updatedAt });
    assert.ok(data.updatedAt > first.updatedAt, `${data.updatedAt} after ${first.updatedAt}`);

    const taken = await write(input(lookupKey), stranger);
    assert.equal(taken.statusCode, 403);
    assert.deepEqual(taken.json(), {
      error: { code: 'not_owner', message: 'This login record belongs to another wallet' },
    });
    assert.deepEqual((await read(lookupKey)).json(), { data });
  });

  it('refuses missing, forged, stale and misdirected signatures with 401, storing nothing', async () => {
    const lookupKey = newLookupKey();
    const body = input(lookupKey);
    const unsigned = await write(body, null);
    assert.equal(unsigned.statusCode, 401);
    assert.equal(unsigned.json<ErrorBody>().error.code, 'signature_required');

    // The stranger signs but names the owner's wallet.
    const forged = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: {
        ...(await signRequest({ account: stranger, method: 'POST', path: '/authentication' })),
        'x-coliving-wallet': owner.address,
      },
      payload: body,
    });
    assert.equal(forged.statusCode, 401);
    assert.equal(forged.json<ErrorBody>().error.code, 'wrong_signer');

    const elsewhere = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: await signRequest({ account: owner, method: 'POST', path: '/uploads' }),
      payload: body,
    });
    assert.equal(elsewhere.statusCode, 401);

    const stale = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: await signRequest({
        account: owner,
        method: 'POST',
        path: '/authentication',
        timestamp: Date.now() - 3_600_000,
      }),
      payload: body,
    });
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json<ErrorBody>().error.code, 'signature_expired');

    assert.equal(await running.node.auth.find(lookupKey), undefined);
    assert.equal((await read(lookupKey)).statusCode, 404);
  });

  it('refuses malformed input with 4xx and a stable code', async () => {
    const ok = input(newLookupKey());
    const cases: [unknown, number, string][] = [
      [{ ...ok, lookupKey: ok.lookupKey.toUpperCase() }, 400, 'invalid_lookup_key'],
      [{ ...ok, iv: 'abc' }, 400, 'invalid_iv'],
      [{ ...ok, cipherText: 'A'.repeat(4100) }, 400, 'invalid_cipher_text'],
      [{ ...ok, cipherText: 'not base64!' }, 400, 'invalid_cipher_text'],
      [{ ...ok, wallet: stranger.address }, 400, 'unknown_field'],
      [[ok], 400, 'invalid_body'],
      [{ ...ok, cipherText: 'A'.repeat(9000) }, 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const res = await write(body);
      assert.equal(res.statusCode, status, JSON.stringify(body).slice(0, 100));
      assert.equal(res.json<ErrorBody>().error.code, code);
    }
    const xml = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: {
        ...(await signRequest({ account: owner, method: 'POST', path: '/authentication' })),
        'content-type': 'application/xml',
      },
      payload: JSON.stringify(ok),
    });
    assert.equal(xml.statusCode, 415);
    assert.equal(await running.node.auth.find(ok.lookupKey), undefined);

    for (const bad of ['abc', ok.lookupKey.toUpperCase(), `${ok.lookupKey}0`, '..%2F..%2Fetc']) {
      const got = await read(bad);
      assert.equal(got.statusCode, 400, bad);
      assert.equal(got.json<ErrorBody>().error.code, 'invalid_lookup_key');
      assert.equal((await remove(bad)).statusCode, 400, bad);
    }
    const missing = await read(newLookupKey());
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), {
      error: { code: 'not_found', message: 'No login record for this lookupKey' },
    });
  });

  it('deletes with the owning wallet, leaving a tombstone that keeps the record bound', async () => {
    const lookupKey = newLookupKey();
    const { data: created } = (await write(input(lookupKey))).json<{
      data: { updatedAt: string };
    }>();

    assert.equal((await remove(lookupKey, null)).statusCode, 401);
    const byStranger = await remove(lookupKey, stranger);
    assert.equal(byStranger.statusCode, 403);
    assert.equal(byStranger.json<ErrorBody>().error.code, 'not_owner');
    // Signed for another record's path.
    const other = newLookupKey();
    const misdirected = await running.node.app.inject({
      method: 'DELETE',
      url: `/authentication/${lookupKey}`,
      headers: await signRequest({
        account: owner,
        method: 'DELETE',
        path: `/authentication/${other}`,
      }),
    });
    assert.equal(misdirected.statusCode, 401);
    assert.equal((await read(lookupKey)).statusCode, 200);

    const deleted = await remove(lookupKey);
    assert.equal(deleted.statusCode, 204);
    assert.equal(deleted.body, '');
    const gone = await read(lookupKey);
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json<ErrorBody>().error.code, 'not_found');
    const tombstone = await running.node.auth.find(lookupKey);
    assert.deepEqual(tombstone, {
      lookupKey,
      wallet: owner.address,
      updatedAt: tombstone?.updatedAt,
      deleted: true,
    });
    assert.ok(tombstone.updatedAt > created.updatedAt);

    // Deleting again changes nothing; nobody else may take the key; the owner may write it again.
    assert.equal((await remove(lookupKey)).statusCode, 204);
    assert.deepEqual(await running.node.auth.find(lookupKey), tombstone);
    assert.equal((await remove(lookupKey, stranger)).statusCode, 403);
    assert.equal((await write(input(lookupKey), stranger)).statusCode, 403);
    const again = input(lookupKey);
    assert.equal((await write(again)).statusCode, 201);
    assert.equal((await read(lookupKey)).json<{ data: { iv: string } }>().data.iv, again.iv);

    assert.equal((await remove(newLookupKey())).statusCode, 404);
  });

  it('limits writes per wallet per hour with 429', async () => {
    const limited = await startNode('limited', 2);
    const statuses: number[] = [];
    const lookupKey = newLookupKey();
    for (let i = 0; i < 3; i++)
      statuses.push((await write(input(lookupKey), owner, limited.node)).statusCode);
    assert.deepEqual(statuses, [201, 201, 429]);
    const other = await write(input(newLookupKey()), stranger, limited.node);
    assert.equal(other.statusCode, 201);
  });

  it('answers node-to-node login record routes only to registered content nodes', async () => {
    const lookupKey = newLookupKey();
    await write(input(lookupKey));
    const path = `/internal/authentication/${lookupKey}`;
    const unsigned = await running.node.app.inject({ method: 'GET', url: path });
    assert.equal(unsigned.statusCode, 401);
    const outsider = await running.node.app.inject({
      method: 'GET',
      url: path,
      headers: await signRequest({ account: stranger, method: 'GET', path }),
    });
    assert.equal(outsider.statusCode, 403);
    assert.equal(outsider.json<ErrorBody>().error.code, 'unknown_node');
    const pushed = await running.node.app.inject({
      method: 'POST',
      url: '/internal/authentication',
      headers: await signRequest({
        account: stranger,
        method: 'POST',
        path: '/internal/authentication',
      }),
      payload: { lookupKey, wallet: stranger.address, updatedAt: new Date().toISOString() },
    });
    assert.equal(pushed.statusCode, 403);
    // A registered node (this one) gets its copy, and may not push a malformed one.
    const peer = await running.node.app.inject({
      method: 'GET',
      url: path,
      headers: await signRequest({ account: nodeWallet, method: 'GET', path }),
    });
    assert.equal(peer.statusCode, 200);
    assert.deepEqual(peer.json(), { data: await running.node.auth.find(lookupKey) });
    const malformed = await running.node.app.inject({
      method: 'POST',
      url: '/internal/authentication',
      headers: await signRequest({
        account: nodeWallet,
        method: 'POST',
        path: '/internal/authentication',
      }),
      payload: { lookupKey, wallet: stranger.address, updatedAt: 'tomorrow', deleted: true },
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json<ErrorBody>().error.code, 'invalid_auth_record');
    assert.equal((await read(lookupKey)).statusCode, 200);
  });
});
