import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  MAX_CLOCK_SKEW_MS,
  contentSha256Of,
  signAuthRecord,
  signRequest,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import sharp from 'sharp';
import { privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createStaticNetwork } from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests } from './testing.js';

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
const later = (iso: string, ms = 1) => new Date(Date.parse(iso) + ms).toISOString();

/** A version of a login record as its wallet sends it: dated and signed by it. */
async function signed<T extends { lookupKey: string; deleted?: true }>(
  fields: T,
  signer: Account = owner,
  updatedAt = new Date().toISOString(),
): Promise<T & { updatedAt: string; signature: `0x${string}` }> {
  const signature = await signAuthRecord({ account: signer, version: { ...fields, updatedAt } });
  return { ...fields, updatedAt, signature };
}

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
        // Uploads here are about their signatures, not who may upload (uploadAccess.test.ts).
        discovery: everyWalletIsAUserForTests(),
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

  /** A request signed for its body, as clients and peers send them. */
  async function send(
    method: 'POST' | 'DELETE' | 'GET',
    path: string,
    body: unknown,
    signer: Account | null,
    node = running.node,
  ) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return node.app.inject({
      method,
      url: path,
      headers: {
        ...(signer ? await signRequest({ account: signer, method, path, body: payload }) : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  async function write(body: unknown, signer: Account | null = owner, node = running.node) {
    return send('POST', '/authentication', body, signer, node);
  }

  /** Deletes with a tombstone `signer` signs (dated now unless `body` is given). */
  async function remove(lookupKey: string, signer: Account | null = owner, body?: unknown) {
    const tombstone =
      body ??
      (await signed({ lookupKey, deleted: true as const }, signer ?? owner).then(
        ({ updatedAt, signature }) => ({ updatedAt, signature }),
      ));
    return send('DELETE', `/authentication/${lookupKey}`, tombstone, signer);
  }

  /** A push of a login record version from a registered content node (this node's own key). */
  const push = (record: unknown, node = running.node) =>
    send('POST', '/internal/authentication', record, nodeWallet, node);

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
    const sent = await signed(input(newLookupKey()));
    const res = await write(sent);
    assert.equal(res.statusCode, 201, res.body);
    const { data } = res.json<{ data: { updatedAt: string } }>();
    // The version is the wallet's, time and signature included, and travels as it was signed.
    assert.deepEqual(data, { ...sent, wallet: owner.address });
    const got = await read(sent.lookupKey);
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['cache-control'], 'no-store');
    assert.deepEqual(got.json(), { data });
    assert.deepEqual(await running.node.auth.find(sent.lookupKey), data);
  });

  it('lets only the owning wallet replace a record', async () => {
    const lookupKey = newLookupKey();
    const first = await signed(input(lookupKey));
    assert.equal((await write(first)).statusCode, 201);
    const replacement = await signed(input(lookupKey), owner, later(first.updatedAt));
    const replaced = await write(replacement);
    assert.equal(replaced.statusCode, 201);
    const { data } = replaced.json<{ data: { updatedAt: string } }>();
    assert.deepEqual(data, { ...replacement, wallet: owner.address });

    const taken = await write(await signed(input(lookupKey), stranger), stranger);
    assert.equal(taken.statusCode, 403);
    assert.deepEqual(taken.json(), {
      error: { code: 'not_owner', message: 'This login record belongs to another wallet' },
    });
    assert.deepEqual((await read(lookupKey)).json(), { data });
  });

  it('refuses missing, forged, stale and misdirected signatures with 401, storing nothing', async () => {
    const lookupKey = newLookupKey();
    const body = await signed(input(lookupKey));
    const unsigned = await write(body, null);
    assert.equal(unsigned.statusCode, 401);
    assert.equal(unsigned.json<ErrorBody>().error.code, 'signature_required');

    // The stranger signs but names the owner's wallet.
    const forged = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers: {
        ...(await signRequest({
          account: stranger,
          method: 'POST',
          path: '/authentication',
          body: JSON.stringify(body),
        })),
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
        body: JSON.stringify(body),
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
    const ok = await signed(input(newLookupKey()));
    const { signature: _, ...unsignedVersion } = ok;
    const cases: [unknown, number, string][] = [
      [unsignedVersion, 400, 'record_signature_required'],
      [{ ...ok, signature: '0x1234' }, 400, 'record_signature_required'],
      [{ ...ok, updatedAt: 'tomorrow' }, 400, 'invalid_updated_at'],
      [{ ...ok, updatedAt: '2026-01-01T00:00:00Z' }, 400, 'invalid_updated_at'],
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
        ...(await signRequest({
          account: owner,
          method: 'POST',
          path: '/authentication',
          body: JSON.stringify(ok),
        })),
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
    const { data: created } = (await write(await signed(input(lookupKey)))).json<{
      data: { updatedAt: string };
    }>();

    assert.equal((await remove(lookupKey, null)).statusCode, 401);
    // The delete must carry the tombstone the owner signed: none, or one for another key, fails.
    assert.equal(
      (await remove(lookupKey, owner, {})).json<ErrorBody>().error.code,
      'invalid_updated_at',
    );
    const foreign = await signed({ lookupKey: newLookupKey(), deleted: true as const });
    const moved = await remove(lookupKey, owner, {
      updatedAt: foreign.updatedAt,
      signature: foreign.signature,
    });
    assert.equal(moved.statusCode, 401);
    assert.equal(moved.json<ErrorBody>().error.code, 'invalid_record_signature');
    const byStranger = await remove(lookupKey, stranger);
    assert.equal(byStranger.statusCode, 403);
    assert.equal(byStranger.json<ErrorBody>().error.code, 'not_owner');
    // Signed for another record's path.
    const other = newLookupKey();
    const tombstoneBody = JSON.stringify(
      await signed({ lookupKey, deleted: true as const }).then(({ updatedAt, signature }) => ({
        updatedAt,
        signature,
      })),
    );
    const misdirected = await running.node.app.inject({
      method: 'DELETE',
      url: `/authentication/${lookupKey}`,
      headers: {
        ...(await signRequest({
          account: owner,
          method: 'DELETE',
          path: `/authentication/${other}`,
          body: tombstoneBody,
        })),
        'content-type': 'application/json',
      },
      payload: tombstoneBody,
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
      signature: tombstone?.signature,
      deleted: true,
    });
    assert.ok(tombstone.signature);
    assert.ok(tombstone.updatedAt > created.updatedAt);

    // Deleting again changes nothing; nobody else may take the key; the owner may write it again.
    assert.equal((await remove(lookupKey)).statusCode, 204);
    assert.deepEqual(await running.node.auth.find(lookupKey), tombstone);
    assert.equal((await remove(lookupKey, stranger)).statusCode, 403);
    assert.equal((await write(await signed(input(lookupKey), stranger), stranger)).statusCode, 403);
    const again = await signed(input(lookupKey), owner, later(tombstone.updatedAt));
    assert.equal((await write(again)).statusCode, 201);
    assert.equal((await read(lookupKey)).json<{ data: { iv: string } }>().data.iv, again.iv);

    assert.equal((await remove(newLookupKey())).statusCode, 404);
  });

  it('limits writes per wallet per hour with 429', async () => {
    const limited = await startNode('limited', 2);
    const statuses: number[] = [];
    const lookupKey = newLookupKey();
    const start = new Date().toISOString();
    for (let i = 0; i < 3; i++) {
      const version = await signed(input(lookupKey), owner, later(start, i));
      statuses.push((await write(version, owner, limited.node)).statusCode);
    }
    assert.deepEqual(statuses, [201, 201, 429]);
    const other = await write(
      await signed(input(newLookupKey()), stranger),
      stranger,
      limited.node,
    );
    assert.equal(other.statusCode, 201);
  });

  it('answers node-to-node login record routes only to registered content nodes', async () => {
    const lookupKey = newLookupKey();
    await write(await signed(input(lookupKey)));
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
    const pushed = await send(
      'POST',
      '/internal/authentication',
      { lookupKey, wallet: stranger.address, updatedAt: new Date().toISOString() },
      stranger,
    );
    assert.equal(pushed.statusCode, 403);
    // A registered node (this one) gets its copy, and may not push a malformed one.
    const peer = await running.node.app.inject({
      method: 'GET',
      url: path,
      headers: await signRequest({ account: nodeWallet, method: 'GET', path }),
    });
    assert.equal(peer.statusCode, 200);
    assert.deepEqual(peer.json(), { data: await running.node.auth.find(lookupKey) });
    const malformed = await push({
      lookupKey,
      wallet: stranger.address,
      updatedAt: 'tomorrow',
      deleted: true,
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json<ErrorBody>().error.code, 'invalid_auth_record');
    assert.equal((await read(lookupKey)).statusCode, 200);
  });

  it("refuses a peer's unsigned, forged, foreign or far-future version, keeping the login", async () => {
    const lookupKey = newLookupKey();
    const live = await signed(input(lookupKey));
    assert.equal((await write(live)).statusCode, 201);
    const endOfTime = '9999-12-31T23:59:59.999Z';
    const tombstone = { lookupKey, wallet: owner.address, deleted: true as const };
    const forged = await signed(
      { lookupKey, deleted: true as const },
      stranger,
      later(live.updatedAt),
    );
    const cases: [unknown, number, string][] = [
      // What wiped a demo user's login network-wide: no signature at all, dated at the end of time.
      [{ ...tombstone, updatedAt: endOfTime }, 400, 'record_signature_required'],
      // Signed, but by another key than the wallet it names.
      [{ ...forged, wallet: owner.address }, 401, 'invalid_record_signature'],
      // Signed by the owner for another content (its signature moved onto a tombstone).
      [
        { ...tombstone, updatedAt: live.updatedAt, signature: live.signature },
        401,
        'invalid_record_signature',
      ],
      // Signed by its own wallet, which does not own this lookup key.
      [{ ...forged, wallet: stranger.address }, 403, 'not_owner'],
      // Signed by the owner, but dated past the clock skew: it would outrank every later version.
      [
        {
          ...(await signed({ lookupKey, deleted: true as const }, owner, endOfTime)),
          wallet: owner.address,
        },
        400,
        'future_updated_at',
      ],
    ];
    for (const [record, status, code] of cases) {
      const res = await push(record);
      assert.equal(res.statusCode, status, JSON.stringify(record).slice(0, 120));
      assert.equal(res.json<ErrorBody>().error.code, code);
    }
    // A client cannot date its own version past the skew either.
    const ahead = new Date(Date.now() + MAX_CLOCK_SKEW_MS + 60_000).toISOString();
    const fromFuture = await write(await signed(input(lookupKey), owner, ahead));
    assert.equal(fromFuture.statusCode, 400);
    assert.equal(fromFuture.json<ErrorBody>().error.code, 'future_updated_at');
    // An older version is not taken: from a peer it is dropped, from a client it is a 409.
    const older = await signed(input(lookupKey), owner, later(live.updatedAt, -1000));
    assert.equal((await push({ ...older, wallet: owner.address })).statusCode, 204);
    const stale = await write(older);
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<ErrorBody>().error.code, 'stale_version');

    const got = await read(lookupKey);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), { data: { ...live, wallet: owner.address } });
    // The owner's own newer versions still go through, from a peer too, and a delete with them.
    const newer = {
      ...(await signed(input(lookupKey), owner, later(live.updatedAt))),
      wallet: owner.address,
    };
    assert.equal((await push(newer)).statusCode, 204);
    assert.deepEqual((await read(lookupKey)).json(), { data: newer });
    assert.equal((await remove(lookupKey)).statusCode, 204);
    assert.equal((await read(lookupKey)).statusCode, 404);
  });

  it('serves a record stored before versions were signed, never sends it to a peer, and lets its owner sign over it', async () => {
    const lookupKey = newLookupKey();
    const legacy = {
      ...input(lookupKey),
      wallet: owner.address,
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    assert.equal(await running.node.auth.merge(legacy), true);
    assert.deepEqual((await read(lookupKey)).json(), { data: legacy });
    const page = await send('GET', '/internal/authentication', undefined, nodeWallet);
    assert.equal(page.statusCode, 200);
    assert.ok(
      !page.json<{ data: { lookupKey: string }[] }>().data.some((r) => r.lookupKey === lookupKey),
    );
    // An unsigned tombstone dated at the end of time (pushed before this check existed) does not
    // lock the owner out: any version the owner signs wins over an unsigned one.
    await running.node.auth.merge({
      lookupKey,
      wallet: owner.address,
      updatedAt: '9999-12-31T23:59:59.999Z',
      deleted: true,
    });
    assert.equal((await read(lookupKey)).statusCode, 404);
    const rewritten = await signed(input(lookupKey));
    assert.equal((await write(rewritten)).statusCode, 201);
    assert.deepEqual((await read(lookupKey)).json(), {
      data: { ...rewritten, wallet: owner.address },
    });
    // And nobody else may take the key from the legacy record's wallet.
    const other = newLookupKey();
    await running.node.auth.merge({
      ...input(other),
      wallet: owner.address,
      updatedAt: legacy.updatedAt,
    });
    assert.equal((await write(await signed(input(other), stranger), stranger)).statusCode, 403);
  });

  it('takes a signed request once, and only with the body it was signed for', async () => {
    const lookupKey = newLookupKey();
    const version = await signed(input(lookupKey));
    const body = JSON.stringify(version);
    const headers = {
      ...(await signRequest({ account: owner, method: 'POST', path: '/authentication', body })),
      'content-type': 'application/json',
    };
    const first = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers,
      payload: body,
    });
    assert.equal(first.statusCode, 201);
    const replayed = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers,
      payload: body,
    });
    assert.equal(replayed.statusCode, 409);
    assert.equal(replayed.json<ErrorBody>().error.code, 'signature_replayed');
    const otherBody = JSON.stringify(
      await signed(input(lookupKey), owner, later(version.updatedAt)),
    );
    const swapped = await running.node.app.inject({
      method: 'POST',
      url: '/authentication',
      headers,
      payload: otherBody,
    });
    assert.equal(swapped.statusCode, 401);
    assert.equal(swapped.json<ErrorBody>().error.code, 'wrong_content');
    assert.equal(
      (await read(lookupKey)).json<{ data: { updatedAt: string } }>().data.updatedAt,
      version.updatedAt,
    );

    // A node-to-node call too: a captured peer push cannot carry another record.
    const pushBody = JSON.stringify({
      ...(JSON.parse(otherBody) as object),
      wallet: owner.address,
    });
    const peerHeaders = {
      ...(await signRequest({
        account: nodeWallet,
        method: 'POST',
        path: '/internal/authentication',
        body: pushBody,
      })),
      'content-type': 'application/json',
    };
    const forgedTombstone = JSON.stringify({
      lookupKey,
      wallet: owner.address,
      updatedAt: '9999-12-31T23:59:59.999Z',
      deleted: true,
    });
    const carried = await running.node.app.inject({
      method: 'POST',
      url: '/internal/authentication',
      headers: peerHeaders,
      payload: forgedTombstone,
    });
    assert.equal(carried.statusCode, 401);
    assert.equal(carried.json<ErrorBody>().error.code, 'wrong_content');
    const pushed = await running.node.app.inject({
      method: 'POST',
      url: '/internal/authentication',
      headers: peerHeaders,
      payload: pushBody,
    });
    assert.equal(pushed.statusCode, 204);
    const again = await running.node.app.inject({
      method: 'POST',
      url: '/internal/authentication',
      headers: peerHeaders,
      payload: pushBody,
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<ErrorBody>().error.code, 'signature_replayed');
  });

  it('takes an upload only with the file it was signed for', async () => {
    const png = (shade: number) =>
      sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    const [mine, theirs] = [await png(10), await png(200)];
    const signFor = (file: Buffer) =>
      signRequest({
        account: owner,
        method: 'POST',
        path: '/uploads',
        content: contentSha256Of(file),
      });
    const sendWith = (headers: Record<string, string>, file: Buffer) => {
      const form = new FormData();
      form.set('template', 'img_square');
      form.append('files', new Blob([file]), 'cover.png');
      return running.node.app.inject({ method: 'POST', url: '/uploads', headers, payload: form });
    };
    // A captured upload signature cannot carry another file...
    const swapped = await sendWith(await signFor(mine), theirs);
    assert.equal(swapped.statusCode, 401, swapped.body);
    assert.equal(swapped.json<ErrorBody>().error.code, 'wrong_content');
    // ...nor the same one twice; the owner's own upload goes through.
    const headers = await signFor(mine);
    const first = await sendWith(headers, mine);
    assert.equal(first.statusCode, 201, first.body);
    const replayed = await sendWith(headers, mine);
    assert.equal(replayed.statusCode, 409);
    assert.equal(replayed.json<ErrorBody>().error.code, 'signature_replayed');
    const records: string[] = [];
    for await (const record of running.node.uploads.list()) records.push(record.origFileCid);
    assert.equal(records.length, 1);
  });
});
