// The SDK's network behaviour against stand-in nodes (testing/fakeNodes.ts) on loopback: node
// selection and failover, signed writes through the relay, uploads, and Hedgehog login.
// One file over the ~500-line guideline on purpose: every part starts its stand-in network with
// the same helpers (network, withUser, rejectsWith) and closes it after each test, and read
// together they are the SDK's one walk through a network.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import {
  decodeHashId,
  parseRelayRequest,
  placementFor,
  rankNodes,
  recoverManageEntitySigner,
} from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createColivingSdk } from './createColivingSdk.js';
import { ColivingSdkError } from './errors.js';
import { lookupKeyOf } from './hedgehog.js';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  fakeUploadReceipt,
  startFakeContentNode,
  startFakeDiscoveryNode,
} from './testing/fakeNodes.js';
import type { UploadProgressEvent } from './upload.js';

const open: FakeNode[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((node) => node.close()));
});
after(async () => {
  await Promise.all(open.map((node) => node.close()));
});

async function discoveryNode(...args: Parameters<typeof startFakeDiscoveryNode>) {
  const node = await startFakeDiscoveryNode(...args);
  open.push(node);
  return node;
}

async function contentNode(...args: Parameters<typeof startFakeContentNode>) {
  const node = await startFakeContentNode(...args);
  open.push(node);
  return node;
}

function sdkOn(endpoints: string[], account = privateKeyToAccount(generatePrivateKey())) {
  return createColivingSdk({ discoveryNodes: endpoints, account, pollIntervalMs: 5 });
}

/** Expects `promise` to reject with a ColivingSdkError of `type` (and `code`, when given). */
async function rejectsWith(promise: Promise<unknown>, type: string, code?: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ColivingSdkError, `not a ColivingSdkError: ${String(error)}`);
    assert.equal(error.type, type, error.message);
    if (code !== undefined) assert.equal(error.code, code, error.message);
    return true;
  });
}

/** A network of one chain, `discovery` discovery nodes and `content` content nodes. */
async function network(discovery = 2, content = 3, chain: FakeChain = createFakeChain()) {
  const contentNodes: Awaited<ReturnType<typeof startFakeContentNode>>[] = [];
  // Content nodes take uploads only from the wallet of a user on the chain, as real ones do.
  for (let i = 0; i < content; i++) contentNodes.push(await contentNode({ chain }));
  const discoveryNodes: FakeNode[] = [];
  for (let i = 0; i < discovery; i++) {
    discoveryNodes.push(
      await discoveryNode({
        chain,
        contentNodes: () => contentNodes.map((n) => n.endpoint),
        discoveryNodes: () => discoveryNodes.map((n) => n.endpoint),
      }),
    );
  }
  return { chain, contentNodes, discoveryNodes, endpoints: discoveryNodes.map((n) => n.endpoint) };
}

/** An SDK with an account and its user, created through the relay. */
async function withUser(endpoints: string[], handle: string) {
  const sdk = sdkOn(endpoints);
  const { userId } = await sdk.users.create({ handle, name: handle.toUpperCase() });
  return { sdk, userId };
}

describe('discovery node selection', () => {
  it('picks a healthy node close to the chain head and learns the others', async () => {
    const chain = createFakeChain();
    const learned = await discoveryNode({ chain });
    const behind = await discoveryNode({ chain, blockDifference: 100 });
    const unhealthy = await discoveryNode({ chain, healthy: false });
    const good = await discoveryNode({
      chain,
      discoveryNodes: () => [good.endpoint, `${learned.endpoint}/`],
    });
    const sdk = sdkOn([behind.endpoint, unhealthy.endpoint, good.endpoint]);
    assert.equal(await sdk.discovery.current(), good.endpoint);
    assert.deepEqual(sdk.discovery.endpoints(), [
      behind.endpoint,
      unhealthy.endpoint,
      good.endpoint,
      learned.endpoint,
    ]);
    assert.deepEqual(await sdk.discovery.chain(), {
      chainId: chain.chainId,
      verifyingContract: chain.entityManager,
    });
    // A node 15 blocks behind is still fine by default; a stricter app passes it over.
    const fifteen = await discoveryNode({ chain, blockDifference: 15 });
    assert.equal(await sdkOn([fifteen.endpoint]).discovery.current(), fifteen.endpoint);
    await rejectsWith(
      createColivingSdk({
        discoveryNodes: [fifteen.endpoint],
        maxBlockDifference: 5,
      }).discovery.current(),
      'no_healthy_node',
    );
  });

  it('carries on through another node when its node dies, and says so when none is left', async () => {
    const { chain, discoveryNodes, endpoints } = await network(2, 0);
    chain.tracks.set(7, {
      owner: 1,
      data: { title: 'T', genre: 'Ambient' },
      deleted: false,
      updated: 1,
    });
    chain.users.set(1, {
      wallet: '0x1',
      data: { handle: 'a', name: 'A' },
      deactivated: false,
      updated: 1,
    });
    const sdk = sdkOn(endpoints);
    const first = await sdk.discovery.current();
    assert.equal((await sdk.tracks.get('7')).title, 'T');
    await discoveryNodes.find((n) => n.endpoint === first)!.close();
    assert.equal((await sdk.tracks.get('7')).title, 'T');
    const second = await sdk.discovery.current();
    assert.notEqual(second, first);
    await discoveryNodes.find((n) => n.endpoint === second)!.close();
    // Never a raw fetch TypeError.
    await rejectsWith(sdk.tracks.get('7'), 'no_healthy_node');
  });

  it('fails over on a 5xx answer and reports it when every node fails', async () => {
    const chain = createFakeChain();
    chain.users.set(1, {
      wallet: '0x1',
      data: { handle: 'a', name: 'A' },
      deactivated: false,
      updated: 1,
    });
    const broken = await discoveryNode({ chain, failReads: true, discoveryNodes: () => [] });
    const fine = await discoveryNode({ chain, discoveryNodes: () => [] });
    const sdk = sdkOn([broken.endpoint]);
    await rejectsWith(sdk.users.get('1'), 'server', 'internal_error');
    const both = sdkOn([broken.endpoint, fine.endpoint]);
    for (let i = 0; i < 3; i++) assert.equal((await both.users.get('1')).handle, 'a');
  });

  it("gives the node's error type and code, never a raw one", async () => {
    const { endpoints } = await network(1, 0);
    const sdk = sdkOn(endpoints);
    await rejectsWith(sdk.tracks.get('7eP5n'), 'not_found', 'track_not_found');
    // An id that cannot name anything is not found either.
    await rejectsWith(sdk.tracks.get('zzzzzzzz'), 'not_found', 'invalid_id');
    await rejectsWith(sdk.playlists.get('7eP5n'), 'not_found', 'playlist_not_found');
    await rejectsWith(sdk.users.byHandle('nobody'), 'not_found', 'user_not_found');
    await rejectsWith(
      sdk.users.byWallet('0x9858EfFD232B4033E47d90003D41EC34EcaEda94'),
      'not_found',
      'user_not_found',
    );
    const dead = await discoveryNode({ chain: createFakeChain() });
    await dead.close();
    await rejectsWith(sdkOn([dead.endpoint]).discovery.current(), 'no_healthy_node');
    assert.throws(() => createColivingSdk({ discoveryNodes: [] }), ColivingSdkError);
  });
});

describe('writes through the relay', () => {
  it('creates a user with pictures: the User Create first, then the uploads and a User Update', async () => {
    // Content nodes refuse uploads from a wallet with no user (docs/design.md §7), so pictures
    // chosen at sign-up are uploaded once the user exists, and set by an update.
    const { chain, endpoints, contentNodes } = await network();
    const account = privateKeyToAccount(generatePrivateKey());
    const sdk = sdkOn(endpoints, account);
    const picture = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { userId, user } = await sdk.users.create({
      handle: 'pictured',
      name: 'Pictured',
      profilePicture: picture,
    });
    const messages = chain.relayed.map((r) => parseRelayRequest(r).message);
    assert.deepEqual(
      messages.map((m) => m.action),
      ['Create', 'Update'],
    );
    const [create, update] = messages as [(typeof messages)[0], (typeof messages)[0]];
    const dataOf = (m: typeof create) =>
      (JSON.parse(m.metadata) as { data: Record<string, unknown> }).data;
    assert.deepEqual(dataOf(create), { handle: 'pictured', name: 'Pictured' });
    assert.equal(update.entityId, BigInt(decodeHashId(userId)));
    const uploaded = contentNodes.flatMap((n) => n.uploads);
    assert.equal(uploaded.length, 1);
    assert.equal(uploaded[0]?.wallet, account.address);
    assert.equal(typeof dataOf(update).profile_picture_sizes, 'string');
    assert.ok(user.profile_picture, 'the user answered has the picture');
  });

  it('creates a user signed for the chain the node reports, and reads it back', async () => {
    const { chain, endpoints } = await network();
    const account = privateKeyToAccount(generatePrivateKey());
    const sdk = sdkOn(endpoints, account);
    const statuses: string[] = [];
    const { userId, user } = await sdk.users.create({
      handle: 'nightowl',
      name: 'Night Owl',
      bio: 'Synth chords',
      onStatus: (s) => statuses.push(s),
    });
    assert.deepEqual(statuses, ['signing', 'relaying', 'indexing']);
    assert.equal(user.handle, 'nightowl');
    assert.equal(user.id, userId);
    assert.equal(user.wallet, account.address);
    const { message, signature } = parseRelayRequest(chain.relayed[0]);
    assert.equal(message.entityType, 'User');
    assert.equal(message.action, 'Create');
    assert.equal(message.userId, BigInt(decodeHashId(userId)));
    assert.equal(message.entityId, message.userId);
    assert.deepEqual(JSON.parse(message.metadata), {
      cid: '',
      data: { handle: 'nightowl', name: 'Night Owl', bio: 'Synth chords' },
    });
    assert.equal(
      await recoverManageEntitySigner({
        chainId: chain.chainId,
        verifyingContract: chain.entityManager,
        message,
        signature,
      }),
      account.address,
    );

    // A taken handle is refused before anything is signed.
    await rejectsWith(
      sdkOn(endpoints).users.create({ handle: 'NightOwl', name: 'X' }),
      'conflict',
      'handle_taken',
    );
    assert.equal(chain.relayed.length, 1);
    // Bad metadata too, with the schema's reason.
    await rejectsWith(
      sdkOn(endpoints).users.create({ handle: 'ok', name: ' ' }),
      'invalid_input',
      'invalid_metadata',
    );
    // Writes need an account.
    await rejectsWith(
      createColivingSdk({ discoveryNodes: endpoints }).users.follow(userId, userId),
      'unauthorized',
      'account_required',
    );
  });

  it('relays through another node when one cannot, without sending an action twice', async () => {
    const chain = createFakeChain();
    // Each SDK is given only the failing node and learns the other from its health check.
    const fine = await discoveryNode({ chain });
    const noGas = await discoveryNode({
      chain,
      relayDisabled: true,
      discoveryNodes: () => [noGas.endpoint, fine.endpoint],
    });
    const sdk = sdkOn([noGas.endpoint]);
    assert.equal(await sdk.discovery.current(), noGas.endpoint);
    const { user } = await sdk.users.create({ handle: 'relayed', name: 'Relayed' });
    assert.equal(user.handle, 'relayed');
    assert.equal(chain.relayed.length, 1);
    assert.equal(await sdk.discovery.current(), fine.endpoint);

    // A node that submits and then fails: the copy sent to the next node is refused as a used
    // nonce, and the SDK finds the action indexed all the same.
    const crashy = await discoveryNode({
      chain,
      failAfterRelay: true,
      discoveryNodes: () => [crashy.endpoint, fine.endpoint],
    });
    const again = sdkOn([crashy.endpoint]);
    assert.equal(await again.discovery.current(), crashy.endpoint);
    const { user: second } = await again.users.create({ handle: 'twice', name: 'Twice' });
    assert.equal(second.handle, 'twice');
    assert.equal(chain.relayed.length, 2, 'the action went on chain once');
  });

  it('stops at once when the caller aborts', async () => {
    const { chain, endpoints } = await network();
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(
      sdkOn(endpoints).users.create({ handle: 'never', name: 'Never', signal: controller.signal }),
      'aborted',
    );
    assert.equal(chain.relayed.length, 0);
  });

  it('reports an action the indexer skipped as rejected', async () => {
    const { chain, endpoints } = await network();
    chain.skipNext = true;
    await rejectsWith(
      sdkOn(endpoints).users.create({ handle: 'ghost', name: 'Ghost' }),
      'rejected',
      'not_applied',
    );
  });

  it('follows, saves and reposts, answering the target as the user now sees it', async () => {
    const { chain, endpoints } = await network();
    const landlord = await withUser(endpoints, 'landlord');
    const fan = await withUser(endpoints, 'fan');
    const followed = await fan.sdk.users.follow(fan.userId, landlord.userId);
    assert.equal(followed.does_current_user_follow, true);
    assert.equal(followed.follower_count, 1);
    const unfollowed = await fan.sdk.users.unfollow(fan.userId, landlord.userId);
    assert.equal(unfollowed.follower_count, 0);

    const { trackId } = await landlord.sdk.tracks.create({
      userId: landlord.userId,
      metadata: {
        title: 'Dawn',
        genre: 'Ambient',
        trackCid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
        duration: 61,
        uploadReceipt: await fakeUploadReceipt({
          uploader: landlord.sdk.account!.address,
          cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
          durationSeconds: 61,
        }),
      },
    });
    const reposted = await fan.sdk.tracks.repost(fan.userId, trackId);
    assert.equal(reposted.has_current_user_reposted, true);
    assert.equal(reposted.repost_count, 1);
    assert.equal((await fan.sdk.tracks.save(fan.userId, trackId)).has_current_user_saved, true);
    assert.equal((await fan.sdk.tracks.unsave(fan.userId, trackId)).has_current_user_saved, false);

    const updated = await landlord.sdk.tracks.update(landlord.userId, trackId, { title: 'Dusk' });
    assert.equal(updated.title, 'Dusk');
    // Only the owner may: refused before signing.
    const before = chain.relayed.length;
    await rejectsWith(
      fan.sdk.tracks.update(fan.userId, trackId, { title: 'Mine' }),
      'forbidden',
      'not_owner',
    );
    assert.equal(chain.relayed.length, before);

    const { playlistId, playlist } = await landlord.sdk.playlists.create({
      userId: landlord.userId,
      name: 'Late',
      isAlbum: true,
    });
    assert.equal(playlist.is_album, true);
    const added = await landlord.sdk.playlists.addTrack(landlord.userId, playlistId, trackId);
    assert.deepEqual(
      added.playlist_contents.map((e) => e.track_id),
      [trackId],
    );
    assert.equal(
      (await fan.sdk.playlists.repost(fan.userId, playlistId)).has_current_user_reposted,
      true,
    );
    const emptied = await landlord.sdk.playlists.removeTrack(landlord.userId, playlistId, trackId);
    assert.deepEqual(emptied.playlist_contents, []);
    // An album holds only its owner's tracks: the fan's album of the landlord's track, or a
    // playlist of it made an album, is refused before signing.
    const relayed = chain.relayed.length;
    await rejectsWith(
      fan.sdk.playlists.create({
        userId: fan.userId,
        name: 'Not mine',
        isAlbum: true,
        trackIds: [trackId],
      }),
      'forbidden',
      'album_foreign_track',
    );
    const { playlistId: mix } = await fan.sdk.playlists.create({
      userId: fan.userId,
      name: 'Mix',
      trackIds: [trackId],
    });
    await rejectsWith(
      fan.sdk.playlists.update(fan.userId, mix, { isAlbum: true }),
      'forbidden',
      'album_foreign_track',
    );
    assert.equal(chain.relayed.length, relayed + 1);

    await landlord.sdk.tracks.remove(landlord.userId, trackId);
    await rejectsWith(fan.sdk.tracks.get(trackId), 'not_found');
    await landlord.sdk.playlists.remove(landlord.userId, playlistId);
    await rejectsWith(fan.sdk.playlists.get(playlistId), 'not_found');
  });

  it('resolves permalinks and signs the listener into stream URLs', async () => {
    const { endpoints } = await network();
    const landlord = await withUser(endpoints, 'landlord');
    const { trackId, track } = await landlord.sdk.tracks.create({
      userId: landlord.userId,
      metadata: {
        title: 'Dawn',
        genre: 'Ambient',
        trackCid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
        duration: 61,
        uploadReceipt: await fakeUploadReceipt({
          uploader: landlord.sdk.account!.address,
          cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
          durationSeconds: 61,
        }),
      },
    });
    const user = await landlord.sdk.resolve('https://coliving.example/landlord');
    assert.equal(user.kind, 'user');
    assert.equal(user.id, landlord.userId);
    const resolved = await landlord.sdk.resolve(track.permalink);
    assert.equal(resolved.kind, 'track');
    assert.equal(resolved.id, trackId);
    await rejectsWith(landlord.sdk.resolve('/nobody'), 'not_found', 'permalink_not_found');
    // A private playlist resolves for its owner only: with userId, read as they see it.
    const { playlistId, playlist } = await landlord.sdk.playlists.create({
      userId: landlord.userId,
      name: 'Secret',
      isPrivate: true,
    });
    await rejectsWith(landlord.sdk.resolve(playlist.permalink), 'not_found', 'permalink_not_found');
    const own = await landlord.sdk.resolve(playlist.permalink, { userId: landlord.userId });
    assert.equal(own.kind, 'playlist');
    assert.equal(own.id, playlistId);
    assert.equal(own.kind === 'playlist' && own.item.is_private, true);

    const url = await landlord.sdk.tracks.streamUrl(trackId, { userId: landlord.userId });
    assert.equal(
      new URL(url).searchParams.get('listener'),
      landlord.sdk.account!.address,
      'user_data signed by the account',
    );
    const anonymous = await sdkOn(endpoints).tracks.streamUrl(trackId);
    assert.equal(new URL(anonymous).searchParams.get('listener'), '');
  });
});

describe('download URLs', () => {
  it('signs the user into a download URL and says why a download is refused', async () => {
    const { endpoints } = await network(1, 0);
    const landlord = await withUser(endpoints, 'landlord');
    const cid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    const create = async (title: string, metadata: Record<string, unknown>) =>
      (
        await landlord.sdk.tracks.create({
          userId: landlord.userId,
          metadata: {
            title,
            genre: 'Ambient',
            trackCid: cid,
            duration: 61,
            uploadReceipt: await fakeUploadReceipt({
              uploader: landlord.sdk.account!.address,
              cid,
              durationSeconds: 61,
            }),
            ...metadata,
          },
        })
      ).trackId;
    const open = await create('Open', { isDownloadable: true, origFilename: 'Open Master.wav' });
    const closed = await create('Closed', {});
    const sold = await create('Sold', {
      isDownloadable: true,
      downloadConditions: { purchase: { price: '1' } },
    });

    const url = new URL(await landlord.sdk.tracks.downloadUrl(open, { userId: landlord.userId }));
    assert.equal(url.searchParams.get('listener'), landlord.sdk.account!.address);
    assert.equal(url.searchParams.get('filename'), 'Open Master.wav');
    const named = new URL(await sdkOn(endpoints).tracks.downloadUrl(open, { filename: 'a.wav' }));
    assert.equal(named.searchParams.get('listener'), '');
    assert.equal(named.searchParams.get('filename'), 'a.wav');

    await rejectsWith(sdkOn(endpoints).tracks.downloadUrl(closed), 'forbidden', 'not_downloadable');
    await rejectsWith(sdkOn(endpoints).tracks.downloadUrl(sold), 'forbidden', 'download_gated');
    const owner = await landlord.sdk.tracks.downloadUrl(sold, { userId: landlord.userId });
    assert.ok(owner.includes('/tracks/cidstream/'));
  });
});

describe('stream sources and waveforms', () => {
  it('lists the signed URL first, then the same signed path on the other holders', async () => {
    const { endpoints, contentNodes } = await network(1, 5);
    const landlord = await withUser(endpoints, 'mirrored');
    const trackCid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    const { trackId } = await landlord.sdk.tracks.create({
      userId: landlord.userId,
      metadata: {
        title: 'Echoes',
        genre: 'Ambient',
        trackCid,
        duration: 90,
        uploadReceipt: await fakeUploadReceipt({
          uploader: landlord.sdk.account!.address,
          cid: trackCid,
          durationSeconds: 90,
        }),
      },
    });
    const sources = await landlord.sdk.tracks.streamSources(trackId);
    const signed = new URL(sources[0]!);
    const holders = rankNodes(
      contentNodes.map((n) => n.endpoint),
      trackCid,
    ).slice(0, 3);
    assert.deepEqual(
      sources.slice(1),
      holders.map((h) => `${h}${signed.pathname}${signed.search}`),
      'the top 3 of the placement, each with the same signed path and query',
    );
    assert.equal(signed.pathname, `/tracks/cidstream/${trackCid}`);
  });

  it('reads the peaks from the first holder that answers, and says when there are none', async () => {
    const peaks = [0, 0.25, 1, 0.5];
    const servers = await Promise.all(
      [500, 200].map(
        (status) =>
          new Promise<{ url: string; close(): void }>((resolve) => {
            const server = createServer((request, response) => {
              response.writeHead(status, { 'content-type': 'application/json' });
              response.end(status === 200 ? JSON.stringify({ version: 1, peaks }) : '{}');
            });
            server.listen(0, '127.0.0.1', () => {
              const { port } = server.address() as AddressInfo;
              resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
            });
          }),
      ),
    );
    try {
      const [failing, serving] = [servers[0]!, servers[1]!];
      const sdk = sdkOn(['http://127.0.0.1:9']);
      const waveform = { url: `${failing.url}/content/bafypeaks`, mirrors: [serving.url] };
      assert.deepEqual(await sdk.tracks.waveform({ id: 'x', waveform }), peaks);
      await assert.rejects(
        sdk.tracks.waveform({ id: 'x', waveform: { url: null, mirrors: [] } }),
        (error: ColivingSdkError) => error.type === 'not_found' && error.code === 'no_waveform',
      );
      await assert.rejects(
        sdk.tracks.waveform({
          id: 'x',
          waveform: { url: `${failing.url}/content/c`, mirrors: [] },
        }),
        (error: ColivingSdkError) => error.code === 'waveform_unavailable',
      );
    } finally {
      for (const server of servers) server.close();
    }
  });
});

describe('uploads', () => {
  const audio = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256);
  const artwork = new Blob([Uint8Array.from({ length: 5_000 }, (_, i) => i % 256)], {
    type: 'image/png',
  });

  it('streams the file with progress, waits for the transcode and publishes the results', async () => {
    const { chain, contentNodes, endpoints } = await network();
    const { sdk, userId } = await withUser(endpoints, 'landlord');
    const events: UploadProgressEvent[] = [];
    const { trackId, track } = await sdk.tracks.upload({
      userId,
      file: audio,
      fileName: 'dawn.wav',
      artwork,
      metadata: { title: 'Dawn', genre: 'Ambient', mood: 'Peaceful', previewStartSeconds: 30 },
      onProgress: (e) => events.push(e),
    });
    assert.equal(track.title, 'Dawn');
    assert.deepEqual([...new Set(events.map((e) => e.stage))], ['upload', 'transcode', 'publish']);
    const sent = events.filter((e) => e.stage === 'upload');
    assert.ok(sent.length >= 4, 'several progress events');
    assert.equal(sent.at(-1)!.loaded, sent.at(-1)!.total);
    assert.ok(sent.at(-1)!.total! > audio.length);
    assert.deepEqual(
      events.filter((e) => e.stage === 'transcode').map((e) => e.status),
      ['busy', 'done'],
    );

    // The audio went to the first node of the wallet's rendezvous ranking, signed by the wallet.
    const account = sdk.account!;
    const first = placementFor(
      contentNodes.map((n) => n.endpoint),
      account.address,
      1,
    )[0];
    const node = contentNodes.find((n) => n.endpoint === first)!;
    const [upload, image] = node.uploads;
    assert.equal(upload!.wallet, account.address);
    assert.deepEqual(upload!.fields, [
      ['template', 'audio'],
      ['previewStartSeconds', '30'],
    ]);
    assert.equal(upload!.fileName, 'dawn.wav');
    assert.deepEqual(upload!.bytes, audio);
    assert.deepEqual(image!.fields, [['template', 'img_square']]);

    // The track names the job's results.
    const metadata = chain.tracks.get(decodeHashId(trackId))!.data;
    const job = node.requests.filter((r) => r.startsWith('GET /uploads/'));
    assert.ok(job.length >= 2, 'the job was polled until done');
    assert.equal(metadata.duration, 12.345);
    assert.equal(metadata.orig_filename, 'dawn.wav');
    assert.equal(metadata.mood, 'Peaceful');
    assert.equal(metadata.preview_start_seconds, 30);
    for (const key of [
      'track_cid',
      'preview_cid',
      'orig_file_cid',
      'waveform_cid',
      'cover_art_sizes',
    ])
      assert.match(String(metadata[key]), /^bafkrei/, key);
    assert.notEqual(metadata.track_cid, metadata.orig_file_cid);
  });

  it('rejects a failed transcode as transcode_failed and publishes nothing', async () => {
    const chain = createFakeChain();
    const failing = await contentNode({ failTranscode: true });
    const dn = await discoveryNode({ chain, contentNodes: () => [failing.endpoint] });
    const { sdk, userId } = await withUser([dn.endpoint], 'landlord');
    const relayed = chain.relayed.length;
    await rejectsWith(
      sdk.tracks.upload({ userId, file: audio, metadata: { title: 'Broken', genre: 'Ambient' } }),
      'transcode_failed',
    );
    assert.equal(chain.relayed.length, relayed);
    assert.equal(chain.tracks.size, 0);
  });

  it('checks the metadata and the owner before sending a byte', async () => {
    const { contentNodes, endpoints } = await network();
    const { sdk, userId } = await withUser(endpoints, 'landlord');
    await rejectsWith(
      sdk.tracks.upload({ userId, file: audio, metadata: { title: 'X', genre: 'Polka' } }),
      'invalid_input',
      'invalid_metadata',
    );
    await rejectsWith(
      sdkOn(endpoints).tracks.upload({
        userId,
        file: audio,
        metadata: { title: 'X', genre: 'Ambient' },
      }),
      'forbidden',
      'not_owner',
    );
    assert.equal(contentNodes.flatMap((n) => n.uploads).length, 0);
  });

  it('skips content nodes that are down', async () => {
    const chain = createFakeChain();
    const nodes = [await contentNode(), await contentNode(), await contentNode({ healthy: false })];
    const dn = await discoveryNode({ chain, contentNodes: () => nodes.map((n) => n.endpoint) });
    const { sdk, userId } = await withUser([dn.endpoint], 'landlord');
    const ranked = placementFor(
      nodes.map((n) => n.endpoint),
      sdk.account!.address,
      3,
    );
    // The wallet's first choice is down (closed or unhealthy); the next healthy one takes it.
    const firstChoice = nodes.find((n) => n.endpoint === ranked[0])!;
    if (firstChoice !== nodes[2]) await firstChoice.close();
    await sdk.tracks.upload({ userId, file: audio, metadata: { title: 'Dawn', genre: 'Ambient' } });
    const took = nodes.filter((n) => n.uploads.length > 0);
    assert.equal(took.length, 1);
    assert.equal(
      took[0]!.endpoint,
      ranked.find((e) => e !== firstChoice.endpoint && e !== nodes[2]!.endpoint),
    );
  });
});

describe('Hedgehog login', () => {
  const email = 'Landlord@Example.org';
  const password = 'correct horse battery staple';

  it('signs up, logs in elsewhere to the same wallet, refuses a wrong password', async () => {
    const { contentNodes, endpoints } = await network(1, 4);
    const first = createColivingSdk({ discoveryNodes: endpoints });
    const signedUp = await first.auth.signUp({ email, password });
    assert.equal(first.account, signedUp.account);
    assert.equal(privateKeyToAccount(signedUp.privateKey).address, signedUp.wallet);

    // The record went to the top 3 of the lookup key's ranking, and only there.
    const lookupKey = await lookupKeyOf(email, password);
    const holders = placementFor(
      contentNodes.map((n) => n.endpoint),
      lookupKey,
      3,
    );
    assert.deepEqual(
      contentNodes
        .filter((n) => n.authWrites.includes(lookupKey))
        .map((n) => n.endpoint)
        .sort(),
      [...holders].sort(),
    );

    const device = createColivingSdk({ discoveryNodes: endpoints });
    const loggedIn = await device.auth.logIn({ email: email.toLowerCase(), password });
    assert.equal(loggedIn.wallet, signedUp.wallet);
    assert.equal(device.account?.address, signedUp.wallet);
    await rejectsWith(device.auth.logIn({ email, password: 'wrong horse' }), 'wrong_credentials');
    await rejectsWith(device.auth.signUp({ email, password }), 'conflict', 'account_exists');
    device.auth.logOut();
    assert.equal(device.account, undefined);
  });

  it('reads from the next holder when the first is down', async () => {
    const { contentNodes, endpoints } = await network(1, 4);
    const { wallet } = await createColivingSdk({ discoveryNodes: endpoints }).auth.signUp({
      email,
      password,
    });
    const [top] = placementFor(
      contentNodes.map((n) => n.endpoint),
      await lookupKeyOf(email, password),
      3,
    );
    await contentNodes.find((n) => n.endpoint === top)!.close();
    const { wallet: again } = await createColivingSdk({ discoveryNodes: endpoints }).auth.logIn({
      email,
      password,
    });
    assert.equal(again, wallet);
  });

  it('changes the password: the same wallet opens with the new one only', async () => {
    const { endpoints } = await network(1, 4);
    const sdk = createColivingSdk({ discoveryNodes: endpoints });
    const { wallet } = await sdk.auth.signUp({ email, password });
    await sdk.auth.changePassword({ email, oldPassword: password, newPassword: 'new horse' });
    const device = createColivingSdk({ discoveryNodes: endpoints });
    await rejectsWith(device.auth.logIn({ email, password }), 'wrong_credentials');
    assert.equal((await device.auth.logIn({ email, password: 'new horse' })).wallet, wallet);
    await rejectsWith(
      sdk.auth.changePassword({ email, oldPassword: password, newPassword: 'x' }),
      'wrong_credentials',
    );
    // The email and password of another account, for this wallet: refused, and nothing changes.
    const other = await createColivingSdk({ discoveryNodes: endpoints }).auth.signUp({
      email: 'other@example.org',
      password: 'other horse',
    });
    await rejectsWith(
      sdk.auth.changePassword({
        email: 'other@example.org',
        oldPassword: 'other horse',
        newPassword: 'taken over',
        wallet,
      }),
      'wrong_credentials',
      'other_wallet',
    );
    assert.equal(sdk.account?.address, wallet, 'the SDK still signs as this wallet');
    const otherDevice = createColivingSdk({ discoveryNodes: endpoints });
    const opened = await otherDevice.auth.logIn({
      email: 'other@example.org',
      password: 'other horse',
    });
    assert.equal(opened.wallet, other.wallet, 'the other account kept its password');
  });
});
