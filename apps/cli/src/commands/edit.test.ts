// `coliving track edit --release-date`: a day ahead schedules the release, "" clears it, and a
// date that is not one is refused before anything is signed. `--preview-start` has the content
// node cut the preview again. The network is the SDK's stand-in discovery and content nodes,
// whose chain checks every metadata write against the protocol's schema.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createColivingSdk, encodeHashId as h } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  startFakeContentNode,
  startFakeDiscoveryNode,
} from '../../../../packages/sdk/src/testing/fakeNodes.js';
import { UsageError } from '../errors.js';
import { runCliAs } from '../testing/runCliAs.js';
import { parseReleaseDate } from './edit.js';

const key = generatePrivateKey();
let dir: string;
let chain: FakeChain;
let node: FakeNode;
let content: Awaited<ReturnType<typeof startFakeContentNode>>;

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
  content = await startFakeContentNode();
  node = await startFakeDiscoveryNode({ chain, contentNodes: () => [content.endpoint] });
});
after(async () => {
  await node?.close();
  await content?.close();
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

describe('track edit --preview-start', () => {
  it('has the content node cut a new preview at the new start, and refuses a bad start', async () => {
    const sdk = createColivingSdk({
      discoveryNodes: [node.endpoint],
      account: privateKeyToAccount(key),
      pollIntervalMs: 5,
    });
    const { trackId, track } = await sdk.tracks.upload({
      userId: h(1),
      file: new TextEncoder().encode('a song for the cli'),
      fileName: 'song.wav',
      metadata: { title: 'Preview', genre: 'Ambient' },
    });

    const negative = await run(['track', 'edit', trackId, '--preview-start', '-3']);
    assert.equal(negative.code, 2);
    assert.match(negative.stdout + negative.stderr, /--preview-start is a number of seconds/);
    const pastEnd = await run(['track', 'edit', trackId, '--preview-start', '40']);
    assert.notEqual(pastEnd.code, 0);
    assert.match(
      pastEnd.stdout + pastEnd.stderr,
      /cannot start at 40 s: the track is 12.345 s long/,
    );
    assert.equal(content.previewCuts.length, 0, 'a refused start cut nothing');

    const moved = await run(['track', 'edit', trackId, '--preview-start', '4', '--json']);
    assert.equal(moved.code, 0, moved.stderr);
    const out = JSON.parse(moved.stdout) as { previewStartSeconds: number; previewCid: string };
    assert.equal(out.previewStartSeconds, 4);
    assert.notEqual(out.previewCid, track.preview_cid);
    assert.deepEqual(
      content.previewCuts.map((c) => [c.cid, c.previewStartSeconds]),
      [[track.track_cid, 4]],
    );
  });
});

describe('track edit --genre and --mood', () => {
  it('takes a genre or mood in any case, and refuses one not on the list before signing', async () => {
    const before = chain.tracks.get(10)!.updated;
    const bad = await run(['track', 'edit', h(10), '--mood', 'Very Happy']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout + bad.stderr, /--mood must be one of: Peaceful, Romantic, /);
    assert.equal(chain.tracks.get(10)!.updated, before, 'nothing was signed');

    const cased = await run(['track', 'edit', h(10), '--genre', 'jazz', '--mood', 'peaceful']);
    assert.equal(cased.code, 0, cased.stderr);
    assert.equal(chain.tracks.get(10)!.data.genre, 'Jazz');
    assert.equal(chain.tracks.get(10)!.data.mood, 'Peaceful');

    const cleared = await run(['track', 'edit', h(10), '--mood', '']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(chain.tracks.get(10)!.data.mood ?? null, null);
  });
});

describe('track edit and track delete --help', () => {
  it('says what each argument and option takes, with an example', async () => {
    const edit = await run(['track', 'edit', '--help']);
    assert.equal(edit.code, 0);
    assert.match(edit.stdout, /^Usage: coliving track edit <track>/);
    assert.match(edit.stdout, /<track> +your track: its id, its permalink/);
    assert.match(edit.stdout, /a date ahead\n +schedules the release/);
    assert.match(edit.stdout, /"" clears it/);
    assert.match(edit.stdout, /Example: coliving track edit \/me\/sunset/);
    const remove = await run(['track', 'delete', '--help']);
    assert.equal(remove.code, 0);
    assert.match(remove.stdout, /--yes +confirms: the track is gone for everyone/);
  });

  it('lists a group of commands for `track --help`, and for a bare `track` with exit 2', async () => {
    const group = await run(['track', '--help']);
    assert.equal(group.code, 0, group.stderr);
    assert.match(group.stdout, /^coliving track: \d+ commands\n/);
    for (const command of ['track edit <track>', 'track delete <track> --yes', 'track get <track>'])
      assert.ok(group.stdout.includes(`  ${command}`), command);
    assert.match(group.stdout, /Run coliving track <command> --help/);
    const bare = await run(['track']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^coliving track: \d+ commands\n/);
  });
});
