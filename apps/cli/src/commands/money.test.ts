// The money commands' command line: amounts typed in DGCO, the access options of `upload` and
// `track edit`, and every refusal that needs no payment (bad amounts and splits, contradicting
// options, tipping oneself, buying one's own track or one not for sale), each a message and a
// non-zero exit. The network is the SDK's stand-in discovery node (its testing/fakeNodes.ts, held
// to the real node by its compliance test), whose chain checks every metadata write against the
// protocol's schema; the commands run in this process through runCli. The payments themselves
// (balance, tip, buy, sales, purchases) run end to end in money.e2e.test.ts.
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
import { parseAccess, parsePrice, parseSplit } from '../access.js';
import { formatDgco, parseDgco } from '../dgco.js';
import { UsageError } from '../errors.js';
import { runCliAs } from '../testing/runCliAs.js';

const DGCO = 10n ** 18n;
const landlordKey = generatePrivateKey();
const fanKey = generatePrivateKey();
const bandKey = generatePrivateKey();
let dir: string;
let chain: FakeChain;
let node: FakeNode;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-money-'));
  chain = createFakeChain();
  const user = (key: `0x${string}`, handle: string) => ({
    wallet: privateKeyToAccount(key).address,
    data: { handle, name: handle },
    deactivated: false,
    updated: chain.head,
  });
  chain.users.set(1, user(landlordKey, 'landlord'));
  chain.users.set(2, user(fanKey, 'fan'));
  chain.users.set(3, user(bandKey, 'band'));
  const track = (title: string, extra: Record<string, unknown> = {}) => ({
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: { title, genre: 'Ambient', track_cid: `bafy${title}`, duration: 120, ...extra },
  });
  chain.tracks.set(10, track('Open'));
  chain.tracks.set(11, track('Followers', { stream_conditions: { follow_user_id: 1 } }));
  chain.tracks.set(
    12,
    track('Priced', { stream_conditions: { dgco_purchase: { price: String(3n * DGCO) } } }),
  );
  node = await startFakeDiscoveryNode({ chain });
});
after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `coliving <argv>` logged in as `key`'s user. */
function run(argv: string[], key: `0x${string}` = landlordKey, userId = 1) {
  const handle = chain.users.get(userId)!.data.handle as string;
  return runCliAs(argv, { dir, endpoint: node.endpoint, key, userId, handle });
}

/** Runs with --json and returns the error it printed. */
async function fails(argv: string[], key?: `0x${string}`, userId?: number) {
  const { code, stdout } = await run([...argv, '--json'], key, userId);
  const { error } = JSON.parse(stdout) as {
    error: { type: string; code?: string; message: string };
  };
  return { exit: code, ...error };
}

describe('DGCO amounts', () => {
  it('reads decimals exactly and prints every digit', () => {
    assert.equal(parseDgco('2.5', 'x'), 25n * 10n ** 17n);
    assert.equal(parseDgco('0.000000000000000001', 'x'), 1n);
    assert.equal(parseDgco('1000000', 'x'), 1_000_000n * DGCO);
    assert.equal(formatDgco(25n * 10n ** 17n), '2.5');
    assert.equal(formatDgco('1'), '0.000000000000000001');
    assert.equal(
      formatDgco(parseDgco('123456789.123456789123456789', 'x')),
      '123456789.123456789123456789',
    );
  });

  it('refuses signs, words, commas and more than 18 decimals', () => {
    for (const bad of ['-1', '-0.5', 'ten', '1,5', '1e3', '', '0.0000000000000000001', '.5', '5.'])
      assert.throws(() => parseDgco(bad, 'the amount'), UsageError, bad);
  });
});

describe('access options', () => {
  it('parses a price with splits, and each gate', () => {
    assert.deepEqual(parseAccess({ price: '2.5', split: ['@band=30', 'landlord=70'] }), {
      gate: {
        kind: 'purchase',
        price: 25n * 10n ** 17n,
        splits: [
          { user: '@band', percentage: 30 },
          { user: 'landlord', percentage: 70 },
        ],
      },
    });
    assert.deepEqual(parseAccess({ 'follow-gate': true, unlisted: true }), {
      gate: { kind: 'follow' },
      isUnlisted: true,
    });
    assert.deepEqual(parseAccess({ 'tip-gate': true, 'not-downloadable': true }), {
      gate: { kind: 'tip' },
      isDownloadable: false,
    });
    assert.deepEqual(parseAccess({ public: true, listed: true, downloadable: true }), {
      gate: { kind: 'public' },
      isUnlisted: false,
      isDownloadable: true,
    });
    assert.deepEqual(parseSplit('@band=12.5%'), { user: '@band', percentage: 12.5 });
  });

  it('refuses prices of zero, below zero and above the supply', () => {
    assert.throws(() => parsePrice('0'), /above 0/);
    assert.throws(() => parsePrice('0.0'), /above 0/);
    assert.throws(() => parsePrice('-2'), /above 0/);
    assert.throws(() => parsePrice('1000000000.000000000000000001'), /supply/);
    assert.equal(parsePrice('1000000000'), 10n ** 27n);
  });

  it('refuses splits that do not sum to 100, bad shares and contradictions', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ price: '1', split: ['@a=50', '@b=40'] }, /sum to 90, not 100/],
      [{ price: '1', split: ['@a=60', '@b=60'] }, /sum to 120, not 100/],
      [{ price: '1', split: ['@a=33.333', '@b=66.667'] }, /at most 2 decimals/],
      [{ price: '1', split: ['@a=0', '@b=100'] }, /above 0/],
      [{ price: '1', split: ['@a'] }, /@handle=percent/],
      [{ price: '1', split: ['=100'] }, /@handle=percent/],
      [{ split: ['@a=100'] }, /--price too/],
      [{ price: '1', 'follow-gate': true }, /contradict/],
      [{ 'tip-gate': true, public: true }, /contradict/],
      [{ unlisted: true, listed: true }, /contradict/],
      [{ downloadable: true, 'not-downloadable': true }, /contradict/],
      [{ price: '1', split: Array.from({ length: 11 }, (_, i) => `@u${i}=1`) }, /at most 10/],
    ];
    for (const [values, message] of bad)
      assert.throws(
        () => parseAccess(values as Parameters<typeof parseAccess>[0]),
        message,
        JSON.stringify(values),
      );
  });
});

describe('the money commands refuse bad input with a message and a non-zero exit', () => {
  it('tip: negative, zero, tiny or malformed amounts are usage errors (exit 2)', async () => {
    for (const [amount, message] of [
      ['-1', /above 0 DGCO/],
      ['0', /at least 0.1 DGCO/],
      ['0.05', /at least 0.1 DGCO/],
      ['two', /amount of DGCO such as 2.5/],
    ] as const) {
      const error = await fails(['tip', '@fan', amount]);
      assert.equal(error.exit, 2, amount);
      assert.equal(error.type, 'usage');
      assert.match(error.message, message);
    }
    const text = await run(['tip', '@fan', '-1']);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /^coliving: the amount must be above 0 DGCO/);
  });

  it('tip: yourself is refused before any payment', async () => {
    const error = await fails(['tip', '@landlord', '1']);
    assert.equal(error.exit, 2);
    assert.match(error.message, /cannot tip yourself/);
  });

  it('buy: not for sale, your own track, and an unknown id, each with its code (exit 1)', async () => {
    const open = await fails(['buy', h(10)], fanKey, 2);
    assert.equal(open.exit, 1);
    assert.equal(open.type, 'failed');
    assert.equal(open.code, 'not_for_sale');
    assert.match(open.message, /"Open" is not for sale \(public\)/);
    const followers = await fails(['buy', h(11)], fanKey, 2);
    assert.match(followers.message, /"Followers" is not for sale \(follow to unlock\)/);
    const own = await fails(['buy', h(12)]);
    assert.equal(own.exit, 1);
    assert.equal(own.code, 'own_content');
    assert.match(own.message, /"Priced" is your own track: you cannot buy it/);
    const unknown = await fails(['buy', h(99)], fanKey, 2);
    assert.equal(unknown.exit, 1);
    assert.match(unknown.message, /No track or playlist has the id/);
    const both = await fails(['buy', h(12), '--track', '--playlist'], fanKey, 2);
    assert.equal(both.exit, 2);
  });

  it('track edit: needs a change, refuses bad prices and splits, and edits only your tracks', async () => {
    const nothing = await fails(['track', 'edit', h(10)]);
    assert.equal(nothing.exit, 2);
    assert.match(nothing.message, /nothing to change/);
    const zero = await fails(['track', 'edit', h(10), '--price', '0']);
    assert.match(zero.message, /--price must be above 0 DGCO/);
    const negative = await fails(['track', 'edit', h(10), '--price', '-3']);
    assert.equal(negative.exit, 2);
    assert.match(negative.message, /--price must be above 0 DGCO/);
    const huge = await fails(['track', 'edit', h(10), '--price', '2000000000']);
    assert.match(huge.message, /above the whole DGCO supply/);
    const sum = await fails(['track', 'edit', h(10), '--price', '1', '--split', '@band=30']);
    assert.match(sum.message, /sum to 30, not 100/);
    const nobody = await fails([
      'track',
      'edit',
      h(10),
      '--price',
      '1',
      '--split',
      '@band=50',
      '--split',
      '@nobody=50',
    ]);
    assert.equal(nobody.exit, 2);
    assert.match(nobody.message, /--split @nobody: no such user/);
    const twice = await fails([
      'track',
      'edit',
      h(10),
      '--price',
      '1',
      '--split',
      '@band=50',
      '--split',
      `${h(3)}=50`,
    ]);
    assert.match(twice.message, /names @band twice/);
    const theirs = await fails(['track', 'edit', h(10), '--title', 'Mine now'], fanKey, 2);
    assert.equal(theirs.exit, 1);
    assert.match(theirs.message, /you can edit only your own/);
    const del = await fails(['track', 'delete', h(10)]);
    assert.match(del.message, /add --yes/);
  });
});

describe('track edit writes the access a gate needs', () => {
  it('prices a track with splits, then gates it, then makes it public and unlisted', async () => {
    const priced = await run([
      'track',
      'edit',
      h(10),
      '--price',
      '2.5',
      '--split',
      '@band=30',
      '--split',
      '@landlord=70',
      '--downloadable',
    ]);
    assert.equal(priced.code, 0, priced.stderr);
    assert.match(priced.stdout, /access for sale at 2.5 DGCO \(split: @band 30%, @landlord 70%\)/);
    const conditions = {
      dgco_purchase: {
        price: '2500000000000000000',
        splits: [
          { user_id: 3, percentage: 30 },
          { user_id: 1, percentage: 70 },
        ],
      },
    };
    assert.deepEqual(chain.tracks.get(10)!.data.stream_conditions, conditions);
    // The original is gated as the stream is: buying the track opens both.
    assert.deepEqual(chain.tracks.get(10)!.data.download_conditions, conditions);
    assert.equal(chain.tracks.get(10)!.data.is_downloadable, true);

    const alone = await run(['track', 'edit', h(10), '--price', '4', '--json']);
    assert.equal(alone.code, 0, alone.stderr);
    assert.deepEqual((JSON.parse(alone.stdout) as { streamConditions: unknown }).streamConditions, {
      dgco_purchase: { price: '4000000000000000000' },
    });

    const tip = await run(['track', 'edit', h(10), '--tip-gate', '--title', 'Supporters']);
    assert.equal(tip.code, 0, tip.stderr);
    assert.match(tip.stdout, /Updated "Supporters"/);
    assert.deepEqual(chain.tracks.get(10)!.data.stream_conditions, { tip_user_id: 1 });

    const open = await run(['track', 'edit', h(10), '--public', '--unlisted', '--json']);
    assert.equal(open.code, 0, open.stderr);
    const after = JSON.parse(open.stdout) as { streamConditions: unknown; isUnlisted: boolean };
    assert.equal(after.streamConditions, null);
    assert.equal(after.isUnlisted, true);
    assert.equal(chain.tracks.get(10)!.data.stream_conditions, null);
    assert.equal(chain.tracks.get(10)!.data.download_conditions, null);
  });
});

describe('playlist create and edit take a gate', () => {
  it('puts an album on sale with a split, then makes it public', async () => {
    const created = await run([
      'playlist',
      'create',
      '--name',
      'Long Player',
      '--album',
      '--price',
      '3',
      '--split',
      '@band=50',
      '--split',
      '@landlord=50',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { playlistId } = JSON.parse(created.stdout) as { playlistId: string };
    const row = () =>
      [...chain.playlists.values()].find((p) => p.data.playlist_name === 'Long Player')!;
    assert.deepEqual(row().data.stream_conditions, {
      dgco_purchase: {
        price: '3000000000000000000',
        splits: [
          { user_id: 3, percentage: 50 },
          { user_id: 1, percentage: 50 },
        ],
      },
    });
    const edited = await run(['playlist', 'edit', playlistId, '--public', '--name', 'Free LP']);
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(edited.stdout, /Updated album "Free LP"/);
    assert.match(edited.stdout, /access public/);
    assert.equal(
      [...chain.playlists.values()].find((p) => p.data.playlist_name === 'Free LP')!.data
        .stream_conditions,
      null,
    );
    const unlisted = await fails(['playlist', 'edit', playlistId, '--unlisted']);
    assert.equal(unlisted.exit, 2);
    const theirs = await fails(['playlist', 'edit', playlistId, '--price', '1'], fanKey, 2);
    assert.equal(theirs.exit, 1);
    assert.match(theirs.message, /you can edit only your own/);
  });
});
