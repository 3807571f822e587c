// `coliving track edit --release-date`: a day ahead schedules the release, "" clears it, and a
// date that is not one is refused before anything is signed. The network is the SDK's stand-in
// discovery node, whose chain checks every metadata write against the protocol's schema.
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
} from '../../../../packages/sdk/src/testing/fakeNodes.js';
import { UsageError } from '../errors.js';
import { runCliAs } from '../testing/runCliAs.js';
import { parseReleaseDate } from './edit.js';

const key = generatePrivateKey();
let dir: string;
let chain: FakeChain;
let node: FakeNode;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-edit-'));
  chain = createFakeChain();
  chain.users.set(1, {
    wallet: privateKeyToAccount(key).address,
    data: { handle: 'landlord', name: 'landlord' },
    deactivated: false,
    updated: chain.head,
  });
  chain.tracks.set(10, {
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: { title: 'Soon', genre: 'Ambient', track_cid: 'bafySoon', duration: 120 },
  });
  node = await startFakeDiscoveryNode({ chain });
});
after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (argv: string[]) =>
  runCliAs(argv, { dir, endpoint: node.endpoint, key, userId: 1, handle: 'landlord' });

describe('track edit --release-date', () => {
  it('reads a day as midnight UTC, an ISO time as is, and "" as clearing it', () => {
    assert.equal(parseReleaseDate('2031-06-01'), '2031-06-01T00:00:00.000Z');
    assert.equal(parseReleaseDate('2031-06-01T12:30:00+02:00'), '2031-06-01T10:30:00.000Z');
    assert.equal(parseReleaseDate(''), null);
    assert.throws(() => parseReleaseDate('next friday'), UsageError);
  });

  it('schedules the release, then clears the date', async () => {
    const bad = await run(['track', 'edit', h(10), '--release-date', 'soonish', '--json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /--release-date is a day like 2027-06-01/);
    assert.equal(chain.tracks.get(10)!.data.release_date, undefined);

    const scheduled = await run(['track', 'edit', h(10), '--release-date', '2031-06-01']);
    assert.equal(scheduled.code, 0, scheduled.stderr);
    assert.match(scheduled.stdout, /scheduled for 2031-06-01T00:00:00.000Z/);
    assert.equal(chain.tracks.get(10)!.data.release_date, '2031-06-01T00:00:00.000Z');

    const cleared = await run(['track', 'edit', h(10), '--release-date', '', '--json']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal((JSON.parse(cleared.stdout) as { releaseDate: unknown }).releaseDate, null);
    assert.equal(chain.tracks.get(10)!.data.release_date ?? null, null);
  });
});
