// The SDK when a node freezes (SIGSTOP, a hung event loop: connections are taken, nothing is
// answered) or restarts, against the stand-in nodes (testing/fakeNodes.ts) on loopback. Each test's
// timeout is below the time the SDK used to block on a frozen node (30 s a read, 90 s a relay), so
// that the old behaviour fails it; no test asserts a duration.
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { decodeHashId, placementFor, rankNodes } from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { WRITE_HEALTH_MAX_AGE_MS } from './constants.js';
import { createColivingSdk } from './createColivingSdk.js';
import { lookupKeyOf } from './hedgehog.js';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  startFakeContentNode,
  startFakeDiscoveryNode,
} from './testing/fakeNodes.js';
import type { UploadProgressEvent } from './upload.js';

const open: FakeNode[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((node) => node.close()));
});

async function discoveryNode(...args: Parameters<typeof startFakeDiscoveryNode>) {
  const node = await startFakeDiscoveryNode(...args);
  open.push(node);
  return node;
}

async function contentNode(...args: Parameters<typeof startFakeContentNode>) {
  const node = await startFakeContentNode(...args);
  open.push(node);
  return node;
}

function sdkOn(endpoints: string[]) {
  const account = privateKeyToAccount(generatePrivateKey());
  return createColivingSdk({ discoveryNodes: endpoints, account, pollIntervalMs: 5 });
}

/**
 * Two discovery nodes over one chain: `first`, which an SDK given only it selects, and `second`,
 * which it learns of from first's health check.
 */
async function twoDiscoveryNodes(chain: FakeChain, contentNodes: () => string[] = () => []) {
  const second = await discoveryNode({ chain, contentNodes });
  const first = await discoveryNode({
    chain,
    contentNodes,
    discoveryNodes: () => [first.endpoint, second.endpoint],
  });
  return { first, second };
}

const count = (node: FakeNode, request: string) =>
  node.requests.filter((r) => r === request).length;

describe('a frozen discovery node', () => {
  it(
    'answers a read from the next node instead of waiting for the frozen one',
    { timeout: 10_000 },
    async () => {
      const chain = createFakeChain();
      chain.users.set(1, {
        wallet: '0x1',
        data: { handle: 'a', name: 'A' },
        deactivated: false,
        updated: 1,
      });
      chain.tracks.set(7, {
        owner: 1,
        data: { title: 'T', genre: 'Ambient' },
        deleted: false,
        updated: 1,
      });
      const { first, second } = await twoDiscoveryNodes(chain);
      const sdk = sdkOn([first.endpoint]);
      assert.equal(await sdk.discovery.current(), first.endpoint);

      first.freeze();
      assert.equal((await sdk.tracks.get('7')).title, 'T');
      assert.equal(count(first, 'GET /v1/tracks/7'), 1, 'the frozen node was asked first');
      assert.equal(count(second, 'GET /v1/tracks/7'), 1);
      // The frozen node is passed over now: the next reads go straight to the other one.
      assert.equal(await sdk.discovery.current(), second.endpoint);
      const asked = first.requests.length;
      assert.equal((await sdk.users.get('1')).handle, 'a');
      assert.equal((await sdk.resolve('/a')).kind, 'user');
      assert.equal(first.requests.length, asked);
    },
  );

  it(
    'sends a write once, to a live node, when its node froze since it was chosen',
    { timeout: 10_000 },
    async (t) => {
      // The clock the SDK reads for the age of a health check; timers and sockets run for real.
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      const chain = createFakeChain();
      const { first, second } = await twoDiscoveryNodes(chain);
      const writer = sdkOn([first.endpoint]);
      const { userId } = await writer.users.create({ handle: 'writer', name: 'Writer' });
      const { userId: targetId } = await sdkOn([second.endpoint]).users.create({
        handle: 'target',
        name: 'Target',
      });
      assert.equal(await writer.discovery.current(), first.endpoint);
      const relayed = chain.relayed.length;
      const relaysToFirst = count(first, 'POST /relay');
      const relaysToSecond = count(second, 'POST /relay');

      first.freeze();
      t.mock.timers.tick(WRITE_HEALTH_MAX_AGE_MS);
      const target = await writer.users.follow(userId, targetId);
      assert.equal(target.does_current_user_follow, true);
      // The frozen node's health was checked again before the write, and the write never went to it.
      assert.equal(count(first, 'POST /relay'), relaysToFirst);
      assert.equal(count(second, 'POST /relay'), relaysToSecond + 1);
      assert.equal(chain.relayed.length, relayed + 1, 'the action was sent once');
    },
  );
});

describe('a frozen content node', () => {
  it('reads the waveform from the next holder', { timeout: 5_000 }, async () => {
    const peaks = [0, 0.5, 1];
    const asked: string[] = [];
    /** A server that takes every request and answers none (what SIGSTOP looks like). */
    const hung = createServer((request) => asked.push(String(request.url)));
    const serving = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ version: 1, peaks }));
    });
    const url = async (server: Server) => {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    try {
      const waveform = {
        url: `${await url(hung)}/content/bafypeaks`,
        mirrors: [await url(serving)],
      };
      const sdk = sdkOn(['http://127.0.0.1:9']);
      assert.deepEqual(await sdk.tracks.waveform({ id: 'x', waveform }), peaks);
      assert.deepEqual(asked, ['/content/bafypeaks'], 'the frozen holder was asked first');
    } finally {
      for (const server of [hung, serving]) {
        server.closeAllConnections();
        server.close();
      }
    }
  });
});

describe('a frozen holder of a login record', () => {
  it(
    'logs in from the next holder instead of waiting for the frozen one',
    { timeout: 10_000 },
    async () => {
      const contentNodes: FakeNode[] = [];
      for (let i = 0; i < 4; i++) contentNodes.push(await contentNode());
      const dn = await discoveryNode({
        chain: createFakeChain(),
        contentNodes: () => contentNodes.map((n) => n.endpoint),
      });
      const email = 'landlord@example.org';
      const password = 'correct horse battery staple';
      const { wallet } = await sdkOn([dn.endpoint]).auth.signUp({ email, password });
      const lookupKey = await lookupKeyOf(email, password);
      const [top] = placementFor(
        contentNodes.map((n) => n.endpoint),
        lookupKey,
        3,
      );
      const frozen = contentNodes.find((n) => n.endpoint === top)!;
      frozen.freeze();
      const asked = count(frozen, `GET /authentication/${lookupKey}`);

      // The frozen holder's read would hang until the request timeout (30 s before the fix), past
      // this test's timeout; the next holder is asked once it has not answered within the hedge.
      const device = createColivingSdk({ discoveryNodes: [dn.endpoint] });
      assert.equal((await device.auth.logIn({ email, password })).wallet, wallet);
      assert.equal(
        count(frozen, `GET /authentication/${lookupKey}`),
        asked + 1,
        'the frozen holder was asked first',
      );
    },
  );
  it(
    'changes a password while one holder is frozen, without waiting for it',
    // Below the frozen holder's 30 s request timeout, with room for key derivation on a busy CI.
    { timeout: 28_000 },
    async () => {
      const contentNodes: FakeNode[] = [];
      for (let i = 0; i < 4; i++) contentNodes.push(await contentNode());
      const dn = await discoveryNode({
        chain: createFakeChain(),
        contentNodes: () => contentNodes.map((n) => n.endpoint),
      });
      const email = 'resident@example.org';
      const password = 'first password here';
      const sdk = sdkOn([dn.endpoint]);
      const { wallet } = await sdk.auth.signUp({ email, password });
      const newPassword = 'second password here';
      // Every holder of the new record but one answers; the frozen one would hold the write up
      // for the 30 s request timeout, past this test's timeout.
      const [top] = placementFor(
        contentNodes.map((n) => n.endpoint),
        await lookupKeyOf(email, newPassword),
        3,
      );
      contentNodes.find((n) => n.endpoint === top)!.freeze();
      await sdk.auth.changePassword({ email, oldPassword: password, newPassword });
      const device = createColivingSdk({ discoveryNodes: [dn.endpoint] });
      assert.equal((await device.auth.logIn({ email, password: newPassword })).wallet, wallet);
    },
  );
});

describe('a content node that freezes while it takes an upload', () => {
  it(
    'sends the file to the next node once no byte has moved for 30 s',
    { timeout: 45_000 },
    async () => {
      const chain = createFakeChain();
      const frozen = await contentNode({ freezeOnUpload: true });
      const live = await contentNode();
      const endpoints = [frozen.endpoint, live.endpoint];
      const { first } = await twoDiscoveryNodes(chain, () => endpoints);
      // A wallet whose rendezvous ranking puts the freezing node first.
      let account = privateKeyToAccount(generatePrivateKey());
      while (rankNodes(endpoints, account.address)[0] !== frozen.endpoint)
        account = privateKeyToAccount(generatePrivateKey());
      const sdk = createColivingSdk({
        discoveryNodes: [first.endpoint],
        account,
        pollIntervalMs: 5,
      });
      const { userId } = await sdk.users.create({ handle: 'stalled', name: 'Stalled' });
      const { trackId } = await sdk.tracks.upload({
        userId,
        file: new Uint8Array(4096).fill(1),
        fileName: 'stalled.wav',
        metadata: { title: 'Stalled', genre: 'Ambient' },
      });
      assert.ok(chain.tracks.get(decodeHashId(trackId)));
      assert.equal(count(frozen, 'POST /uploads'), 1, 'the frozen node was sent the file first');
      assert.equal(live.uploads.length, 1);
    },
  );
});

describe('an upload whose content node goes away', () => {
  async function uploadWith(options: Parameters<typeof startFakeContentNode>[0]) {
    const chain = createFakeChain();
    const contentNodes = [await contentNode(options), await contentNode(options)];
    const { first } = await twoDiscoveryNodes(chain, () => contentNodes.map((n) => n.endpoint));
    const sdk = sdkOn([first.endpoint]);
    const { userId } = await sdk.users.create({ handle: 'uploader', name: 'Uploader' });
    const events: UploadProgressEvent[] = [];
    const { trackId } = await sdk.tracks.upload({
      userId,
      file: new Uint8Array(4096).fill(3),
      fileName: 'dawn.wav',
      metadata: { title: 'Dawn', genre: 'Ambient' },
      onProgress: (event) => events.push(event),
    });
    const host = contentNodes.find((n) => n.uploads.length > 0)!;
    const other = contentNodes.find((n) => n !== host)!;
    const track = chain.tracks.get(decodeHashId(trackId))!;
    return { events, host, other, track };
  }

  it(
    'waits through a restart of the node and publishes the finished upload',
    { timeout: 10_000 },
    async () => {
      const { events, host, track } = await uploadWith({ restartOnFirstPoll: 1_500 });
      assert.equal(typeof track.data.track_cid, 'string');
      const transcode = events.filter((e) => e.stage === 'transcode');
      // Told while the node is away, and again once it answers.
      assert.deepEqual(
        transcode.map((e) => e.nodeUnreachable ?? false),
        [true, false],
      );
      assert.equal(transcode[0]!.status, 'new');
      assert.equal(transcode[1]!.status, 'done');
      assert.ok(count(host, 'POST /uploads') === 1, 'the file was sent once');
    },
  );

  it(
    "finishes from another node's copy of the record when the node froze",
    { timeout: 10_000 },
    async () => {
      const { events, host, other, track } = await uploadWith({
        uploadRecords: new Map(),
        freezeAfterUpload: true,
      });
      assert.equal(typeof track.data.track_cid, 'string');
      const polls = (node: FakeNode) => node.requests.filter((r) => r.startsWith('GET /uploads/'));
      assert.equal(polls(host).length, 1, 'the frozen node was polled and never answered');
      assert.equal(polls(other).length, 1, 'the other node answered from its copy');
      assert.ok(events.some((e) => e.stage === 'transcode' && e.nodeUnreachable === true));
    },
  );
});
