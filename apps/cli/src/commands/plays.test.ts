// `coliving stats` and `coliving history` for the logged-in user, against the SDK's stand-in
// discovery node (its testing/fakeNodes.ts, held to the real node by its compliance test) with
// plays at known distances from now; the commands run in this process through runCli.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeHashId as h } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type FakeNode,
  createFakeChain,
  startFakeDiscoveryNode,
} from '../../../../packages/sdk/src/testing/fakeNodes.js';
import { runCliAs } from '../testing/runCliAs.js';
import type { StatsReport } from './plays.js';

const DAY = 86_400_000;
const landlordKey = generatePrivateKey();
const listenerKey = generatePrivateKey();
let dir: string;
let node: FakeNode;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-plays-'));
  const chain = createFakeChain();
  const user = (key: `0x${string}`, handle: string) => ({
    wallet: privateKeyToAccount(key).address,
    data: { handle, name: handle },
    deactivated: false,
    updated: chain.head,
  });
  chain.users.set(1, user(landlordKey, 'landlord'));
  chain.users.set(2, user(listenerKey, 'fan'));
  chain.users.set(3, user(generatePrivateKey(), 'other'));
  for (const [id, title] of [
    [10, 'Morning'],
    [11, 'Evening'],
  ] as const)
    chain.tracks.set(id, {
      owner: 1,
      deleted: false,
      updated: chain.head,
      data: { title, genre: 'Ambient', track_cid: `bafy${id}`, duration: 120 },
    });
  const now = Date.now();
  const ago = (days: number) => now - days * DAY;
  chain.plays.push(
    // Morning: 2 this week (fan), 1 this month (other), 1 this year (fan), 1 older (anonymous).
    { trackId: 10, userId: 2, at: ago(1) },
    { trackId: 10, userId: 2, at: ago(3) },
    { trackId: 10, userId: 3, at: ago(20) },
    { trackId: 10, userId: 2, at: ago(200) },
    { trackId: 10, at: ago(400) },
    // Evening: once this month (fan).
    { trackId: 11, userId: 2, at: ago(10) },
  );
  node = await startFakeDiscoveryNode({ chain });
});
after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `coliving <argv>` logged in as `key`'s user. */
function run(argv: string[], key: `0x${string}`, userId: number, handle: string) {
  return runCliAs(argv, { dir, endpoint: node.endpoint, key, userId, handle });
}

describe('coliving stats and history', () => {
  it("totals a landlord's plays for 7, 30 and 365 days, per track, with top listeners", async () => {
    const { code, stdout, stderr } = await run(['stats', '--json'], landlordKey, 1, 'landlord');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as StatsReport;
    assert.deepEqual(report.totals, { days7: 2, days30: 4, days365: 5, allTime: 6 });
    assert.deepEqual(
      report.tracks.map((t) => [t.title, t.plays, t.plays7d, t.plays30d, t.plays365d]),
      [
        ['Morning', 5, 2, 3, 4],
        ['Evening', 1, 0, 1, 1],
      ],
    );
    assert.deepEqual(report.tracks[0]!.topListeners, [
      { userId: h(2), handle: 'fan', count: 3 },
      { userId: h(3), handle: 'other', count: 1 },
    ]);
    const text = await run(['stats'], landlordKey, 1, 'landlord');
    assert.match(
      text.stdout,
      /@landlord: 2 plays in 7 days, 4 in 30 days, 5 in 365 days, 6 in all/,
    );
    assert.match(text.stdout, /top listeners: @fan 3, @other 1/);
  });

  it('lists what the logged-in user played, most recent first, and only theirs', async () => {
    const { code, stdout, stderr } = await run(['history', '--json'], listenerKey, 2, 'fan');
    assert.equal(code, 0, stderr);
    const history = JSON.parse(stdout) as { item_id: string; item: { title: string } }[];
    assert.deepEqual(
      history.map((a) => a.item.title),
      ['Morning', 'Evening'],
    );
    const text = await run(['history', '--limit', '1'], listenerKey, 2, 'fan');
    assert.equal(text.stdout.trim().split('\n').length, 1);
    assert.match(text.stdout, /Morning/);
    const bad = await run(['history', '--limit', '0'], listenerKey, 2, 'fan');
    assert.equal(bad.code, 2);
  });
});
