// The SDK's play reads against a stand-in discovery node (testing/fakeNodes.ts, held to the real
// node by its compliance test): top listeners, a landlord's monthly listens, and a listening
// history read with the history proof the SDK signs for its account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeHashId as h } from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createColivingSdk } from './createColivingSdk.js';
import { ColivingSdkError } from './errors.js';
import { type FakeNode, createFakeChain, startFakeDiscoveryNode } from './testing/fakeNodes.js';

const landlord = privateKeyToAccount(generatePrivateKey());
const listener = privateKeyToAccount(generatePrivateKey());
let node: FakeNode;

before(async () => {
  const chain = createFakeChain();
  const user = (wallet: string, handle: string) => ({
    wallet,
    data: { handle, name: handle },
    deactivated: false,
    updated: chain.head,
  });
  chain.users.set(1, user(landlord.address, 'landlord'));
  chain.users.set(2, user(listener.address, 'listener'));
  const track = (title: string) => ({
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: { title, genre: 'Electronic', track_cid: 'baeaaa', duration: 100 },
  });
  chain.tracks.set(10, track('One'));
  chain.tracks.set(11, track('Two'));
  const at = (iso: string) => Date.parse(iso);
  chain.plays.push(
    { trackId: 10, userId: 2, at: at('2025-01-05T00:00:00Z') },
    { trackId: 10, userId: 2, at: at('2025-02-05T00:00:00Z') },
    { trackId: 11, userId: 2, at: at('2025-01-09T00:00:00Z') },
    { trackId: 10, at: at('2025-01-07T00:00:00Z') },
  );
  node = await startFakeDiscoveryNode({ chain });
});
after(() => node?.close());

const sdkAs = (account?: ReturnType<typeof privateKeyToAccount>) =>
  createColivingSdk({ discoveryNodes: [node.endpoint], ...(account ? { account } : {}) });

describe('play reads', () => {
  it("lists a track's top listeners with their counts", async () => {
    const top = await sdkAs().tracks.topListeners(h(10));
    assert.deepEqual(
      top.map((l) => [l.user.id, l.count]),
      [[h(2), 2]],
    );
  });

  it("gives a landlord's listens by month and track", async () => {
    const months = await sdkAs().users.listenCountsMonthly(h(1), {
      startTime: new Date('2025-01-01T00:00:00Z'),
      endTime: '2025-02-01',
    });
    assert.deepEqual(months, {
      '2025-01-01T00:00:00 Z': {
        totalListens: 3,
        trackIds: [10, 11],
        listenCounts: [
          { trackId: 10, date: '2025-01-01T00:00:00 Z', listens: 2 },
          { trackId: 11, date: '2025-01-01T00:00:00 Z', listens: 1 },
        ],
      },
    });
  });

  it("reads the account's own history, and refuses someone else's", async () => {
    const history = await sdkAs(listener).users.history(h(2));
    assert.deepEqual(
      history.map((a) => [a.item_id, a.timestamp]),
      [
        [h(10), '2025-02-05T00:00:00.000Z'],
        [h(11), '2025-01-09T00:00:00.000Z'],
      ],
    );
    const refused = (error: unknown, type: string) => {
      assert.ok(error instanceof ColivingSdkError, String(error));
      assert.equal(error.type, type, error.message);
      return true;
    };
    await assert.rejects(sdkAs(landlord).users.history(h(2)), (e) => refused(e, 'forbidden'));
    await assert.rejects(sdkAs().users.history(h(2)), (e) => refused(e, 'unauthorized'));
  });
});
