// A command names a track or playlist (id, permalink or URL) and reads it as the logged-in user:
// a landlord's own scheduled track and private playlist, which no one else can read, are found
// for `track edit`, `track delete`, `track get` and `playlist edit`; anyone else
// still gets "not found". The network is the SDK's stand-in discovery node, which hides them from
// all but their owner as a real node does.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeHashId as h } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  startFakeDiscoveryNode,
} from '../../../packages/sdk/src/testing/fakeNodes.js';
import { runCliAs } from './testing/runCliAs.js';

const landlordKey = generatePrivateKey();
const otherKey = generatePrivateKey();
const AHEAD = '2031-06-01T00:00:00.000Z';
let dir: string;
let chain: FakeChain;
let node: FakeNode;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-targets-'));
  chain = createFakeChain();
  for (const [id, key, handle] of [
    [1, landlordKey, 'landlord'],
    [2, otherKey, 'other'],
  ] as const) {
    chain.users.set(id, {
      wallet: privateKeyToAccount(key).address,
      data: { handle, name: handle },
      deactivated: false,
      updated: chain.head,
    });
  }
  const track = (title: string) => ({
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: {
      title,
      genre: 'Ambient',
      track_cid: `bafy${title.replace(/ /g, '')}`,
      duration: 120,
      release_date: AHEAD,
    },
  });
  chain.tracks.set(10, track('Gamma Ray'));
  chain.tracks.set(11, track('Mistake'));
  chain.playlists.set(20, {
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: {
      playlist_name: 'Secret Mix',
      is_private: true,
      playlist_contents: { track_ids: [{ track: 10, time: 1700000000 }] },
    },
  });
  node = await startFakeDiscoveryNode({ chain });
});
after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

const landlord = (argv: string[]) =>
  runCliAs(argv, { dir, endpoint: node.endpoint, key: landlordKey, userId: 1, handle: 'landlord' });
const other = (argv: string[]) =>
  runCliAs(argv, { dir, endpoint: node.endpoint, key: otherKey, userId: 2, handle: 'other' });

describe('a landlord names their own scheduled track or private playlist', () => {
  it('un-schedules a scheduled track by permalink, then by id', async () => {
    // Someone else cannot see it at all, by id or by link.
    for (const target of [h(10), '/landlord/gamma-ray']) {
      const seen = await other(['track', 'get', target]);
      assert.equal(seen.code, 1, target);
      assert.match(seen.stderr, /not found/i, target);
    }
    const got = await landlord(['track', 'get', '/landlord/gamma-ray', '--json']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((JSON.parse(got.stdout) as { title: string }).title, 'Gamma Ray');

    const moved = await landlord([
      'track',
      'edit',
      'http://coliving.test/landlord/gamma-ray',
      '--release-date',
      '2032-01-01',
    ]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(chain.tracks.get(10)!.data.release_date, '2032-01-01T00:00:00.000Z');
    const cleared = await landlord(['track', 'edit', h(10), '--release-date', '']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(chain.tracks.get(10)!.data.release_date ?? null, null);
  });

  it('deletes a scheduled track', async () => {
    const refused = await other(['track', 'delete', h(11), '--yes']);
    assert.equal(refused.code, 1);
    assert.equal(chain.tracks.get(11)!.deleted, false);
    const deleted = await landlord(['track', 'delete', '/landlord/mistake', '--yes']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deleted "Mistake"/);
    assert.equal(chain.tracks.get(11)!.deleted, true);
  });

  it('edits a private playlist by id and by permalink', async () => {
    const hidden = await other(['playlist', 'get', '/landlord/playlist/secret-mix']);
    assert.equal(hidden.code, 1);
    assert.match(hidden.stderr, /not found/i);
    const renamed = await landlord(['playlist', 'edit', h(20), '--description', 'Only mine']);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(chain.playlists.get(20)!.data.description, 'Only mine');
    const byLink = await landlord([
      'playlist',
      'edit',
      '/landlord/playlist/secret-mix',
      '--name',
      'Secret Mix Two',
    ]);
    assert.equal(byLink.code, 0, byLink.stderr);
    assert.equal(chain.playlists.get(20)!.data.playlist_name, 'Secret Mix Two');
  });
});
