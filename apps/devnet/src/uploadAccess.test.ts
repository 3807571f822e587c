// Who may upload, how much, and for how long unused uploads are kept (docs/design.md §7), on a
// real network: a local chain, a discovery node and a content node, each a real process. The
// content node trusts X-Forwarded-For (COLIVING_TRUST_PROXY) so that each test is its own
// client address.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { contentSha256Of, signRequest } from '@coliving/protocol';
import { type ColivingSdk, createColivingSdk } from '@coliving/sdk';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const USER_BYTES_PER_DAY = 200_000;
const IP_BYTES_PER_DAY = 500_000;
/** Long enough for a picture to be uploaded and set by a User Update on a loaded machine. */
const RETENTION_SECONDS = 20;

/** A PNG of random pixels, stored uncompressed: `bytes` long, give or take a hundred. */
function noisePng(bytes: number): Uint8Array {
  const width = 100;
  const height = Math.max(1, Math.round(bytes / (width * 3 + 1)));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.concat([Buffer.of(0), randomBytes(width * 3)]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Answer = { status: number; body: { data?: { id: string }[]; error?: { code: string } } };

let dir: string;
let network: StartNetworkReturnType;
let contentNode: string;
let endpoints: string[];

/** Uploads `file` as an image, signed by `account`, from client address `ip`. */
async function upload(account: LocalAccount, file: Uint8Array, ip: string): Promise<Answer> {
  const form = new FormData();
  form.set('template', 'img_square');
  form.append('files', new Blob([file]), 'picture.png');
  const headers = await signRequest({
    account,
    method: 'POST',
    path: '/uploads',
    content: contentSha256Of(file),
  });
  const res = await fetch(`${contentNode}/uploads`, {
    method: 'POST',
    headers: { ...headers, 'x-forwarded-for': ip },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** A new wallet with a user on the chain. */
async function newUser(handle: string): Promise<{ account: LocalAccount; sdk: ColivingSdk }> {
  const account = privateKeyToAccount(generatePrivateKey());
  const sdk = createColivingSdk({ discoveryNodes: endpoints, account, pollIntervalMs: 100 });
  await sdk.users.create({ handle, name: handle });
  return { account, sdk };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-upload-access-'));
  network = await startNetwork({
    dir: join(dir, 'devnet'),
    contentNodes: 1,
    discoveryNodes: 1,
    env: {
      contentNode: {
        COLIVING_TRUST_PROXY: 'true',
        COLIVING_UPLOAD_BYTES_PER_USER_PER_DAY: String(USER_BYTES_PER_DAY),
        COLIVING_UPLOAD_BYTES_PER_IP_PER_DAY: String(IP_BYTES_PER_DAY),
        COLIVING_UPLOAD_RETENTION: `${RETENTION_SECONDS}s`,
        COLIVING_RETENTION_INTERVAL: '1s',
      },
    },
  });
  contentNode = network.contentNodes[0]!.endpoint;
  endpoints = network.discoveryNodes.map((n) => n.endpoint);
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('uploads need a user, have quotas, and are deleted when unused', () => {
  it('refuses an upload signed by a fresh wallet that has no user', async () => {
    const fresh = privateKeyToAccount(generatePrivateKey());
    const answer = await upload(fresh, noisePng(1_000), '10.0.0.1');
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error?.code, 'not_a_user');
  });

  it('takes a user’s uploads up to its daily bytes, then refuses with 429', async () => {
    const { account } = await newUser('quotauser');
    const ip = '10.0.0.2';
    const first = await upload(account, noisePng(USER_BYTES_PER_DAY * 0.6), ip);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const over = await upload(account, noisePng(USER_BYTES_PER_DAY / 2), ip);
    assert.equal(over.status, 429);
    assert.equal(over.body.error?.code, 'user_upload_quota');
  });

  it('holds one address to its daily bytes however many users upload from it', async () => {
    const ip = '10.0.0.3';
    const each = USER_BYTES_PER_DAY / 2;
    const answers: Answer[] = [];
    // Each user stays under its own quota; together they pass the address's.
    for (let i = 0; i < Math.ceil(IP_BYTES_PER_DAY / each) + 1; i++) {
      const { account } = await newUser(`farm${i}`);
      answers.push(await upload(account, noisePng(each), ip));
    }
    const taken = answers.filter((a) => a.status === 201).length;
    assert.ok(taken >= 1 && taken * each <= IP_BYTES_PER_DAY, `${taken} uploads taken`);
    const refused = answers.filter((a) => a.status === 429);
    assert.ok(refused.length >= 1);
    for (const a of refused) assert.equal(a.body.error?.code, 'ip_upload_quota');
    // Another address is not held to this one's budget.
    const { account } = await newUser('elsewhere');
    assert.equal((await upload(account, noisePng(each), '10.0.0.4')).status, 201);
  });

  it('deletes an upload nothing references after the retention period, and keeps a used one', async () => {
    const { account, sdk } = await newUser('retained');
    const picture = noisePng(2_000);
    const used = await upload(account, picture, '10.0.0.5');
    assert.equal(used.status, 201, JSON.stringify(used.body));
    const unused = await upload(account, noisePng(2_000), '10.0.0.5');
    assert.equal(unused.status, 201, JSON.stringify(unused.body));
    const recordOf = async (id: string) => {
      const res = await fetch(`${contentNode}/uploads/${id}`);
      const body = (await res.json()) as { data?: { origFileCid: string } };
      return { status: res.status, cid: body.data?.origFileCid };
    };
    const usedUpload = await recordOf(used.body.data![0]!.id);
    const unusedUpload = await recordOf(unused.body.data![0]!.id);
    // The first picture becomes the user's profile picture (the SDK uploads the same bytes, so
    // the same CID, and signs a User Update); the second is never used.
    const { id: userId } = await sdk.users.byWallet(account.address);
    const user = await sdk.users.update(userId, { profilePicture: picture });
    assert.ok(user.profile_picture, 'the picture is set');

    await until(
      'the unused upload is deleted',
      async () => (await recordOf(unused.body.data![0]!.id)).status === 404,
    );
    assert.equal((await fetch(`${contentNode}/content/${unusedUpload.cid}`)).status, 404);
    // The used one was older, so the pass that deleted the unused one looked at it too.
    assert.equal((await recordOf(used.body.data![0]!.id)).status, 200, 'the used upload is kept');
    assert.equal((await fetch(`${contentNode}/content/${usedUpload.cid}`)).status, 200);
  });
});
