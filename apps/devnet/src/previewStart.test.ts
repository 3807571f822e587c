// Moving a track's preview after upload, through the SDK on a real network (a local chain, a
// discovery node and a content node, each a real process): `tracks.update` with a new
// `previewStartSeconds` has the content node cut the preview again, and the Track Update that
// carries the new preview and its new upload receipt is indexed. Another account cannot cut the
// preview of audio it did not upload, and a start past the end is refused before any write.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '@coliving/protocol';
import { type ColivingSdk, ColivingSdkError, createColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { sineWav } from './sineWav.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

let dir: string;
let network: StartNetworkReturnType;
let endpoints: string[];

async function newUser(handle: string): Promise<{ sdk: ColivingSdk; userId: string }> {
  const account = privateKeyToAccount(generatePrivateKey());
  const sdk = createColivingSdk({ discoveryNodes: endpoints, account, pollIntervalMs: 100 });
  const { userId } = await sdk.users.create({ handle, name: handle });
  return { sdk, userId };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-preview-start-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 1 });
  endpoints = network.discoveryNodes.map((n) => n.endpoint);
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a track's preview start, changed after upload", () => {
  it('cuts a new preview and indexes the track with it and its new receipt', async () => {
    const { sdk, userId } = await newUser('previewer');
    const { trackId, track } = await sdk.tracks.upload({
      userId,
      file: sineWav(24, 440),
      fileName: 'tone.wav',
      metadata: { title: 'Moving preview', genre: 'Electronic', previewStartSeconds: 0 },
    });
    const oldPreview = track.preview_cid;
    assert.ok(oldPreview, 'the upload has a preview');
    assert.equal(track.preview_start_seconds, 0);

    const after = await sdk.tracks.update(userId, trackId, { previewStartSeconds: 8 });
    assert.equal(after.preview_start_seconds, 8);
    assert.ok(after.preview_cid && after.preview_cid !== oldPreview, 'a new preview CID');
    // The rest of the audio is what was uploaded.
    assert.deepEqual(
      [after.track_cid, after.orig_file_cid, after.waveform_cid, after.duration],
      [track.track_cid, track.orig_file_cid, track.waveform_cid, track.duration],
    );
    // Read again from the discovery node: the indexed track names the new preview, and its
    // preview stream answers audio.
    const read = await sdk.tracks.get(trackId);
    assert.equal(read.preview_cid, after.preview_cid);
    const url = await sdk.tracks.streamUrl(trackId, { preview: true });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.ok((await res.arrayBuffer()).byteLength > 10_000, 'the new preview plays');

    // Past the end: refused by the content node with its code, and the track is unchanged.
    await assert.rejects(
      sdk.tracks.update(userId, trackId, { previewStartSeconds: 24 }),
      (error: unknown) =>
        error instanceof ColivingSdkError &&
        error.code === 'preview_start_past_end' &&
        error.status === 400,
    );
    await assert.rejects(
      sdk.tracks.update(userId, trackId, { previewStartSeconds: Number.NaN }),
      (error: unknown) =>
        error instanceof ColivingSdkError && error.code === 'invalid_preview_start',
    );
    assert.equal((await sdk.tracks.get(trackId)).preview_cid, after.preview_cid);
  });

  it("refuses to cut the preview of another account's audio", async () => {
    const { sdk, userId } = await newUser('uploader');
    const { trackId, track } = await sdk.tracks.upload({
      userId,
      file: sineWav(12, 330),
      fileName: 'tone.wav',
      metadata: { title: 'Not yours', genre: 'Electronic' },
    });
    // Another wallet signs the content node's request for the same stream: refused.
    const stranger = privateKeyToAccount(generatePrivateKey());
    const body = JSON.stringify({ cid: track.track_cid, previewStartSeconds: 2 });
    const res = await fetch(`${network.contentNodes[0]!.endpoint}/previews`, {
      method: 'POST',
      headers: {
        ...(await signRequest({ account: stranger, method: 'POST', path: '/previews', body })),
        'content-type': 'application/json',
      },
      body,
    });
    const answer = (await res.json()) as { error?: { code?: string } };
    assert.deepEqual([res.status, answer.error?.code], [403, 'not_uploader']);
    // And through the SDK, another user cannot update the track at all.
    const other = await newUser('bystander');
    await assert.rejects(
      other.sdk.tracks.update(other.userId, trackId, { previewStartSeconds: 2 }),
      (error: unknown) => error instanceof ColivingSdkError && error.code === 'not_owner',
    );
  });
});
