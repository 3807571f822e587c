// The demo catalog: its music checked structurally (nobody can listen here), and a small catalog
// seeded into a real local network and read back through the SDK as an app would see it.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GENRES, MOODS, cidFromBytes } from '@coliving/protocol';
import { type ColivingSdk, type Track, createColivingSdk } from '@coliving/sdk';
import { composeTrack } from './composeTrack.js';
import { DEMO_LANDLORDS, DEMO_RESIDENTS } from './demoCatalogContent.js';
import { demoImageGraph, renderDemoImage } from './demoImages.js';
import { advanceChainClock } from './chainClock.js';
import { DEMO_HISTORY_DAYS, DEMO_RESIDENT_DGCO } from './constants.js';
import { dgcoBalance } from './payFromTreasury.js';
import { planDemoAccess, planDemoHistory, planDemoSocial } from './planDemoSocial.js';
import { runFfmpeg } from './runFfmpeg.js';
import {
  DEMO_PASSWORD,
  FULL_DEMO_CATALOG,
  type SeedDemoCatalogReturnType,
  seedDemoCatalog,
} from './seedDemoCatalog.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';
import { type SynthesizeTrackReturnType, synthesizeTrack } from './synthesizeTrack.js';

const DAY_MS = 86_400_000;

/** Analysis rate: enough for the spectrum's musical range, and quick to decode. */
const RATE = 22_050;
/** FFT frames for the average spectrum. */
const FRAME = 4096;
/** Generous: a loaded two-core machine indexes, transcodes and recomputes trending slowly. */
const DEADLINE_MS = 180_000;

/** A file decoded to mono floats at RATE by ffmpeg. */
async function decode(file: string): Promise<Float32Array> {
  const { stdout } = await runFfmpeg({
    args: ['-i', file, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-'],
  });
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 4);
}

/** ffmpeg's volumedetect mean volume, in dB. */
async function meanVolume(file: string): Promise<number> {
  const { stderr } = await runFfmpeg({
    args: ['-i', file, '-af', 'volumedetect', '-f', 'null', '-'],
  });
  const match = /mean_volume: (-?[0-9.]+) dB/.exec(stderr);
  assert.ok(match, `volumedetect printed no mean volume:\n${stderr}`);
  return Number(match[1]);
}

/** In-place radix-2 FFT of (re, im); the length is a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const [wr, wi] = [Math.cos(angle * k), Math.sin(angle * k)];
        const [a, b] = [start + k, start + k + size / 2];
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** The power spectrum averaged over Hann-windowed frames, in dB, FRAME/2 bins up to RATE/2. */
function averageSpectrum(samples: Float32Array): Float64Array {
  const power = new Float64Array(FRAME / 2);
  let frames = 0;
  for (let start = 0; start + FRAME <= samples.length; start += FRAME) {
    const re = new Float64Array(FRAME);
    const im = new Float64Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      re[i] = samples[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
    }
    fft(re, im);
    for (let k = 0; k < FRAME / 2; k++) power[k] = power[k]! + re[k]! ** 2 + im[k]! ** 2;
    frames++;
  }
  return power.map((p) => 10 * Math.log10(p / frames + 1e-20));
}

/**
 * Strong peaks of a spectrum: local maxima of the 30 Hz – 8 kHz range within 30 dB of the
 * strongest, at least 4 bins apart. A sine has one (its window's side lobes are lower still).
 */
function strongPeaks(spectrum: Float64Array): number {
  const lo = Math.ceil((30 * FRAME) / RATE);
  const hi = Math.floor((8000 * FRAME) / RATE);
  let max = -Infinity;
  for (let k = lo; k <= hi; k++) max = Math.max(max, spectrum[k]!);
  let peaks = 0;
  let last = -Infinity;
  for (let k = lo + 1; k < hi; k++) {
    const v = spectrum[k]!;
    if (v >= max - 30 && v > spectrum[k - 1]! && v >= spectrum[k + 1]! && k - last >= 4) {
      peaks++;
      last = k;
    }
  }
  return peaks;
}

/** RMS loudness in dB over windows of half a second. */
function loudnessEnvelope(samples: Float32Array): number[] {
  const window = RATE / 2;
  const out: number[] = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += samples[i]! ** 2;
    out.push(10 * Math.log10(sum / window + 1e-12));
  }
  return out;
}

/** Pearson correlation of the common part of two series. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let [ma, mb] = [0, 0];
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i]! / n, mb + b[i]! / n];
  let [sab, saa, sbb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [x, y] = [a[i]! - ma, b[i]! - mb];
    [sab, saa, sbb] = [sab + x * y, saa + x * x, sbb + y * y];
  }
  return sab / Math.sqrt(saa * sbb);
}

type Analysis = {
  seconds: number;
  meanVolume: number;
  peaks: number;
  spectrum: Float64Array;
  envelope: number[];
  cid: string;
};

async function analyze(file: string): Promise<Analysis> {
  const samples = await decode(file);
  const spectrum = averageSpectrum(samples);
  return {
    seconds: samples.length / RATE,
    meanVolume: await meanVolume(file),
    peaks: strongPeaks(spectrum),
    spectrum,
    envelope: loudnessEnvelope(samples),
    cid: await cidFromBytes(await readFile(file)),
  };
}

describe('synthesizeTrack', () => {
  let cacheDir: string;
  let tracks: SynthesizeTrackReturnType[];
  let analyses: Analysis[];
  let sine: Analysis;

  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'coliving-synth-'));
    tracks = [];
    for (const seed of ['test/0', 'test/1', 'test/2']) {
      tracks.push(await synthesizeTrack({ seed, cacheDir }));
    }
    analyses = await Promise.all(tracks.map((t) => analyze(t.file)));
    // The control a check of "not a pure tone" must fail: a plain sine at music's loudness.
    const sineFile = join(cacheDir, 'sine.wav');
    await runFfmpeg({
      args: ['-f', 'lavfi', '-i', 'sine=f=440:d=31,volume=0.5', '-c:a', 'pcm_s16le', sineFile],
    });
    sine = await analyze(sineFile);
  });

  after(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('composes the same recipe from the same seed, and different ones from others', () => {
    assert.deepEqual(composeTrack('landlord/3'), composeTrack('landlord/3'));
    const recipes = Array.from({ length: 30 }, (_, i) => composeTrack(`seed/${i}`));
    for (const r of recipes) {
      assert.ok(r.seconds >= 30 && r.seconds <= 60, `length ${r.seconds}`);
      assert.ok(r.bpm >= 70 && r.bpm <= 132, `tempo ${r.bpm}`);
      const sixteenths = r.melody.reduce((sum, n) => sum + n.sixteenths, 0);
      assert.equal(sixteenths, 8 * 16, 'the melody fills its eight bars');
    }
    // Every axis varies over a few seeds.
    for (const key of ['key', 'mode', 'bpm', 'chordStyle', 'chordTimbre', 'drums'] as const) {
      assert.ok(new Set(recipes.map((r) => r[key])).size >= 3, `${key} varies`);
    }
    assert.ok(new Set(recipes.map((r) => JSON.stringify(r.progression))).size >= 3);
  });

  it('renders tracks of 30 s or more, loud enough to hear', (t) => {
    t.diagnostic(`mean volumes: ${analyses.map((a) => `${a.meanVolume} dB`).join(', ')}`);
    for (const [i, a] of analyses.entries()) {
      assert.ok(a.seconds >= 30, `track ${i} lasts ${a.seconds} s`);
      assert.ok(
        Math.abs(a.seconds - tracks[i]!.recipe.seconds) < 0.01,
        `track ${i} lasts the ${tracks[i]!.recipe.seconds} s of its recipe, not ${a.seconds} s`,
      );
      assert.ok(a.meanVolume > -30, `track ${i} mean volume ${a.meanVolume} dB`);
    }
  });

  it('renders music, not a tone: many strong spectral peaks where a sine has one', (t) => {
    t.diagnostic(
      `strong peaks: sine ${sine.peaks}, tracks ${analyses.map((a) => a.peaks).join(', ')}`,
    );
    assert.ok(sine.peaks <= 2, `the sine shows ${sine.peaks} peaks`);
    for (const [i, a] of analyses.entries()) {
      assert.ok(a.peaks >= 8, `track ${i} shows only ${a.peaks} strong spectral peaks`);
    }
  });

  it('renders different tracks from different seeds: files, spectra and loudness over time', (t) => {
    for (let i = 0; i < analyses.length; i++) {
      for (let j = i + 1; j < analyses.length; j++) {
        const [a, b] = [analyses[i]!, analyses[j]!];
        assert.notEqual(a.cid, b.cid, `tracks ${i} and ${j} are the same file`);
        const spectra = correlation(a.spectrum, b.spectrum);
        assert.ok(spectra < 0.99, `tracks ${i} and ${j} have the same spectrum (r = ${spectra})`);
        const envelopes = correlation(a.envelope, b.envelope);
        t.diagnostic(
          `${i}–${j}: spectra r = ${spectra.toFixed(3)}, envelopes r = ${envelopes.toFixed(3)}`,
        );
        assert.ok(envelopes < 0.95, `tracks ${i} and ${j} swell alike (r = ${envelopes})`);
      }
    }
  });

  it('reuses a rendered file from the cache', async (t) => {
    const again = await synthesizeTrack({ seed: 'test/0', cacheDir });
    assert.equal(again.cached, true);
    assert.equal(again.file, tracks[0]!.file);
    assert.equal(
      (await stat(again.file)).mtimeMs,
      (await stat(tracks[0]!.file)).mtimeMs,
      'the file was not rewritten',
    );
    for (const track of tracks) {
      t.diagnostic(`${track.recipe.seconds} s rendered in ${Math.round(track.renderMs)} ms`);
    }
  });

  it('draws pictures as JPEGs, the same for a seed, different across seeds', async () => {
    assert.equal(demoImageGraph('avatar', 'x'), demoImageGraph('avatar', 'x'));
    const files = await Promise.all(
      (['avatar', 'cover', 'artwork'] as const).flatMap((kind) =>
        ['a', 'b'].map((seed) => renderDemoImage({ kind, seed, cacheDir })),
      ),
    );
    const cids = new Set<string>();
    for (const { file } of files) {
      const bytes = await readFile(file);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], `${file} is a JPEG`);
      cids.add(await cidFromBytes(bytes));
    }
    assert.equal(cids.size, files.length, 'every picture differs');
  });
});

describe('the demo catalog’s gates', () => {
  it('gates, in the full catalog, one album for sale, a priced track split with another landlord, a tip gate and a follow gate', () => {
    const { landlords, tracksPerLandlord } = FULL_DEMO_CATALOG;
    const { trackGates, albumForSale } = planDemoAccess(landlords, tracksPerLandlord);
    // The last of the three albums; the first two stay free.
    assert.equal(albumForSale, 2);
    const at = (landlord: number, index: number) =>
      trackGates[landlord * tracksPerLandlord + index];
    for (let i = 0; i < tracksPerLandlord; i++) assert.deepEqual(at(2, i), { kind: 'album' });
    assert.deepEqual(at(4, 4), { kind: 'purchase', collaborator: 3 });
    assert.deepEqual(at(3, 4), { kind: 'tip' });
    assert.deepEqual(at(4, 3), { kind: 'follow' });
    assert.equal(trackGates.filter(Boolean).length, tracksPerLandlord + 3);
    // Every landlord has free music: their first two tracks, unless their album is for sale.
    for (let l = 0; l < landlords; l++) {
      if (l !== albumForSale) assert.equal(at(l, 0) ?? at(l, 1), undefined);
    }
    // A small catalog (tests, --catalog small) has nothing gated: every track is heard.
    const small = planDemoAccess(2, 2);
    assert.equal(small.albumForSale, undefined);
    assert.equal(small.trackGates.filter(Boolean).length, 0);
  });
});

describe('seedDemoCatalog on a local network', () => {
  const scale = { landlords: 2, tracksPerLandlord: 2, residents: 2 };
  let dir: string;
  let network: StartNetworkReturnType;
  let seeded: SeedDemoCatalogReturnType;
  let sdk: ColivingSdk;
  const progress: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-demo-'));
    // As `npm start` does: the data chain starts in the past and the seeding gives it a history.
    network = await startNetwork({
      dir: join(dir, 'devnet'),
      contentNodes: 2,
      discoveryNodes: 1,
      dataChainGenesis: new Date(Date.now() - (DEMO_HISTORY_DAYS[0] + 1) * DAY_MS),
    });
    const discoveryNodes = network.discoveryNodes.map((n) => n.endpoint);
    seeded = await seedDemoCatalog({
      discoveryNodes,
      contentNodes: network.contentNodes.map((n) => n.endpoint),
      cacheDir: join(dir, 'cache'),
      scale,
      onProgress: (message) => progress.push(message),
      history: { advanceTo: (at) => advanceChainClock(network.chains.data.rpcUrl, at) },
      treasury: { eth: network.chains.eth, token: network.contracts.eth.DgcoToken },
    });
    sdk = createColivingSdk({ discoveryNodes, pollIntervalMs: 100 });
  });

  after(async () => {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Polls `check` until it answers true; fails at the deadline with what it last saw. */
  async function until(what: string, check: () => Promise<boolean | string>): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const result = await check();
      if (result === true) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${result}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const handles = [
    ...DEMO_LANDLORDS.slice(0, scale.landlords).map((l) => l.handle),
    ...DEMO_RESIDENTS.slice(0, scale.residents).map((r) => r.handle),
  ];

  it('returns every account in the manifest shape, and each logs in with its password', async () => {
    assert.deepEqual(
      seeded.accounts.map((a) => [a.handle, a.role]),
      handles.map((h, i) => [h, i < scale.landlords ? 'landlord' : 'resident']),
    );
    for (const account of seeded.accounts) {
      assert.deepEqual(Object.keys(account).sort(), [
        'email',
        'handle',
        'password',
        'role',
        'wallet',
      ]);
      assert.equal(account.password, DEMO_PASSWORD);
      const device = createColivingSdk({
        discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
      });
      const { wallet } = await device.auth.logIn({
        email: account.email,
        password: account.password,
      });
      assert.equal(wallet, account.wallet);
      assert.equal((await device.users.byWallet(wallet)).handle, account.handle);
    }
    assert.ok(
      progress.some((m) => m.startsWith('demo catalog seeded in')),
      progress.join('\n'),
    );
  });

  it('gives each resident 1,000 DGCO from the treasury, and the landlords none', async () => {
    const treasury = { eth: network.chains.eth, token: network.contracts.eth.DgcoToken };
    for (const account of seeded.accounts) {
      assert.equal(
        await dgcoBalance({ ...treasury, wallet: account.wallet }),
        account.role === 'resident' ? DEMO_RESIDENT_DGCO : 0n,
        `@${account.handle}`,
      );
    }
  });

  it('gives every user a bio, a location, a profile picture and a cover photo', async () => {
    for (const handle of handles) {
      const user = await sdk.users.byHandle(handle);
      const written = [...DEMO_LANDLORDS, ...DEMO_RESIDENTS].find((p) => p.handle === handle)!;
      assert.equal(user.name, written.name);
      assert.equal(user.bio, written.bio);
      assert.equal(user.location, written.location);
      for (const url of [user.profile_picture?.['480x480'], user.cover_photo?.['640x']]) {
        assert.ok(url, `@${handle} has a profile picture and a cover photo`);
        const res = await fetch(url);
        assert.equal(res.status, 200, url);
        assert.equal(res.headers.get('content-type'), 'image/jpeg');
        await res.arrayBuffer();
      }
    }
  });

  // Before any test streams a track itself: the counts are the residents' listens alone.
  it('plays the tracks as the residents: each counts its planned listens, on chain', async () => {
    const plan = planDemoSocial(scale.landlords, scale.residents, seeded.trackIds.length);
    const planned = seeded.trackIds.map((_, t) =>
      plan.listens.filter(([, k]) => k === t).reduce((sum, [, , count]) => sum + count, 0),
    );
    assert.ok(
      planned.every((n) => n > 0),
      `every track is listened to: ${planned.join(', ')}`,
    );
    assert.ok(new Set(planned).size > 1, `tracks get different numbers: ${planned.join(', ')}`);
    // The content nodes submit their journals every few seconds; then the play log is indexed.
    await until('every seeded track shows its planned plays', async () => {
      const counts = await Promise.all(
        seeded.trackIds.map(async (id) => (await sdk.tracks.get(id)).play_count),
      );
      for (const [t, n] of counts.entries())
        assert.ok(n <= planned[t]!, `${counts.join(', ')} > ${planned.join(', ')}`);
      return counts.every((n, t) => n === planned[t]) || `counts ${counts.join(', ')}`;
    });
    const resident = await sdk.users.byHandle(DEMO_RESIDENTS[0]!.handle);
    const top = await sdk.tracks.topListeners(seeded.trackIds[1]!);
    const theirs = plan.listens.find(([who, k]) => who === scale.landlords && k === 1)?.[2];
    assert.ok(theirs, 'the first resident listens to the second track');
    assert.equal(top.find((l) => l.user.id === resident.id)?.count, theirs);
  });

  it('lists each landlord’s tracks with metadata and artwork, and streams them', async () => {
    const all: Track[] = [];
    for (const landlord of DEMO_LANDLORDS.slice(0, scale.landlords)) {
      const user = await sdk.users.byHandle(landlord.handle);
      const tracks = await sdk.users.tracks(user.id, { sortMethod: 'title' });
      assert.deepEqual(
        tracks.map((t) => t.title),
        landlord.titles.slice(0, scale.tracksPerLandlord).sort(),
      );
      assert.equal(user.track_count, scale.tracksPerLandlord);
      all.push(...tracks);
    }
    assert.deepEqual(all.map((t) => t.id).sort(), [...seeded.trackIds].sort());
    for (const track of all) {
      assert.ok((GENRES as readonly string[]).includes(track.genre), track.genre);
      assert.ok((MOODS as readonly string[]).includes(track.mood ?? ''), String(track.mood));
      assert.ok(track.description && track.description.length > 20, 'a description');
      assert.ok(track.tags && track.tags.split(',').length >= 3, `tags ${track.tags}`);
      assert.ok(track.duration >= 30, `duration ${track.duration}`);
      const artwork = track.artwork['480x480'];
      assert.ok(artwork, `"${track.title}" has artwork`);
      assert.equal((await fetch(artwork)).status, 200);
    }
    const first = all.find((t) => t.id === seeded.trackIds[0])!;
    const res = await fetch(await sdk.tracks.streamUrl(first.id));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
    assert.equal(await cidFromBytes(new Uint8Array(await res.arrayBuffer())), first.track_cid);
  });

  it('makes albums of landlords’ tracks and playlists of residents’ picks', async () => {
    const lists = await Promise.all(seeded.playlistIds.map((id) => sdk.playlists.get(id)));
    const albums = lists.filter((l) => l.is_album);
    const playlists = lists.filter((l) => !l.is_album);
    assert.equal(albums.length, 1);
    assert.equal(playlists.length, 1);
    const [album, playlist] = [albums[0]!, playlists[0]!];
    assert.equal(album.user.handle, DEMO_LANDLORDS[0]!.handle);
    assert.equal(album.playlist_name, DEMO_LANDLORDS[0]!.album.name);
    assert.deepEqual(
      (await sdk.playlists.tracks(album.id)).map((t) => t.id),
      seeded.trackIds.slice(0, scale.tracksPerLandlord),
    );
    assert.equal(playlist.user.handle, DEMO_RESIDENTS[0]!.handle);
    const picks = await sdk.playlists.tracks(playlist.id);
    assert.ok(picks.length >= 2, `${picks.length} tracks in the playlist`);
    for (const t of picks) assert.ok(seeded.trackIds.includes(t.id));
    for (const list of lists)
      assert.ok(list.artwork?.['480x480'], `"${list.playlist_name}" artwork`);
    const owner = await sdk.users.byHandle(DEMO_LANDLORDS[0]!.handle);
    assert.deepEqual(
      (await sdk.users.albums(owner.id)).map((l) => l.id),
      [album.id],
    );
  });

  it('counts the planned follows, reposts and saves', async () => {
    const plan = planDemoSocial(scale.landlords, scale.residents, seeded.trackIds.length);
    for (const [i, handle] of handles.entries()) {
      const user = await sdk.users.byHandle(handle);
      const followers = plan.follows.filter(([, to]) => to === i).length;
      const followees = plan.follows.filter(([from]) => from === i).length;
      assert.equal(user.follower_count, followers, `@${handle} followers`);
      assert.equal(user.followee_count, followees, `@${handle} followees`);
      assert.equal((await sdk.users.followers(user.id)).length, followers);
      if (i < scale.landlords) assert.ok(followers >= 3, 'enough followers to trend');
    }
    for (const [t, id] of seeded.trackIds.entries()) {
      const track = await sdk.tracks.get(id);
      assert.equal(track.repost_count, plan.reposts.filter(([, k]) => k === t).length);
      assert.equal(track.favorite_count, plan.saves.filter(([, k]) => k === t).length);
    }
  });

  it('trends the seeded tracks, the most reposted first', async () => {
    const tracks = await Promise.all(seeded.trackIds.map((id) => sdk.tracks.get(id)));
    const most = Math.max(...tracks.map((t) => t.repost_count));
    assert.ok(most >= scale.residents, 'the favourite is reposted by every resident');
    await until('trending lists every seeded track, the most reposted first', async () => {
      const trending = await sdk.tracks.trending({ time: 'week' });
      const ids = trending.map((t) => t.id);
      const missing = seeded.trackIds.filter((id) => !ids.includes(id));
      if (missing.length > 0) return `missing ${missing.join(', ')}`;
      return trending[0]!.repost_count === most || `first has ${trending[0]!.repost_count} reposts`;
    });
  });

  it('gives the catalog a past: tracks of 200 and 20 days ago, so week, month and year trending differ', async () => {
    const social = planDemoSocial(scale.landlords, scale.residents, seeded.trackIds.length);
    const { trackEra } = planDemoHistory(social, DEMO_HISTORY_DAYS.length);
    const tracks = await Promise.all(seeded.trackIds.map((id) => sdk.tracks.get(id)));
    for (const [k, track] of tracks.entries()) {
      const days = (Date.now() - Date.parse(track.created_at)) / DAY_MS;
      const planned = DEMO_HISTORY_DAYS[trackEra[k]!]!;
      // Each era's writes take a few seconds of chain time after its start.
      assert.ok(
        Math.abs(days - planned) < 0.1,
        `"${track.title}" is ${days} days old, planned ${planned}`,
      );
    }
    assert.deepEqual(
      [...new Set(trackEra)].sort(),
      [0, 1, 2],
      'the four tracks fall in all three eras',
    );
    // The chain ends in the present: the plays were counted (the test above) and a new write is now.
    const latest = await fetch(network.chains.data.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_getBlockByNumber',
        params: ['latest', false],
      }),
    }).then(async (res) => (await res.json()) as { result: { timestamp: string } });
    assert.ok(Math.abs(Number(latest.result.timestamp) * 1000 - Date.now()) < 60_000);

    const order = async (time: 'week' | 'month' | 'year') =>
      (await sdk.tracks.trending({ time })).map((t) => t.id).join(',');
    await until('week, month and year trending rank the tracks differently', async () => {
      const [week, month, year] = await Promise.all([order('week'), order('month'), order('year')]);
      if (week.split(',').length < seeded.trackIds.length) return `week lists ${week}`;
      return (week !== month && month !== year) || `week ${week}, month ${month}, year ${year}`;
    });
  });

  it('seeds again without duplicates: a partly seeded devnet is finished, not doubled', async () => {
    const plan = planDemoSocial(scale.landlords, scale.residents, seeded.trackIds.length);
    const messages: string[] = [];
    const again = await seedDemoCatalog({
      discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
      cacheDir: join(dir, 'cache'),
      scale,
      onProgress: (message) => messages.push(message),
    });
    assert.deepEqual(again, seeded);
    const found = messages.filter((m) => m.startsWith('found (seeded before)'));
    assert.equal(found.length, handles.length, messages.join('\n'));
    for (const [i, handle] of handles.entries()) {
      const user = await sdk.users.byHandle(handle);
      assert.equal(user.track_count, i < scale.landlords ? scale.tracksPerLandlord : 0);
      assert.equal(user.follower_count, plan.follows.filter(([, to]) => to === i).length);
    }
    for (const [t, id] of seeded.trackIds.entries()) {
      const track = await sdk.tracks.get(id);
      assert.equal(track.repost_count, plan.reposts.filter(([, k]) => k === t).length);
    }
  });

  it('finds a track by its title', async () => {
    const title = DEMO_LANDLORDS[1]!.titles[0]!;
    const id = seeded.trackIds[scale.tracksPerLandlord]!;
    await until(`search finds "${title}"`, async () => {
      const found = await sdk.tracks.search({ query: title });
      return found[0]?.id === id || `found ${found.map((t) => t.title).join(', ') || 'nothing'}`;
    });
  });
});
