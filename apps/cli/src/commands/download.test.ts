// `coliving download` against the SDK's stand-in discovery node (testing/fakeNodes.ts, held to the
// real node by its compliance test; the real route is tested in the discovery node's
// api/download.test.ts), whose signed URL points at a loopback server standing in for the
// content node's cidstream route.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeHashId as h } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type FakeNode,
  createFakeChain,
  startFakeDiscoveryNode,
} from '../../../../packages/sdk/src/testing/fakeNodes.js';
import { runCliAs } from '../testing/runCliAs.js';

const landlordKey = generatePrivateKey();
const fanKey = generatePrivateKey();
const original = new Uint8Array(randomBytes(10_000));
let dir: string;
let node: FakeNode;
let content: Server;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-download-'));
  content = createServer((request, response) => {
    const ok = request.url?.startsWith('/tracks/cidstream/bafyorig?') === true;
    response.writeHead(ok ? 200 : 404).end(ok ? original : undefined);
  });
  await new Promise<void>((done) => content.listen(0, '127.0.0.1', done));
  const chain = createFakeChain();
  const user = (key: `0x${string}`, handle: string) => ({
    wallet: privateKeyToAccount(key).address,
    data: { handle, name: handle },
    deactivated: false,
    updated: chain.head,
  });
  chain.users.set(1, user(landlordKey, 'landlord'));
  chain.users.set(2, user(fanKey, 'fan'));
  const track = (title: string, extra: Record<string, unknown>) => ({
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: { title, genre: 'Ambient', track_cid: 'bafystream', duration: 120, ...extra },
  });
  const kept = { orig_file_cid: 'bafyorig', orig_filename: '../Master Take.wav' };
  chain.tracks.set(10, track('Open', { ...kept, is_downloadable: true }));
  chain.tracks.set(11, track('Closed', { ...kept }));
  chain.tracks.set(
    12,
    track('Sold', {
      ...kept,
      is_downloadable: true,
      download_conditions: { dgco_purchase: { price: '1000' } },
    }),
  );
  node = await startFakeDiscoveryNode({
    chain,
    contentUrl: `http://127.0.0.1:${(content.address() as AddressInfo).port}`,
  });
});
after(async () => {
  await node?.close();
  await new Promise((done) => content?.close(done));
  await rm(dir, { recursive: true, force: true });
});

function run(argv: string[], key = fanKey, userId = 2, handle = 'fan') {
  return runCliAs(argv, { dir, endpoint: node.endpoint, key, userId, handle });
}

describe('coliving download', () => {
  it("saves the original under the name offered (never a path), or -o's", async () => {
    const { code, stdout, stderr } = await run(['download', h(10), '--json']);
    assert.equal(code, 0, stderr);
    const saved = JSON.parse(stdout) as { file: string; bytes: number };
    assert.equal(saved.file, join(dir, 'Master Take.wav'));
    assert.equal(saved.bytes, original.length);
    assert.deepEqual(new Uint8Array(await readFile(saved.file)), original);
    const named = await run(['download', h(10), '-o', 'mine.wav']);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /Saved "Open" \(10000 bytes\) to .*mine\.wav/);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, 'mine.wav'))), original);
  });

  it('says why it cannot, and exits 1, for a track not offered or gated', async () => {
    const closed = await run(['download', h(11)]);
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /not offered for download/i);
    const gated = await run(['download', h(12), '--json']);
    assert.equal(gated.code, 1);
    assert.equal(
      (JSON.parse(gated.stdout) as { error: { code: string } }).error.code,
      'download_gated',
    );
    // Its owner may.
    const owner = await run(['download', h(12), '-o', 'own.wav'], landlordKey, 1, 'landlord');
    assert.equal(owner.code, 0, owner.stderr);
  });
});
