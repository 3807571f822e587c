// Moving a track's preview after upload (POST /previews), on a content node registered on a
// local chain (so it signs receipts), with real ffmpeg: the preview is cut again from the stored
// stream at the new start, replaces the old one in the upload's record, and comes with a new
// receipt that still vouches for the same stream, original, peaks and length. Only the uploader
// may ask, each signed request is good once, and bad starts get stable codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  TRANSCODE_RESULTS,
  type UploadRecord,
  contentSha256Of,
  receiptMismatch,
  recoverUploadReceipt,
  signRequest,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { type LocalAccount, parseEther } from 'viem';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createChainNetwork } from './core/network.js';
import { decodeAudio, probeAudio } from './core/transcode.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests, freePort, waitForUpload } from './testing.js';

const run = promisify(execFile);

describe('re-cutting a preview after upload', () => {
  let net: TestNetwork;
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  let store: BlobStore;
  let node: ContentNode;
  let network: ReturnType<typeof createChainNetwork>;
  let url: string;
  let landlord: LocalAccount;
  let stranger: LocalAccount;
  let nodeWallet: LocalAccount;
  let uploaded: UploadRecord;
  let songBytes: Uint8Array;

  /** Uploads the song as `account` and waits for its job. */
  async function uploadAs(account: LocalAccount): Promise<UploadRecord> {
    const bytes = songBytes;
    const form = new FormData();
    form.set('template', 'audio');
    form.set('previewStartSeconds', '0');
    form.append('files', new Blob([bytes]), 'song.wav');
    const res = await fetch(`${url}/uploads`, {
      method: 'POST',
      headers: await signRequest({
        account,
        method: 'POST',
        path: '/uploads',
        content: contentSha256Of(bytes),
      }),
      body: form,
    });
    assert.equal(res.status, 201, await res.clone().text());
    const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
    return waitForUpload(
      async () =>
        ((await (await fetch(`${url}/uploads/${created!.id}`)).json()) as { data: UploadRecord })
          .data,
    );
  }

  async function cut(account: LocalAccount, body: unknown, headersOf = signedFor) {
    const text = JSON.stringify(body);
    const res = await fetch(`${url}/previews`, {
      method: 'POST',
      headers: { ...(await headersOf(account, text)), 'content-type': 'application/json' },
      body: text,
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: UploadRecord; error?: { code: string } },
    };
  }
  function signedFor(account: LocalAccount, body: string) {
    return signRequest({ account, method: 'POST', path: '/previews', body });
  }

  /** The loudest sample of a blob's audio, in [0, 1]. */
  async function loudness(cid: string): Promise<number> {
    const path = join(dir, `${cid}.mp3`);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(cid)) chunks.push(Buffer.from(chunk));
    await writeFile(path, Buffer.concat(chunks));
    return Math.max(...(await decodeAudio(ffmpeg, path, 50)).peaks);
  }

  before(async () => {
    net = await startTestNetwork();
    const [, cnOwner, cnWallet, , , , , user, other] = net.accounts;
    nodeWallet = cnWallet!;
    landlord = user!;
    stranger = other!;
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [cnOwner!.address],
      dgco: parseEther('300000'),
    });
    await registerNode({
      manifest: net.manifest,
      owner: cnOwner!,
      serviceType: 'contentNode',
      endpoint: publicUrl,
      stake: parseEther('200000'),
      delegateWallet: nodeWallet.address,
    });
    dir = await mkdtemp(join(tmpdir(), 'coliving-previews-'));
    ffmpeg = await findFfmpegBinaries();
    store = await openBlobStore(join(dir, 'blobs'));
    network = createChainNetwork({
      client: net.ethPublic,
      nodeRegistry: net.manifest.contracts.eth.NodeRegistry,
      refreshMs: 60_000,
      onError: () => undefined,
      selfWallet: nodeWallet.address,
    });
    node = await createContentNode(
      {
        account: nodeWallet,
        store,
        listens: await ListenJournal.open(join(dir, 'listens.jsonl')),
        ffmpeg,
        logger: false,
        discovery: everyWalletIsAUserForTests(),
        network,
      },
      { publicUrl, dataDir: join(dir, 'node'), version: '0.1.0', transcodeWorkers: 1 },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port });
    url = publicUrl;

    // 20 s: silent for the first 10, a tone for the last 10. A preview lasts half the track
    // (10 s), so one from 0 is silent and one from 10 is all tone.
    const song = join(dir, 'song.wav');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=20',
      '-af',
      "volume='if(lt(t,10),0,1)':eval=frame",
      '-ac',
      '2',
      song,
    ]);
    songBytes = new Uint8Array(await readFile(song));
    uploaded = await uploadAs(landlord);
    assert.equal(uploaded.status, 'done', uploaded.error);
    assert.ok(uploaded.receipt, 'a registered node signs the upload receipt');
  });

  after(async () => {
    await node?.stop();
    await net?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cuts the preview again at the new start and signs a receipt that names it', async () => {
    const stream = uploaded.results[TRANSCODE_RESULTS.stream]!;
    const oldPreview = uploaded.results[TRANSCODE_RESULTS.preview]!;
    assert.ok((await loudness(oldPreview)) < 0.01, 'the first preview is the silent start');

    const answer = await cut(landlord, { cid: stream, previewStartSeconds: 10 });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const record = answer.body.data!;
    const newPreview = record.results[TRANSCODE_RESULTS.preview]!;
    assert.notEqual(newPreview, oldPreview);
    assert.equal(record.previewStartSeconds, 10);
    // The new preview is the tone: cut from the stream at 10 s, half the track long.
    // lavfi's sine is at 1/8 of full scale.
    assert.ok(
      (await loudness(newPreview)) > 0.05,
      'the new preview is the tone of the second half',
    );
    const path = join(dir, `${newPreview}.mp3`);
    const { durationSeconds } = await probeAudio(ffmpeg, path);
    assert.ok(durationSeconds > 9 && durationSeconds <= 10, `preview lasts ${durationSeconds} s`);

    // The receipt: signed by this node for the uploader, the new preview, everything else kept.
    const { data, signer } = await recoverUploadReceipt(record.receipt);
    assert.equal(signer, nodeWallet.address);
    assert.equal(data.uploader, landlord.address);
    assert.equal(data.previewCid, newPreview);
    const before = (await recoverUploadReceipt(uploaded.receipt)).data;
    assert.deepEqual(
      [data.uploadId, data.cid, data.origCid, data.waveformCid, data.durationSeconds],
      [before.uploadId, before.cid, before.origCid, before.waveformCid, before.durationSeconds],
    );
    // A track that names its old audio with the new preview agrees with the new receipt, and no
    // longer with the old one.
    const track = {
      track_cid: stream,
      preview_cid: newPreview,
      orig_file_cid: uploaded.results.original,
      waveform_cid: uploaded.results[TRANSCODE_RESULTS.peaks],
      duration: uploaded.durationSeconds,
    };
    assert.equal(receiptMismatch(track, data), undefined);
    assert.match(receiptMismatch(track, before) ?? '', /preview_cid/);

    // Any node answers the upload with its new preview and receipt.
    const read = (await (await fetch(`${url}/uploads/${uploaded.id}`)).json()) as {
      data: UploadRecord;
    };
    assert.equal(read.data.results[TRANSCODE_RESULTS.preview], newPreview);
    assert.deepEqual(read.data.receipt, record.receipt);
  });

  it('refuses another wallet, a replayed request and bad starts with stable codes', async () => {
    const stream = uploaded.results[TRANSCODE_RESULTS.stream]!;
    const other = await cut(stranger, { cid: stream, previewStartSeconds: 2 });
    assert.deepEqual([other.status, other.body.error?.code], [403, 'not_uploader']);

    // One signature, sent twice: the second is refused.
    const body = JSON.stringify({ cid: stream, previewStartSeconds: 3 });
    const headers = await signedFor(landlord, body);
    const first = await cut(landlord, JSON.parse(body), async () => headers);
    assert.equal(first.status, 200);
    const again = await cut(landlord, JSON.parse(body), async () => headers);
    assert.deepEqual([again.status, again.body.error?.code], [409, 'signature_replayed']);

    const cases: [unknown, number, string][] = [
      [{ cid: stream, previewStartSeconds: 20 }, 400, 'preview_start_past_end'],
      [{ cid: stream, previewStartSeconds: 600 }, 400, 'preview_start_past_end'],
      [{ cid: stream, previewStartSeconds: -1 }, 400, 'invalid_preview_start'],
      [{ cid: stream, previewStartSeconds: 'NaN' }, 400, 'invalid_preview_start'],
      [{ cid: stream }, 400, 'invalid_preview_start'],
      [{ cid: 'not-a-cid', previewStartSeconds: 1 }, 400, 'invalid_cid'],
      [{ cid: stream, previewStartSeconds: 1, title: 'x' }, 400, 'unknown_field'],
      [{ cid: uploaded.results.original, previewStartSeconds: 1 }, 404, 'upload_not_found'],
    ];
    for (const [input, status, code] of cases) {
      const answer = await cut(landlord, input);
      assert.deepEqual(
        [answer.status, answer.body.error?.code],
        [status, code],
        JSON.stringify(input),
      );
    }
    // None of the refusals moved the preview.
    const read = (await (await fetch(`${url}/uploads/${uploaded.id}`)).json()) as {
      data: UploadRecord;
    };
    assert.equal(read.data.previewStartSeconds, 3);
  });

  it("lets each wallet that uploaded the same audio move its own upload's preview", async () => {
    const stream = uploaded.results[TRANSCODE_RESULTS.stream]!;
    const theirs = await uploadAs(stranger);
    assert.equal(
      theirs.results[TRANSCODE_RESULTS.stream],
      stream,
      'the same audio, the same stream',
    );
    const answer = await cut(stranger, { cid: stream, previewStartSeconds: 4 });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.data!.id, theirs.id);
    const { data } = await recoverUploadReceipt(answer.body.data!.receipt);
    assert.equal(data.uploader, stranger.address);
    // The landlord's upload keeps the start they chose.
    const mine = (await (await fetch(`${url}/uploads/${uploaded.id}`)).json()) as {
      data: UploadRecord;
    };
    assert.equal(mine.data.previewStartSeconds, 3);
  });
});
