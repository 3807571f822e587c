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
