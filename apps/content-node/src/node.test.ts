import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type UploadRecord,
  canonicalJson,
  contentSha256Of,
  contentSha256OfCid,
  encodeStreamSignatureParam,
  signRequest,
  signStreamData,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import sharp from 'sharp';
import { type Hex, keccak256, recoverMessageAddress, toBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createStaticNetwork } from './core/network.js';
import { probeAudio } from './core/transcode.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests, waitForUpload } from './testing.js';

const run = promisify(execFile);
const landlord = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const stranger = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);
const nodeWallet = privateKeyToAccount(
  '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd',
);

type Running = { node: ContentNode; url: string; listens: ListenJournal };

describe('content node', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  let store: BlobStore;
  let song: string;
  let cover: Buffer;
  let running: Running;

  async function startNode(
    dataDir: string,
    maxUploadBytes?: number,
    uploadsPerHour?: number,
  ): Promise<Running> {
    const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    const node = await createContentNode(
      {
        account: nodeWallet,
        store,
        listens,
        ffmpeg,
        logger: false,
        discovery: everyWalletIsAUserForTests(),
        network: createStaticNetwork(
          [{ endpoint: 'http://127.0.0.1:1', delegateWallet: nodeWallet.address }],
          [discovery.address],
        ),
      },
      {
        publicUrl: 'http://127.0.0.1:1',
        dataDir,
        version: '0.1.0',
        maxUploadBytes,
        uploadsPerHour,
        transcodeWorkers: 1,
      },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = node.app.server.address() as AddressInfo;
    return { node, url: `http://127.0.0.1:${port}`, listens };
  }

  async function upload(
    url: string,
    template: string,
    file: Blob,
    name: string,
    extra: Record<string, string> = {},
    signer = landlord,
  ) {
    const form = new FormData();
    form.set('template', template);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    form.append('files', file, name);
    const headers = await signRequest({
      account: signer,
      method: 'POST',
      path: '/uploads',
      content: contentSha256Of(new Uint8Array(await file.arrayBuffer())),
    });
    return fetch(`${url}/uploads`, { method: 'POST', headers, body: form });
  }

  /** Polls an upload until its job has finished, with a deadline. */
  async function finished(url: string, id: string): Promise<UploadRecord> {
    return waitForUpload(
      async () =>
        ((await (await fetch(`${url}/uploads/${id}`)).json()) as { data: UploadRecord }).data,
    );
  }

  async function streamUrl(url: string, cid: string, account = discovery, timestamp = Date.now()) {
    const signature = await signStreamData({
      account,
      data: { cid, timestamp, trackId: 7, userId: 3, shouldCache: true },
    });
    return `${url}/tracks/cidstream/${cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-content-node-'));
    ffmpeg = await findFfmpegBinaries();
    store = await openBlobStore(join(dir, 'blobs'));
    song = join(dir, 'song.wav');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=12',
      '-ac',
      '2',
      song,
    ]);
    cover = await sharp({
      create: { width: 1200, height: 800, channels: 3, background: '#3366ff' },
    })
      .png()
      .toBuffer();
    running = await startNode(join(dir, 'node-a'));
  });
  after(async () => {
    await running?.node.stop();
    await running?.listens.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses unsigned uploads and uploads signed for another route', async () => {
    const form = new FormData();
    form.set('template', 'audio');
    form.append('files', new Blob([await readFile(song)]), 'song.wav');
    const unsigned = await fetch(`${running.url}/uploads`, { method: 'POST', body: form });
    assert.equal(unsigned.status, 401);
    assert.equal(
      ((await unsigned.json()) as { error: { code: string } }).error.code,
      'signature_required',
    );
    const headers = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/authentication',
    });
    const wrong = await fetch(`${running.url}/uploads`, { method: 'POST', headers, body: form });
    assert.equal(wrong.status, 401);
  });

  it('transcodes an audio upload and streams it only with a discovery signature', async () => {
    const res = await upload(running.url, 'audio', new Blob([await readFile(song)]), 'song.wav', {
      previewStartSeconds: '2',
    });
    assert.equal(res.status, 201);
    const { data } = (await res.json()) as { data: UploadRecord[] };
    assert.equal(data.length, 1);
    assert.equal(data[0]!.status, 'new');
    assert.equal(data[0]!.wallet, landlord.address);
    const done = await finished(running.url, data[0]!.id);
    assert.equal(done.status, 'done', done.error);
    assert.ok(Math.abs((done.durationSeconds ?? 0) - 12) < 0.2);
    const { '320': stream, '320_preview': preview, peaks, original } = done.results;
    assert.ok(stream && preview && peaks && original);
    assert.equal(original, data[0]!.origFileCid);

    // The whole stream, byte for byte what the store holds.
    const whole = await fetch(await streamUrl(running.url, stream));
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'audio/mpeg');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const stored: Buffer[] = [];
    for await (const c of await store.get(stream)) stored.push(Buffer.from(c));
    assert.ok(bytes.equals(Buffer.concat(stored)));

    // Ranges are exact; past the end is 416.
    const part = await fetch(await streamUrl(running.url, stream), {
      headers: { range: 'bytes=100-199' },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200)));
    const past = await fetch(await streamUrl(running.url, stream), {
      headers: { range: `bytes=${bytes.length}-` },
    });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${bytes.length}`);
    const head = await fetch(await streamUrl(running.url, stream), { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(bytes.length));

    // A 12 s track's preview is a blob of its own, at most half of it: never the whole track.
    assert.notEqual(preview, stream);
    const previewBytes: Buffer[] = [];
    for await (const c of await store.get(preview)) previewBytes.push(Buffer.from(c));
    const previewFile = join(dir, 'preview.mp3');
    await writeFile(previewFile, Buffer.concat(previewBytes));
    const previewSeconds = (await probeAudio(ffmpeg, previewFile)).durationSeconds;
    assert.ok(previewSeconds > 5.5 && previewSeconds <= 6, `preview ${previewSeconds} s`);
    // Signed by a stranger, for another blob, or too long ago: refused.
    assert.equal((await fetch(await streamUrl(running.url, stream, stranger))).status, 403);
    assert.equal(
      (await fetch((await streamUrl(running.url, peaks)).replace(peaks, stream))).status,
      401,
    );
    assert.equal(
      (await fetch(await streamUrl(running.url, stream, discovery, Date.now() - 49 * 3600_000)))
        .status,
      401,
    );
    assert.equal((await fetch(`${running.url}/tracks/cidstream/${stream}`)).status, 401);

    // Only the requests from byte 0 were listens (the whole stream; not the 100-199 range).
    const { listens } = await running.listens.read();
    assert.deepEqual(
      listens.filter((l) => l.cid === stream).map((l) => [l.trackId, l.userId]),
      [[7, 3]],
    );

    // Peaks are served as content; audio is not.
    const peaksRes = await fetch(`${running.url}/content/${peaks}`);
    assert.equal(peaksRes.headers.get('content-type'), 'application/json');
    assert.equal(((await peaksRes.json()) as { peaks: number[] }).peaks.length, 1000);
    assert.equal((await fetch(`${running.url}/content/${stream}`)).status, 403);
  });

  it('signs its health report and counts uploads and bytes in its metrics', async () => {
    const res = await fetch(`${running.url}/health_check`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      data: Record<string, unknown>;
      signer: string;
      signature: Hex;
    };
    assert.equal(body.data.diskHasSpace, true);
    assert.equal(body.data.healthy, true);
    assert.equal(body.data.version, '0.1.0');
    assert.equal(body.data.service, 'content-node');
    // The disk as statfs measures it, like Audius's storagePathSize/storagePathUsed.
    const fs = await statfs(join(dir, 'node-a'));
    assert.equal(body.data.storagePathSize, fs.blocks * fs.bsize);
    const used = body.data.storagePathUsed as number;
    assert.ok(used > 0 && used <= body.data.storagePathSize);
    assert.ok(Math.abs(used - (fs.blocks - fs.bfree) * fs.bsize) < 256 * 1024 * 1024);
    assert.equal(typeof body.data.isSeeding, 'boolean');
    assert.equal(body.data.transcodeQueueLength, 0);
    assert.deepEqual(body.data.self, { host: 'http://127.0.0.1:1', wallet: nodeWallet.address });
    assert.equal(body.signer, nodeWallet.address);
    const recovered = await recoverMessageAddress({
      message: { raw: keccak256(toBytes(canonicalJson(body.data))) },
      signature: body.signature,
    });
    assert.equal(recovered, nodeWallet.address);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    assert.match(
      metrics,
      /coliving_content_node_uploads_total\{template="audio",outcome="done"\} [1-9]/,
    );
    assert.match(metrics, /coliving_content_node_stream_bytes_total [1-9]/);
    assert.match(
      metrics,
      /coliving_content_node_transcode_seconds_count\{template="audio"\} [1-9]/,
    );
  });

  it('keeps an image and renders its variants on demand', async () => {
    const res = await upload(running.url, 'img_square', new Blob([cover]), 'cover.png');
    const { data } = (await res.json()) as { data: UploadRecord[] };
    const done = await finished(running.url, data[0]!.id);
    assert.equal(done.status, 'done');
    assert.deepEqual(Object.keys(done.results).sort(), [
      '1000x1000',
      '150x150',
      '480x480',
      'original',
    ]);
    const variant = await fetch(`${running.url}/content/${done.results.original}/150x150`);
    assert.equal(variant.status, 200);
    assert.equal(variant.headers.get('content-type'), 'image/jpeg');
    const meta = await sharp(Buffer.from(await variant.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [150, 150]);
    // The variant served is the blob the record names.
    const named = await fetch(`${running.url}/content/${done.results['150x150']}`);
    assert.equal(named.headers.get('content-type'), 'image/jpeg');
    assert.ok(
      Buffer.from(await named.arrayBuffer()).equals(
        Buffer.from(
          await (
            await fetch(`${running.url}/content/${done.results.original}/150x150`)
          ).arrayBuffer(),
        ),
      ),
    );
    const original = await fetch(`${running.url}/content/${done.results.original}`);
    assert.equal(original.headers.get('content-type'), 'image/png');
    assert.equal(
      (await fetch(`${running.url}/content/${done.results.original}/77x77`)).status,
      400,
    );
  });

  it('refuses what is not audio, bad fields and bad ids with clear errors', async () => {
    const notAudio = await upload(
      running.url,
      'audio',
      new Blob(['just text'.repeat(50)]),
      'notes.txt',
    );
    assert.equal(notAudio.status, 422);
    assert.equal(((await notAudio.json()) as { error: { code: string } }).error.code, 'not_audio');
    const notImage = await upload(
      running.url,
      'img_backdrop',
      new Blob([await readFile(song)]),
      'song.wav',
    );
    assert.equal(notImage.status, 422);
    const badTemplate = await upload(running.url, 'video', new Blob([cover]), 'x.png');
    assert.equal(badTemplate.status, 400);
    const badPreview = await upload(
      running.url,
      'audio',
      new Blob([await readFile(song)]),
      'song.wav',
      { previewStartSeconds: '-3' },
    );
    assert.equal(badPreview.status, 400);
    assert.equal((await fetch(`${running.url}/uploads/not-an-id`)).status, 400);
    assert.equal(
      (await fetch(`${running.url}/uploads/0b0e6d3e-9b0e-4c61-9a53-7e8bd1e0f000`)).status,
      404,
    );
    assert.equal((await fetch(`${running.url}/content/../../etc/passwd`)).status, 404);
    assert.equal((await fetch(`${running.url}/content/bafkrei-nope`)).status, 400);
    // Traversal that survives URL normalization reaches the route as a parameter: 400.
    assert.equal((await fetch(`${running.url}/content/..%2F..%2Fetc%2Fpasswd`)).status, 400);
    assert.equal(
      (await fetch(`${running.url}/tracks/cidstream/..%2F..%2Fetc%2Fpasswd?signature=x`)).status,
      400,
    );
  });

  it('refuses a multipart body that ends early with 400 and keeps nothing', async () => {
    const limited = await startNode(join(dir, 'node-truncated'));
    try {
      const boundary = 'coliving-test-boundary';
      const fileBytes = await readFile(song);
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="template"\r\n\r\naudio\r\n`,
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="song.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
        ),
        // Half the file, then nothing: no closing boundary.
        fileBytes.subarray(0, fileBytes.length >> 1),
      ]);
      const headers = {
        ...(await signRequest({
          account: landlord,
          method: 'POST',
          path: '/uploads',
          content: contentSha256Of(fileBytes),
        })),
        'content-type': `multipart/form-data; boundary=${boundary}`,
      };
      const res = await fetch(`${limited.url}/uploads`, { method: 'POST', headers, body });
      assert.equal(res.status, 400);
      assert.equal(
        ((await res.json()) as { error: { code: string } }).error.code,
        'malformed_multipart',
      );
      const listed: string[] = [];
      for await (const record of limited.node.uploads.list()) listed.push(record.id);
      assert.deepEqual(listed, []);
    } finally {
      await limited.node.stop();
      await limited.listens.close();
    }
  });

  it('refuses an empty file with 422', async () => {
    const res = await upload(running.url, 'audio', new Blob([]), 'empty.wav');
    assert.equal(res.status, 422);
  });

  it('refuses a replica whose bytes do not match its CID, and stores nothing', async () => {
    const { signRequest: sign } = await import('@coliving/protocol');
    const fake = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
    const path = `/internal/blobs/${fake}`;
    const res = await fetch(`${running.url}${path}`, {
      method: 'PUT',
      headers: {
        ...(await sign({
          account: nodeWallet,
          method: 'PUT',
          path,
          content: contentSha256OfCid(fake),
        })),
        'content-type': 'application/octet-stream',
      },
      body: 'not hello',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'cid_mismatch');
    assert.equal(await store.head(fake), undefined);
  });

  it('limits uploads per wallet per hour with 429', async () => {
    const limited = await startNode(join(dir, 'node-limited'), undefined, 2);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await upload(limited.url, 'img_square', new Blob([cover]), 'c.png')).status);
      }
      assert.deepEqual(statuses, [201, 201, 429]);
      const other = await upload(
        limited.url,
        'img_square',
        new Blob([cover]),
        'c.png',
        {},
        stranger,
      );
      assert.equal(other.status, 201);
      await limited.node.jobs.idle();
    } finally {
      await limited.node.stop();
      await limited.listens.close();
    }
  });

  it('refuses an upload over the size limit with 413 and keeps nothing', async () => {
    const small = await startNode(join(dir, 'node-small'), 10_000);
    try {
      const res = await upload(small.url, 'audio', new Blob([await readFile(song)]), 'song.wav');
      assert.equal(res.status, 413);
      const listed: string[] = [];
      for await (const record of small.node.uploads.list()) listed.push(record.id);
      assert.deepEqual(listed, []);
    } finally {
      await small.node.stop();
      await small.listens.close();
    }
  });

  it('finishes a job interrupted by a restart', async () => {
    const dataDir = join(dir, 'node-restart');
    const first = await startNode(dataDir);
    const res = await upload(first.url, 'audio', new Blob([await readFile(song)]), 'song.wav');
    const { data } = (await res.json()) as { data: UploadRecord[] };
    // Stop at once: the job is aborted (or never started) and its record is left unfinished.
    await first.node.stop();
    await first.listens.close();
    const left = await first.node.uploads.get(data[0]!.id);
    assert.ok(
      left.status === 'new' || left.status === 'busy' || left.status === 'done',
      left.status,
    );
    const second = await startNode(dataDir);
    try {
      const done = await finished(second.url, data[0]!.id);
      assert.equal(done.status, 'done');
      assert.ok(done.results['320']);
    } finally {
      await second.node.stop();
      await second.listens.close();
    }
  });
});
