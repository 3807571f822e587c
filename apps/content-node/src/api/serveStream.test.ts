// The signed stream route as a download: `filename` makes the blob an attachment saved under that
// name (RFC 6266), on a real content node over real HTTP; a hostile name can neither add a header
// nor name a path.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeStreamSignatureParam, signStreamData } from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { attachmentHeader, cleanFilename } from '../core/contentDisposition.js';
import { findFfmpegBinaries } from '../core/ffmpegBinaries.js';
import { createStaticNetwork } from '../core/network.js';
import { ListenJournal } from '../db/listenJournal.js';
import { type ContentNode, createContentNode } from '../node.js';
import { everyWalletIsAUserForTests } from '../testing.js';

const discovery = privateKeyToAccount(generatePrivateKey());
const nodeWallet = privateKeyToAccount(generatePrivateKey());
const bytes = new Uint8Array(randomBytes(20 * 1024));

let dir: string;
let store: BlobStore;
let listens: ListenJournal;
let node: ContentNode;
let url: string;
let cid: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-serve-stream-'));
  store = await openBlobStore(join(dir, 'blobs'));
  listens = await ListenJournal.open(join(dir, 'listens.jsonl'));
  node = await createContentNode(
    {
      account: nodeWallet,
      store,
      listens,
      ffmpeg: await findFfmpegBinaries(),
      logger: false,
      discovery: everyWalletIsAUserForTests(),
      network: createStaticNetwork(
        [{ endpoint: 'http://127.0.0.1:1', delegateWallet: nodeWallet.address }],
        [discovery.address],
      ),
    },
    { publicUrl: 'http://127.0.0.1:1', dataDir: dir, version: 'test' },
  );
  await node.start();
  await node.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
  ({ cid } = await store.put(
    (async function* () {
      yield bytes;
    })(),
  ));
});

after(async () => {
  await node?.stop();
  await listens?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function signedUrl(filename?: string): Promise<string> {
  const signature = await signStreamData({
    account: discovery,
    data: { cid, timestamp: Date.now(), trackId: 7, shouldCache: true, skipPlayCount: true },
  });
  const param = encodeURIComponent(encodeStreamSignatureParam(signature));
  const name = filename === undefined ? '' : `&filename=${encodeURIComponent(filename)}`;
  return `${url}/tracks/cidstream/${cid}?signature=${param}${name}`;
}

describe('GET /tracks/cidstream/:cid?filename=', () => {
  it('serves the blob as an attachment under its name, UTF-8 with an ASCII fallback', async () => {
    const res = await fetch(await signedUrl('Déjà Vu (master).wav'));
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="D_j_ Vu (master).wav"; filename*=UTF-8''D%C3%A9j%C3%A0%20Vu%20%28master%29.wav`,
    );
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
  });

  it('stays a stream without a filename', async () => {
    const res = await fetch(await signedUrl());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), null);
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
    await res.arrayBuffer();
  });

  it('cannot be made to inject a header or name a path', async () => {
    const hostile =
      'evil"\r\nSet-Cookie: session=stolen\r\nX-Injected: 1\r\n\r\n/../../etc\\passwd.mp3';
    const res = await fetch(await signedUrl(hostile));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(res.headers.get('x-injected'), null);
    const disposition = res.headers.get('content-disposition')!;
    assert.equal(
      disposition,
      `attachment; filename="evilSet-Cookie: session=stolenX-Injected: 1....etcpasswd.mp3"; ` +
        `filename*=UTF-8''evilSet-Cookie%3A%20session%3DstolenX-Injected%3A%201....etcpasswd.mp3`,
    );
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
    // A bidi override that disguises the extension, and a name of only dots, are refused or gone.
    assert.equal(cleanFilename('song\u202Eexe.mp3'), 'songexe.mp3');
    const dots = await fetch(await signedUrl('../..'));
    assert.equal(dots.status, 400);
    assert.equal(
      ((await dots.json()) as { error: { code: string } }).error.code,
      'invalid_filename',
    );
  });

  it('encodes what RFC 5987 does not allow bare in filename*', () => {
    assert.equal(
      attachmentHeader("it's (a) *test*; ok.mp3"),
      `attachment; filename="it's (a) *test*; ok.mp3"; filename*=UTF-8''it%27s%20%28a%29%20%2Atest%2A%3B%20ok.mp3`,
    );
  });
});

/** A stream signature for the test blob as a query parameter (a listen unless `skipPlayCount`). */
async function streamQuery(
  { skipPlayCount, by = discovery }: { skipPlayCount: boolean; by?: typeof discovery },
  blob = cid,
): Promise<string> {
  const signature = await signStreamData({
    account: by,
    data: { cid: blob, timestamp: Date.now(), trackId: 9, shouldCache: true, skipPlayCount },
  });
  return `signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`;
}

/** Status, the headers that say what was sent (not when or how), and the body. */
function answerOf(status: number, headers: Record<string, string>, body: Uint8Array) {
  const kept = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name),
    ),
  );
  return { status, headers: kept, body: Buffer.from(body).toString('base64') };
}

describe('the fast lane (GET streams answered before fastify routes them)', () => {
  it('answers exactly as the fastify route does, and hands everything else to it', async () => {
    const listen = await streamQuery({ skipPlayCount: false });
    const skip = await streamQuery({ skipPlayCount: true });
    const stranger = await streamQuery({
      skipPlayCount: true,
      by: privateKeyToAccount(generatePrivateKey()),
    });
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const cases: { path: string; range?: string }[] = [
      { path: `/tracks/cidstream/${cid}?${skip}` },
      { path: `/tracks/cidstream/${cid}?${skip}`, range: 'bytes=0-99' },
      { path: `/tracks/cidstream/${cid}?${skip}`, range: 'bytes=5000-9999' },
      { path: `/tracks/cidstream/${cid}?${skip}`, range: 'bytes=-300' },
      { path: `/tracks/cidstream/${cid}?${skip}`, range: 'bytes=999999-' },
      { path: `/tracks/cidstream/${cid}?${skip}`, range: 'bytes=1-2, 5-6' },
      { path: `/tracks/cidstream/${cid}?${skip}&${skip}` },
      { path: `/tracks/cidstream/${cid}?${stranger}` },
      { path: `/tracks/cidstream/${cid}?signature=nonsense` },
      { path: `/tracks/cidstream/${cid}` },
      {
        path: `/tracks/cidstream/${missing}?${await streamQuery({ skipPlayCount: true }, missing)}`,
      },
      { path: `/tracks/cidstream/not-a-cid?${skip}` },
      { path: `/tracks/cidstream/${cid}?${listen}`, range: 'bytes=100-199' },
    ];
    // Three rounds: the first recovers each signature and reads the disk; later ones answer from
    // remembered signatures and the read cache (the blob is loaded once read twice), the lane's
    // synchronous path.
    for (const { path, range } of [...cases, ...cases, ...cases]) {
      const headers: Record<string, string> = range ? { range } : {};
      const res = await fetch(`${url}${path}`, { headers, redirect: 'manual' });
      const overHttp = answerOf(
        res.status,
        Object.fromEntries(res.headers),
        new Uint8Array(await res.arrayBuffer()),
      );
      // inject() goes straight to fastify: the route the lane must answer like.
      const injected = await node.app.inject({ method: 'GET', url: path, headers });
      const viaFastify = answerOf(
        injected.statusCode,
        injected.headers as Record<string, string>,
        injected.rawPayload,
      );
      assert.deepEqual(overHttp, viaFastify, `${path.slice(0, 80)} ${range ?? ''}`);
    }
  });

  it('counts a stream from byte 0 as one listen and each answer once in the request histogram', async () => {
    const route = 'route="/tracks/cidstream/:cid"';
    const answered = async (): Promise<number> => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('coliving_content_node_http_request_duration_seconds_count') &&
            l.includes(route) &&
            l.includes('status_class="2xx"') &&
            l.includes('method="GET"'),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    await listens.flush();
    const listensBefore = (await listens.read(0)).listens.length;
    const before = await answered();
    const res = await fetch(
      `${url}/tracks/cidstream/${cid}?${await streamQuery({ skipPlayCount: false })}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
    assert.equal(await answered(), before + 1);
    await listens.flush();
    const after = (await listens.read(0)).listens;
    assert.equal(after.length, listensBefore + 1);
    assert.equal(after.at(-1)!.trackId, 9);
  });
});
