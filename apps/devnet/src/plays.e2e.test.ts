// Every listen counts (issue 22), end to end on a real network: one content node and two
// discovery nodes as processes, a landlord's real track, and residents who stream it through the
// discovery node's stream URL. A listen goes to the content node's journal, then to the data
// chain's PlayLog from the node's delegate wallet, and both discovery nodes count it; what is not
// a listen (a preview, skip_play_count=true, a range past byte 0) and the 11th listen within the
// hour by one user count nowhere. A third discovery node started on an empty database (a reindex
// from scratch) reaches the same counts and the same state digest.
//
// "Does not count" is checked without waiting on a clock: with one content node, its journal and
// its batches keep the order listens arrived in, so once a later real listen (the sentinel) is
// counted, everything before it has been indexed too, and the count must be exactly what it is.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PLAY_LIMITS } from '@coliving/protocol';
import { type ColivingSdk, type Track, createColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { allocatePorts } from './allocatePorts.js';
import { DISCOVERY_POLL_INTERVAL } from './constants.js';
import { type NodeProcess, spawnNodeProcess, waitForHealth } from './spawnNodeProcess.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';
import { sineWav } from './sineWav.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Short, so every full listen is a small download. */
const TRACK_SECONDS = 8;
/** Generous: a loaded two-core machine submits, mines and indexes slowly. */
const DEADLINE_MS = 60_000;
/** Listens one user may have counted per track per hour (Audius's figure, applied at indexing). */
const PER_USER_HOUR = PLAY_LIMITS.trackUser.hour;

type Actor = { sdk: ColivingSdk; userId: string };
type Digest = {
  block: number;
  plays_block: number;
  payments_block: number;
  balances_block: number;
  digest: string;
};

let dir: string;
let network: StartNetworkReturnType;
let discoveries: string[];
let landlord: Actor;
let alice: Actor;
let bob: Actor;
let track: Track & { track_cid: string; preview_cid?: string };
/** The discovery node started on an empty database, stopped in after(). */
let fresh: NodeProcess | undefined;

/** A new wallet with a user on the chain, its SDK on the first discovery node. */
async function newActor(handle: string): Promise<Actor> {
  const sdk = createColivingSdk({
    discoveryNodes: [discoveries[0]!],
    account: privateKeyToAccount(generatePrivateKey()),
    pollIntervalMs: 100,
  });
  const { userId } = await sdk.users.create({ handle, name: handle });
  return { sdk, userId };
}

/**
 * `actor` streams the track through the discovery node's stream URL with their listener proof
 * and reads the whole body (from `range` when given); the status the content node answered.
 */
async function stream(
  actor: Actor,
  opts: { preview?: boolean; skipPlayCount?: boolean; range?: string } = {},
): Promise<number> {
  const url = await actor.sdk.tracks.streamUrl(track.id, {
    userId: actor.userId,
    ...(opts.preview ? { preview: true } : {}),
    ...(opts.skipPlayCount ? { skipPlayCount: true } : {}),
  });
  const res = await fetch(url, opts.range ? { headers: { range: opts.range } } : {});
  const body = new Uint8Array(await res.arrayBuffer());
  assert.ok(body.length > 0, `${url}: an empty body`);
  return res.status;
}

/** The track's play count on `endpoint`; -1 while that node has not indexed the track yet. */
async function playCount(endpoint: string): Promise<number> {
  const res = await fetch(`${endpoint}/v1/tracks/${track.id}`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return -1;
  }
  assert.equal(res.status, 200, endpoint);
  return ((await res.json()) as { data: Track }).data.play_count;
}

async function stateDigest(endpoint: string): Promise<Digest> {
  const res = await fetch(`${endpoint}/v1/state_digest`);
  assert.equal(res.status, 200, endpoint);
  return ((await res.json()) as { data: Digest }).data;
}

/** Polls `check` until it answers true; fails at the deadline with what it last saw. */
async function until(what: string, check: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const result = await check();
    if (result === true) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${result}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until every node in `endpoints` shows `expected` plays; one that passes it fails at once
 * (counts only rise, so a count above `expected` can never come back down).
 */
async function untilPlayCount(expected: number, endpoints = discoveries): Promise<void> {
  await until(`every discovery node counts ${expected} plays`, async () => {
    const counts = await Promise.all(endpoints.map(playCount));
    for (const count of counts) assert.ok(count <= expected, `${counts.join(', ')} > ${expected}`);
    return counts.every((c) => c === expected) || `counts ${counts.join(', ')}`;
  });
}

/** Waits until every node in `endpoints` has indexed to the same blocks; their digests then. */
async function settledDigests(endpoints: string[]): Promise<Digest[]> {
  let digests: Digest[] = [];
  await until('the discovery nodes have indexed to the same blocks', async () => {
    digests = await Promise.all(endpoints.map(stateDigest));
    const [first] = digests;
    return (
      digests.every(
        (d) =>
          d.block === first!.block &&
          d.plays_block === first!.plays_block &&
          d.payments_block === first!.payments_block &&
          d.balances_block === first!.balances_block,
      ) || JSON.stringify(digests)
    );
  });
  return digests;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-plays-'));
  network = await startNetwork({
    dir: join(dir, 'devnet'),
    contentNodes: 1,
    discoveryNodes: 2,
    // Batches go out every half second, so a listen is on chain moments after it is made.
    env: { contentNode: { COLIVING_PLAY_SUBMIT_INTERVAL: '500ms' } },
  });
  discoveries = network.discoveryNodes.map((n) => n.endpoint);
  [landlord, alice, bob] = await Promise.all([
    newActor('nightowl'),
    newActor('alice'),
    newActor('bob'),
  ]);
  const { trackId } = await landlord.sdk.tracks.upload({
    userId: landlord.userId,
    file: sineWav(TRACK_SECONDS, 440),
    fileName: 'tone.wav',
    metadata: { title: 'Every Listen', genre: 'Electronic' },
  });
  track = (await landlord.sdk.tracks.get(trackId)) as typeof track;
  await untilPlayCount(0);
});

after(async () => {
  await fresh?.stop();
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('plays on a real network', { timeout: 300_000 }, () => {
  it('a resident’s full stream from byte 0 counts exactly once, on both discovery nodes', async () => {
    assert.equal(await stream(alice), 200);
    await untilPlayCount(1);
  });

  it('a preview, a skip_play_count=true stream and a range past byte 0 count nowhere', async () => {
    assert.ok(track.preview_cid, 'the upload has a preview');
    assert.equal(await stream(alice, { preview: true }), 200);
    assert.equal(await stream(alice, { skipPlayCount: true }), 200);
    assert.equal(await stream(alice, { range: 'bytes=1000-' }), 206);
    // The sentinel: Bob's listen comes after them in the journal and on the chain.
    assert.equal(await stream(bob), 200);
    await untilPlayCount(2);
  });

  it(`counts only ${PER_USER_HOUR} listens a user makes within an hour`, async () => {
    // Alice has one counted; ten more make eleven, and the eleventh is over the limit.
    for (let i = 0; i < PER_USER_HOUR; i++) assert.equal(await stream(alice), 200);
    assert.equal(await stream(bob), 200);
    await untilPlayCount(PER_USER_HOUR + 2);
    const top = await landlord.sdk.tracks.topListeners(track.id);
    assert.deepEqual(
      top.map((t) => [t.user.id, t.count]),
      [
        [alice.userId, PER_USER_HOUR],
        [bob.userId, 2],
      ],
    );
  });

  it('the two discovery nodes report the same state digest', async () => {
    const [a, b] = await settledDigests(discoveries);
    assert.ok(a!.plays_block > 0, 'the play log is indexed');
    assert.equal(a!.digest, b!.digest, JSON.stringify([a, b]));
  });

  it('a discovery node indexing from scratch reaches the same counts and digest', async () => {
    // A new discovery node process on an empty database, on the same chains: a full reindex.
    const [port] = await allocatePorts({ uses: ['the fresh discovery node'] });
    const endpoint = `http://127.0.0.1:${port}`;
    const dataDir = join(dir, 'fresh-discovery-node');
    await mkdir(dataDir);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && !key.startsWith('COLIVING_') && key !== 'NODE_TEST_CONTEXT')
        env[key] = value;
    fresh = spawnNodeProcess({
      name: 'fresh-discovery-node',
      main: join(ROOT, 'apps/discovery-node/src/main.ts'),
      cwd: ROOT,
      env: {
        ...env,
        COLIVING_HOST: '127.0.0.1',
        COLIVING_PORT: String(port),
        COLIVING_PUBLIC_URL: endpoint,
        COLIVING_DATA_DIR: dataDir,
        COLIVING_DELEGATE_PRIVATE_KEY: generatePrivateKey(),
        COLIVING_MANIFEST: network.manifestFile,
        COLIVING_POLL_INTERVAL: DISCOVERY_POLL_INTERVAL,
        COLIVING_LOG_LEVEL: 'info',
      },
      logFile: join(dir, 'fresh-discovery-node.log'),
      endpoint,
    });
    await waitForHealth(fresh);
    await untilPlayCount(PER_USER_HOUR + 2, [endpoint]);
    const [a, b, c] = await settledDigests([...discoveries, endpoint]);
    assert.equal(c!.digest, a!.digest, JSON.stringify([a, c]));
    assert.equal(c!.digest, b!.digest);
  });
});
