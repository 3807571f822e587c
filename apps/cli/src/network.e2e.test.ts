// End to end against a real local network in processes: both chains, 3 content nodes and 2
// discovery nodes (startNetwork). The SDK signs up, logs in on a second device, uploads, streams,
// follows and reposts, and carries on when its discovery node dies; then the CLI does the same
// flow through its commands, with --json output parsed here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { devAccountKeys } from '@coliving/chain';
import { cidFromBytes } from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type ColivingSdk, ColivingSdkError, createColivingSdk } from '@coliving/sdk';
import { type StartNetworkReturnType, startNetwork } from '@coliving/devnet';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CLI = join(ROOT, 'apps/cli/bin/coliving.mjs');

/**
 * A listenable WAV: `seconds` of a two-note chord with a slow swell, 44.1 kHz stereo 16-bit. Made
 * here so the test needs no audio file and no ffmpeg of its own.
 */
function chordWav(seconds: number, root = 220): Uint8Array {
  const rate = 44_100;
  const frames = seconds * rate;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    const swell = 0.3 + 0.2 * Math.sin(2 * Math.PI * 0.25 * t);
    const v =
      swell * (Math.sin(2 * Math.PI * root * t) + 0.6 * Math.sin(2 * Math.PI * root * 1.5 * t));
    const sample = Math.max(-32768, Math.min(32767, Math.round(v * 16000)));
    data.writeInt16LE(sample, i * 4);
    data.writeInt16LE(sample, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22); // stereo
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return new Uint8Array(Buffer.concat([header, data]));
}

/** Polls `check` until it is true; fails after two minutes (a loaded two-core machine is slow). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

let dir: string;
let network: StartNetworkReturnType;
let endpoints: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-e2e-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 3, discoveryNodes: 2 });
  endpoints = network.discoveryNodes.map((n) => n.endpoint);
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sdkOn = (discoveryNodes: string[]): ColivingSdk =>
  createColivingSdk({ discoveryNodes, pollIntervalMs: 100 });

describe('the SDK against a local network', () => {
  const email = 'landlord@example.org';
  const password = 'correct horse battery staple';
  let landlord: ColivingSdk;
  let landlordId: string;
  let trackId: string;

  it('signs up, and logs in on a second device to the same wallet', async () => {
    landlord = sdkOn(endpoints);
    const signedUp = await landlord.auth.signUp({ email, password });
    landlord.setAccount(signedUp.account);
    const { userId, user } = await landlord.users.create({
      handle: 'nightowl',
      name: 'Night Owl',
      bio: 'Synth chords after midnight',
    });
    landlordId = userId;
    assert.equal(user.handle, 'nightowl');

    const device = sdkOn([...endpoints].reverse());
    const loggedIn = await device.auth.logIn({ email, password });
    assert.equal(loggedIn.wallet.toLowerCase(), signedUp.wallet.toLowerCase());
    // The second device reads from the other discovery node, which may be a block behind the one
    // that confirmed the profile: it finds the account once it has indexed it.
    await until('the second device finds the account', async () => {
      const user = await device.users.byWallet(loggedIn.wallet).catch(() => undefined);
      return user?.id === landlordId;
    });
  });

  it('refuses a wrong password with a clear error', async () => {
    await assert.rejects(
      sdkOn(endpoints).auth.logIn({ email, password: 'wrong horse' }),
      (error: unknown) => {
        assert.ok(error instanceof ColivingSdkError, String(error));
        assert.equal(error.type, 'wrong_credentials');
        return true;
      },
    );
  });

  it('changes a password on the content nodes: the new one opens the wallet, the old one nothing', async () => {
    const credentials = { email: 'mover@example.org', password: 'first pass 1' };
    const owner = sdkOn(endpoints);
    const { wallet } = await owner.auth.signUp(credentials);
    // Each version the nodes store is signed by the wallet: the new record, the old one's tombstone.
    await owner.auth.changePassword({
      email: credentials.email,
      oldPassword: credentials.password,
      newPassword: 'second pass 2',
    });
    const device = sdkOn([...endpoints].reverse());
    const moved = await device.auth.logIn({ email: credentials.email, password: 'second pass 2' });
    assert.equal(moved.wallet, wallet);
    await assert.rejects(device.auth.logIn(credentials), (error: unknown) => {
      assert.ok(error instanceof ColivingSdkError, String(error));
      assert.equal(error.type, 'wrong_credentials');
      return true;
    });
  });

  it('uploads with progress events; the track is listed, searchable and streams its blob', async () => {
    const events: { stage: string; loaded?: number; total?: number }[] = [];
    const { trackId: id, track } = await landlord.tracks.upload({
      userId: landlordId,
      file: chordWav(12),
      fileName: 'midnight-chords.wav',
      metadata: { title: 'Midnight Chords', genre: 'Electronic', description: 'A test upload' },
      onProgress: (event) => events.push(event),
    });
    trackId = id;
    assert.equal(track.title, 'Midnight Chords');
    const stages = [...new Set(events.map((e) => e.stage))];
    assert.deepEqual(stages, ['upload', 'transcode', 'publish']);
    const sent = events.filter((e) => e.stage === 'upload' && e.loaded !== undefined);
    assert.ok(sent.length >= 2, 'several upload progress events');
    assert.equal(sent.at(-1)!.loaded, sent.at(-1)!.total, 'the upload ends at 100 %');

    const listed = await landlord.users.tracks(landlordId);
    assert.deepEqual(
      listed.map((t) => t.id),
      [trackId],
    );
    // Typos are matched through a dictionary of title words that is refreshed periodically (10 s
    // on the devnet): poll until it has the new words.
    await until('search finds the track despite the typo', async () => {
      const found = await landlord.tracks.search({ query: 'midnite chords' });
      return found.some((t) => t.id === trackId);
    });

    // The streamed bytes are the transcoded blob: their CID is the track's stream CID.
    const url = await landlord.tracks.streamUrl(trackId);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(await cidFromBytes(bytes), track.track_cid);
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
  });

  it('reports a file that is not audio as an error, and publishes no track', async () => {
    const events: string[] = [];
    await assert.rejects(
      landlord.tracks.upload({
        userId: landlordId,
        file: new TextEncoder().encode('these are liner notes, not a song\n'.repeat(200)),
        fileName: 'notes.wav',
        metadata: { title: 'Not A Song', genre: 'Electronic' },
        onProgress: (event) => events.push(event.stage),
      }),
      (error: unknown) => {
        assert.ok(error instanceof ColivingSdkError, String(error));
        assert.ok(
          error.type === 'invalid_input' || error.type === 'transcode_failed',
          `type ${error.type}`,
        );
        return true;
      },
    );
    assert.ok(!events.includes('publish'), 'nothing was published');
    assert.deepEqual(
      (await landlord.users.tracks(landlordId)).map((t) => t.id),
      [trackId],
    );
  });

  it('changes the counts on follow and repost', async () => {
    const fan = sdkOn(endpoints);
    const { account } = await fan.auth.signUp({ email: 'fan@example.org', password: 'fan pass 1' });
    fan.setAccount(account);
    const { userId: fanId } = await fan.users.create({ handle: 'fan', name: 'A Fan' });
    assert.equal((await fan.users.get(landlordId)).follower_count, 0);
    await fan.users.follow(fanId, landlordId);
    assert.equal((await fan.users.get(landlordId)).follower_count, 1);
    assert.equal((await fan.tracks.get(trackId)).repost_count, 0);
    await fan.tracks.repost(fanId, trackId);
    assert.equal((await fan.tracks.get(trackId)).repost_count, 1);
    const followers = await fan.users.followers(landlordId);
    assert.deepEqual(
      followers.map((u) => u.id),
      [fanId],
    );
  });

  it('fails over when its discovery node dies', async () => {
    const sdk = sdkOn(endpoints);
    const first = await sdk.discovery.current();
    assert.equal((await sdk.tracks.get(trackId)).title, 'Midnight Chords');
    await network.stopNode(first);
    assert.equal((await sdk.tracks.get(trackId)).title, 'Midnight Chords');
    assert.notEqual(await sdk.discovery.current(), first);
    endpoints = endpoints.filter((e) => e !== first);
  });
});

describe('the coliving CLI against the same network', () => {
  let home: string;

  /** Runs `coliving <args> --json` and parses what it prints. */
  async function cli(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [CLI, ...args, '--json'], {
      cwd: dir,
      env: { ...process.env, COLIVING_HOME: home, COLIVING_DISCOVERY_URL: endpoints.join(',') },
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  /** Runs a command expected to fail; returns its exit code and parsed JSON error. */
  async function cliFails(...args: string[]): Promise<{ code: number; error: { type: string } }> {
    try {
      await cli(...args);
    } catch (failure) {
      const { code, stdout } = failure as { code: number; stdout: string };
      return { code, ...(JSON.parse(stdout) as { error: { type: string } }) };
    }
    throw new Error(`coliving ${args.join(' ')} succeeded`);
  }

  before(async () => {
    home = join(dir, 'cli-home');
  });

  it('creates an account, uploads, finds, follows, reposts and streams', async () => {
    const created = await cli(
      'account',
      'create',
      '--email',
      'cli@example.org',
      '--password',
      'cli password',
      '--handle',
      'terminal',
      '--name',
      'Terminal Landlord',
    );
    assert.equal(created.handle, 'terminal');
    const session = await stat(join(home, 'session.json'));
    assert.equal(session.mode & 0o777, 0o600, 'the key file is private');

    await cli('account', 'logout');
    const failed = await cliFails(
      'account',
      'login',
      '--email',
      'cli@example.org',
      '--password',
      'nope',
    );
    assert.equal(failed.code, 1);
    assert.equal(failed.error.type, 'wrong_credentials');
    const login = await cli(
      'account',
      'login',
      '--email',
      'cli@example.org',
      '--password',
      'cli password',
    );
    assert.equal(login.userId, created.userId);
    assert.equal((await cli('account', 'whoami')).handle, 'terminal');

    const wav = join(dir, 'terminal-song.wav');
    await writeFile(wav, chordWav(8, 262));
    const uploaded = await cli('upload', wav, '--title', 'Terminal Velocity', '--genre', 'Ambient');
    assert.match(String(uploaded.permalink), /^\/terminal\/terminal-velocity$/);
    const trackId = String(uploaded.trackId);

    const got = await cli('track', 'get', trackId);
    assert.equal(got.title, 'Terminal Velocity');
    const byLink = await cli('track', 'get', String(uploaded.permalink));
    assert.equal(byLink.id, trackId);
    await until('the CLI finds the track despite the typo', async () => {
      const searched = (await cli('track', 'search', 'terminl')) as unknown as { id: string }[];
      return searched.some((t) => t.id === trackId);
    });

    const followed = await cli('follow', '@nightowl');
    assert.equal(followed.followerCount, 2);
    const reposted = await cli('repost', trackId);
    assert.equal(reposted.repostCount, 1);

    const out = join(dir, 'terminal-velocity.mp3');
    const streamed = await cli('stream', trackId, '-o', out);
    const mp3 = await readFile(out);
    assert.equal(streamed.bytes, mp3.length);
    assert.equal(await cidFromBytes(mp3), (got as { track_cid: string }).track_cid);

    const playlist = await cli('playlist', 'create', '--name', 'Late Night');
    await cli('playlist', 'add', String(playlist.playlistId), trackId);
    const listed = await cli('playlist', 'get', String(playlist.playlistId));
    assert.deepEqual(
      (listed.tracks as { id: string }[]).map((t) => t.id),
      [trackId],
    );
    const trending = (await cli('trending', '--time', 'allTime')) as unknown as unknown[];
    assert.ok(Array.isArray(trending));
  });

  it('registers a node, stakes and unstakes, and lists the registry for operators', async () => {
    // The deployer (dev account 0) holds the DGCO supply on a devnet: enough for a node's stake.
    const operator = ['--private-key', devAccountKeys()[0]!, '--manifest', network.manifestFile];
    const delegate = privateKeyToAccount(generatePrivateKey()).address;
    const before = (await cli('node', 'status', '--manifest', network.manifestFile)) as unknown as {
      endpoint: string;
    }[];
    assert.equal(before.length, 5, 'three content nodes and two discovery nodes');
    const registered = await cli(
      'node',
      'register',
      '--type',
      'content-node',
      '--endpoint',
      'https://cn-new.example.org',
      '--stake',
      '200000',
      '--delegate',
      delegate,
      ...operator,
    );
    assert.ok(Number(registered.nodeId) > 0);
    await cli('node', 'stake', '--amount', '1000', ...operator);
    const unstaked = await cli('node', 'unstake', '--amount', '500', ...operator);
    assert.ok(Number(unstaked.unlocksAtBlock) > 0);
    const after = (await cli('node', 'status', '--manifest', network.manifestFile)) as unknown as {
      id: number;
      endpoint: string;
      delegateWallet: string;
      ownerStake: string;
    }[];
    const added = after.find((n) => n.endpoint === 'https://cn-new.example.org');
    assert.ok(added, 'the new node is listed');
    assert.equal(added.id, Number(registered.nodeId));
    assert.equal(added.delegateWallet, delegate);
    assert.equal(
      added.ownerStake,
      '201000',
      'stake requested for withdrawal stays until the lockup',
    );
  });

  it('answers bad input with a clear error and a non-zero exit', async () => {
    const usage = await cliFails(
      'upload',
      join(dir, 'missing.wav'),
      '--title',
      'x',
      '--genre',
      'Ambient',
    );
    assert.equal(usage.code, 2);
    assert.equal(usage.error.type, 'usage');
    const unknown = await cliFails('track', 'get', 'zzzzzzzz');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.error.type, 'not_found');
    const badStake = await cliFails(
      'node',
      'stake',
      '--amount',
      'lots',
      '--manifest',
      network.manifestFile,
    );
    assert.equal(badStake.code, 2);
    const noKey = await cliFails(
      'node',
      'stake',
      '--amount',
      '1',
      '--manifest',
      network.manifestFile,
    );
    assert.equal(noKey.code, 2);
    const unknownOption = await cliFails('trending', '--when', 'now');
    assert.equal(unknownOption.code, 2);
  });
});
