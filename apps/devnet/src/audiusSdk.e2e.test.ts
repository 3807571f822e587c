// An unmodified @audius/sdk, from npm, pointed at a Coliving discovery node (issue 25): a local
// network (2 content nodes, 1 discovery node) with a small demo catalog, read back with Audius's
// own SDK as a third-party developer configures it (docs/api-v1.md, "Audius compatibility"):
// users, tracks, trending, search, albums and playlists, a stream fetched as audio bytes, its
// StorageNodeSelector picking one of our content nodes from our /health_check, and its
// developer-app lookup (an SDK given only an apiKey asks /v1/developer_apps/{address} for its
// name).
//
// The SDK is not a dependency of this repository: version 10.0.0 (the newest whose `engines`
// allows Node 20) installs 492 packages, 537 MB, in about a minute, with native install scripts
// (bufferutil, utf-8-validate, keccak, secp256k1, bigint-buffer, protobufjs) it does not need.
// So the test installs it once into the OS temp dir (`npm install --prefix`, scripts off) and
// reuses it. Without the npm registry and without that cache the test is skipped, saying so,
// except under CI=true, where it fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type ColivingSdk, createColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  DEMO_PASSWORD,
  type SeedDemoCatalogReturnType,
  seedDemoCatalog,
} from './seedDemoCatalog.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const execFileAsync = promisify(execFile);

/**
 * Runs npm outside this repository: in the temp dir, without the npm_* variables an `npm test`
 * or `npx` run sets (a workspace, a prefix) but with npm's cache, registry and user config.
 */
function npm(args: string[], timeout = 60_000) {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') continue;
    if (key.toLowerCase().startsWith('npm_') && !keep.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  return execFileAsync('npm', args, { cwd: tmpdir(), env, timeout, maxBuffer: 64 * 1024 * 1024 });
}
/** The newest @audius/sdk whose `engines` allows Node 20 (11.x and later want 22 or 24). */
const AUDIUS_SDK_VERSION = '10.0.0';
/** Where it is installed once and reused by later runs. */
const CACHE = join(tmpdir(), `coliving-audius-sdk-${AUDIUS_SDK_VERSION}`);
const INSTALLED = join(CACHE, 'node_modules/@audius/sdk/package.json');

/** The version installed in the cache, or undefined. */
async function cachedVersion(): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(INSTALLED, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Why the npm registry (npm's configured one) cannot be used, or undefined when it answers. */
async function registryUnreachable(): Promise<string | undefined> {
  const { stdout } = await npm(['config', 'get', 'registry']);
  const registry = stdout.trim();
  try {
    const res = await fetch(new URL('-/ping', registry), { signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
    return res.ok ? undefined : `the npm registry ${registry} answers ${res.status} to a ping`;
  } catch (failure) {
    const cause = (failure as { cause?: { code?: string; message?: string } }).cause;
    return `the npm registry ${registry} does not answer (${cause?.code ?? cause?.message ?? String(failure)})`;
  }
}

const cached = (await cachedVersion()) === AUDIUS_SDK_VERSION;
const unreachable = cached ? undefined : await registryUnreachable();
if (unreachable && process.env.CI === 'true')
  throw new Error(`${unreachable}; under CI=true the @audius/sdk test must run`);
if (unreachable) console.log(`# skipping the @audius/sdk test: ${unreachable}`);

/** Installs the SDK into CACHE (into a new dir first, so a broken install is never reused). */
async function installAudiusSdk(): Promise<void> {
  if (cached) return;
  const partial = `${CACHE}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    await npm(
      [
        'install',
        '--prefix',
        partial,
        `@audius/sdk@${AUDIUS_SDK_VERSION}`,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
      ],
      10 * 60_000,
    );
    await rm(CACHE, { recursive: true, force: true });
    await rename(partial, CACHE);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

// What this test uses of @audius/sdk 10.0.0's API (its models are camelCase; ids are hashids).
type Page<T> = Promise<{ data?: T }>;
type AudiusUser = { id: string; handle: string; name: string; trackCount: number };
type AudiusTrack = {
  id: string;
  title: string;
  genre: string;
  duration: number;
  permalink: string;
  user: { id: string; handle: string };
};
type AudiusPlaylist = { id: string; playlistName: string; isAlbum: boolean };
type NodeSelector = {
  getSelectedEndpoint(): Promise<string | null>;
  getServices(): Promise<{ endpoint: string; delegateOwnerWallet: string }[]>;
};
type StorageSelector = {
  getSelectedNode(forceReselect?: boolean): Promise<string | null | undefined>;
  getNodes(cid: string): string[];
};
type AudiusSdk = {
  users: {
    getUserByHandle(p: { handle: string }): Page<AudiusUser>;
    getUser(p: { id: string }): Page<AudiusUser>;
    getTracksByUser(p: { id: string }): Page<AudiusTrack[]>;
    getAlbumsByUser(p: { id: string }): Page<AudiusPlaylist[]>;
    searchUsers(p: { query: string }): Page<AudiusUser[]>;
  };
  tracks: {
    getTrack(p: { trackId: string }): Page<AudiusTrack>;
    getBulkTracks(p: { id: string[] }): Page<AudiusTrack[]>;
    getTrendingTracks(p: { time?: string }): Page<AudiusTrack[]>;
    searchTracks(p: { query: string }): Page<AudiusTrack[]>;
    getTrackStreamUrl(p: { trackId: string }): Promise<string>;
    streamTrack(p: { trackId: string; noRedirect: boolean }): Page<string>;
  };
  playlists: {
    getPlaylist(p: { playlistId: string }): Page<AudiusPlaylist[]>;
    getPlaylistTracks(p: { playlistId: string }): Page<AudiusTrack[]>;
  };
  developerApps: { getDeveloperApp(p: { address: string }): Page<{ name: string }> };
  full: {
    tracks: {
      getTrack(p: {
        trackId: string;
      }): Page<AudiusTrack & { user: { profilePictureCids: unknown } }>;
      getTrendingTracks(p: object): Page<AudiusTrack[]>;
    };
    users: {
      getUser(p: { id: string }): Page<AudiusUser[]>;
      getTracksByUser(p: { id: string }): Page<AudiusTrack[]>;
    };
    playlists: {
      getPlaylist(p: { playlistId: string }): Page<(AudiusPlaylist & { tracks: AudiusTrack[] })[]>;
    };
    search: {
      search(p: { query: string }): Page<{ users: AudiusUser[]; tracks: AudiusTrack[] }>;
    };
  };
};
type AudiusModule = {
  sdk(config: Record<string, unknown>): AudiusSdk;
  developmentConfig: { network: { apiEndpoint: string } };
  Logger: new (p: { logLevel: string }) => unknown;
  DiscoveryNodeSelector: new (p: Record<string, unknown>) => NodeSelector;
  StorageNodeSelector: new (p: Record<string, unknown>) => StorageSelector;
};

let dir: string;
let network: StartNetworkReturnType | undefined;
let seeded: SeedDemoCatalogReturnType;
let discovery: string;
let A: AudiusModule;
let audius: AudiusSdk;
let storageNodeSelector: StorageSelector;
/** Our own SDK, to tell what the catalog holds. */
let reader: ColivingSdk;
/** The demo landlord whose catalog is read. */
let landlord: { handle: string; id: string };

/** The third-party developer's setup: every service pointed at our discovery node. */
function audiusSdkFor(config: { appName?: string; apiKey?: string; apiSecret?: string }) {
  // 10.0.0 sends every API call to the environment's `apiEndpoint` (only 16.x, Node 24, takes
  // it as an option): the exported config object is the one place to set it.
  A.developmentConfig.network.apiEndpoint = discovery;
  const logger = new A.Logger({ logLevel: 'warn' });
  storageNodeSelector = new A.StorageNodeSelector({
    endpoint: discovery,
    bootstrapNodes: [],
    logger,
  });
  return A.sdk({
    ...config,
    environment: 'development',
    services: {
      logger,
      // Our node, as its one bootstrap node: the selector checks its /health_check, selects it
      // and learns the network's discovery nodes from it.
      discoveryNodeSelector: new A.DiscoveryNodeSelector({
        bootstrapServices: [{ endpoint: discovery }],
        // Without it the selector holds our version (0.1.0) against Audius mainnet's minimum
        // and warns, on every answer, that it is using a node that is behind.
        healthCheckThresholds: { minVersion: '0.0.0' },
        logger,
      }),
      storageNodeSelector,
    },
  });
}

const needsSdk = { skip: unreachable };

describe('an unmodified @audius/sdk against a Coliving network', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    if (unreachable) return;
    dir = await mkdtemp(join(tmpdir(), 'coliving-audius-sdk-'));
    const installed = installAudiusSdk();
    const started = (async () => {
      network = await startNetwork({
        dir: join(dir, 'devnet'),
        contentNodes: 2,
        discoveryNodes: 1,
      });
      discovery = network.discoveryNodes[0]!.endpoint;
      seeded = await seedDemoCatalog({
        discoveryNodes: [discovery],
        contentNodes: network.contentNodes.map((n) => n.endpoint),
        cacheDir: join(dir, 'cache'),
        scale: { landlords: 1, tracksPerLandlord: 2, residents: 1 },
      });
    })();
    const [settled] = await Promise.allSettled([started, installed]);
    await installed;
    if (settled.status === 'rejected') throw settled.reason;
    A = createRequire(INSTALLED)('@audius/sdk') as AudiusModule;
    reader = createColivingSdk({ discoveryNodes: [discovery] });
    const account = seeded.accounts.find((a) => a.role === 'landlord')!;
    landlord = { handle: account.handle, id: (await reader.users.byHandle(account.handle)).id };
    // Trending is recomputed every 10 s and the search index loads in the background: wait until
    // both answer the seeded catalog as our SDK reads it, so a busy machine does not fail the reads.
    const firstTitle = (await reader.tracks.get(seeded.trackIds[0]!)).title;
    for (let deadline = Date.now() + 120_000; ;) {
      const [trending, found] = await Promise.all([
        reader.tracks.trending({ time: 'week' }),
        reader.tracks.search({ query: firstTitle }),
      ]);
      if (trending.length > 0 && found.some((t) => t.id === seeded.trackIds[0])) break;
      if (Date.now() > deadline) throw new Error('trending or search never answered the catalog');
      await new Promise((r) => setTimeout(r, 500));
    }
    const secret = generatePrivateKey();
    audius = audiusSdkFor({
      appName: 'coliving-compat-test',
      apiKey: privateKeyToAccount(secret).address,
      apiSecret: secret,
    });
  });

  after(async () => {
    await network?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    // The Audius SDK keeps handles open that it offers no way to close (its node selectors'
    // background work), so this file's process would never end: once everything here is
    // stopped and reported, it ends anyway (an unref'd timer keeps nothing alive itself).
    setTimeout(() => process.exit(), 10_000).unref();
  });

  it(
    'reads users, tracks, trending, search and albums with the demo catalog’s values',
    needsSdk,
    async () => {
      const user = (await audius.users.getUserByHandle({ handle: landlord.handle })).data!;
      assert.equal(user.id, landlord.id);
      assert.equal(user.handle, landlord.handle);
      const ours = await reader.users.get(landlord.id);
      assert.equal(user.name, ours.name);
      assert.equal((await audius.users.getUser({ id: user.id })).data!.handle, landlord.handle);

      const tracks = (await audius.users.getTracksByUser({ id: user.id })).data!;
      const seededTitles = await Promise.all(
        seeded.trackIds.map(async (id) => (await reader.tracks.get(id)).title),
      );
      assert.deepEqual(tracks.map((t) => t.title).sort(), [...seededTitles].sort());
      assert.equal(user.trackCount, seeded.trackIds.length);

      const first = tracks[0]!;
      const track = (await audius.tracks.getTrack({ trackId: first.id })).data!;
      assert.equal(track.title, first.title);
      assert.equal(track.user.handle, landlord.handle);
      assert.equal(track.genre, (await reader.tracks.get(first.id)).genre);
      assert.ok(track.duration > 0);
      assert.deepEqual(
        (await audius.tracks.getBulkTracks({ id: seeded.trackIds })).data!.map((t) => t.id).sort(),
        [...seeded.trackIds].sort(),
      );

      // Trending as our SDK reads it (recomputed every 10 s on a devnet: read again on a change).
      const ids = (list: { id: string }[]) => list.map((t) => t.id).sort();
      let trending: string[] = [];
      let expected: string[] = [];
      for (let i = 0; i < 3; i++) {
        expected = ids(await reader.tracks.trending({ time: 'week' }));
        trending = ids((await audius.tracks.getTrendingTracks({ time: 'week' })).data!);
        if (trending.join() === expected.join()) break;
      }
      assert.ok(trending.length > 0);
      assert.deepEqual(trending, expected);

      const found = (await audius.tracks.searchTracks({ query: first.title })).data!;
      assert.ok(
        found.some((t) => t.id === first.id),
        `search for "${first.title}"`,
      );
      const people = (await audius.users.searchUsers({ query: landlord.handle })).data!;
      assert.ok(people.some((u) => u.id === landlord.id));
    },
  );

  it(
    'reads the full models: a track, a user’s tracks, trending, a playlist, search',
    needsSdk,
    async () => {
      const trackId = seeded.trackIds[0]!;
      const track = (await audius.full.tracks.getTrack({ trackId })).data!;
      assert.equal(track.title, (await reader.tracks.get(trackId)).title);
      assert.equal(track.user.handle, landlord.handle);
      assert.ok(track.user.profilePictureCids, 'the owner is a UserFull');
      assert.deepEqual(
        (await audius.full.users.getTracksByUser({ id: landlord.id }))
          .data!.map((t) => t.id)
          .sort(),
        [...seeded.trackIds].sort(),
      );
      const trending = (await audius.full.tracks.getTrendingTracks({})).data!;
      assert.ok(trending.length > 0 && trending.every((t) => seeded.trackIds.includes(t.id)));
      const album = seeded.playlistIds[0]!;
      const [full] = (await audius.full.playlists.getPlaylist({ playlistId: album })).data!;
      assert.equal(full!.playlistName, (await reader.playlists.get(album)).playlist_name);
      assert.deepEqual(
        full!.tracks.map((t) => t.id),
        (await reader.playlists.tracks(album)).map((t) => t.id),
      );
      const found = (await audius.full.search.search({ query: landlord.handle })).data!;
      assert.ok(found.users.some((u) => u.id === landlord.id));
    },
  );

  it(
    'reads a full user by id (Audius answers it as a list of one, and so do we)',
    needsSdk,
    async () => {
      const [user] = (await audius.full.users.getUser({ id: landlord.id })).data!;
      assert.equal(user!.handle, landlord.handle);
    },
  );

  it('reads an album and its tracks', needsSdk, async () => {
    const albums = (await audius.users.getAlbumsByUser({ id: landlord.id })).data!;
    assert.equal(albums.length, 1);
    const album = albums[0]!;
    assert.ok(seeded.playlistIds.includes(album.id));
    const [got] = (await audius.playlists.getPlaylist({ playlistId: album.id })).data!;
    assert.equal(got!.playlistName, (await reader.playlists.get(album.id)).playlist_name);
    assert.equal(got!.isAlbum, true);
    const inIt = (await audius.playlists.getPlaylistTracks({ playlistId: album.id })).data!;
    assert.deepEqual(
      inIt.map((t) => t.id),
      (await reader.playlists.tracks(album.id)).map((t) => t.id),
    );
  });

  it(
    'streams: the stream URL redirects to audio bytes; no_redirect answers the URL',
    needsSdk,
    async () => {
      const trackId = seeded.trackIds[0]!;
      const url = await audius.tracks.getTrackStreamUrl({ trackId });
      assert.equal(url, `${discovery}/v1/tracks/${trackId}/stream`);
      const res = await fetch(url, { headers: { Range: 'bytes=0-' } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.ok([200, 206].includes(res.status), `status ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /^audio\//);
      assert.ok(bytes.length > 10_000, `${bytes.length} bytes`);
      const contentNodes = network!.contentNodes.map((n) => n.endpoint);
      assert.ok(contentNodes.includes(new URL(res.url).origin), res.url);

      const { data: direct } = await audius.tracks.streamTrack({ trackId, noRedirect: true });
      assert.ok(contentNodes.includes(new URL(direct!).origin), direct);
      const again = await fetch(direct!);
      assert.equal(again.status, 200);
      assert.equal(Buffer.compare(Buffer.from(await again.arrayBuffer()), Buffer.from(bytes)), 0);
    },
  );

  it(
    'its DiscoveryNodeSelector selects our node and learns the discovery nodes from it',
    needsSdk,
    async () => {
      const selector = new A.DiscoveryNodeSelector({
        bootstrapServices: [{ endpoint: discovery }],
        healthCheckThresholds: { minVersion: '0.0.0' },
        logger: new A.Logger({ logLevel: 'error' }),
      });
      assert.equal(await selector.getSelectedEndpoint(), discovery);
      // The list comes from our /health_check's discovery_nodes_with_owner, not Audius mainnet's.
      const node = network!.discoveryNodes[0]!;
      assert.deepEqual(
        (await selector.getServices()).map((s) => [s.endpoint, s.delegateOwnerWallet]),
        [[discovery, node.delegateWallet.toLowerCase()]],
      );
    },
  );

  it(
    'its StorageNodeSelector picks one of our content nodes from our /health_check',
    needsSdk,
    async () => {
      const contentNodes = network!.contentNodes.map((n) => n.endpoint.toLowerCase());
      // The selector reads /health_check from its constructor without being awaited: wait for it.
      for (let i = 0; storageNodeSelector.getNodes('x').length === 0; i++) {
        assert.ok(i < 200, 'the selector never listed the content nodes');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(storageNodeSelector.getNodes('some-cid').sort(), [...contentNodes].sort());
      const selected = await storageNodeSelector.getSelectedNode();
      assert.ok(selected && contentNodes.includes(selected), `selected ${selected}`);
      const next = await storageNodeSelector.getSelectedNode(true);
      assert.ok(next && contentNodes.includes(next) && next !== selected, `then ${next}`);
    },
  );

  it(
    'an SDK given only an app’s apiKey looks its name up at /v1/developer_apps',
    needsSdk,
    async () => {
      const owner = createColivingSdk({ discoveryNodes: [discovery], pollIntervalMs: 100 });
      const account = seeded.accounts.find((a) => a.handle === landlord.handle)!;
      await owner.auth.logIn({ email: account.email, password: DEMO_PASSWORD });
      const { apiKey, apiSecret } = await owner.developerApps.create({
        userId: landlord.id,
        name: 'Audius-built player',
      });
      const app = audiusSdkFor({ apiKey, apiSecret });
      assert.equal(
        (await app.developerApps.getDeveloperApp({ address: apiKey })).data!.name,
        'Audius-built player',
      );
      // Every read it makes first asks for the app's name (its app-info middleware), then reads.
      assert.equal((await app.users.getUser({ id: landlord.id })).data!.handle, landlord.handle);
    },
  );
});
