// The attacker's tour of issue 21 (docs/security.md): one real network (a local chain pair, a
// discovery node and three content nodes, each a real process), one landlord with a follow-gated
// track, one follower, one attacker, and every attack tried over real HTTP, each refused with its
// status and stable code; the legitimate paths (a follower streams the gated track in full, the
// owner changes their password) still work. The nodes trust X-Forwarded-For from 127.0.0.1, so
// each actor is its own client address and the per-IP limits run at their production values
// (3 sign-ups an hour) or small configured ones (2 uploads an hour).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChainClient, createChainWallet } from '@coliving/chain';
import { entityManagerAbi } from '@coliving/contracts';
import {
  type Action,
  type EntityType,
  type UploadReceipt,
  cidFromBytes,
  contentSha256Of,
  authRecordMessage,
  canonicalJson,
  decodeHashId,
  encodeHashId,
  encodeEntityMetadata,
  encodeStreamSignatureParam,
  listenerProofData,
  parseEntityMetadata,
  parseStreamSignatureParam,
  randomNonce,
  readUploadReceipt,
  signAuthRecord,
  signManageEntity,
  signRequest,
  signStreamData,
  signUploadReceipt,
  toRelayRequest,
} from '@coliving/protocol';
import { type ColivingSdk, type Track, createColivingSdk, lookupKeyOf } from '@coliving/sdk';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';
import { sineWav } from './sineWav.js';

/** The relay's production allowance of User Creates per client address per hour. */
const SIGNUPS_PER_IP_HOUR = 3;
/** Audio uploads per client address per hour, small so that a farm of users reaches it. */
const UPLOADS_PER_IP_HOUR = 2;
/** The gated track: short, so its preview must be cut to half of it (10 s). */
const TRACK_SECONDS = 20;
/** The stream file is MP3 at 320 kbps, constant bit rate (docs/design.md §7): 40,000 bytes a second. */
const STREAM_BYTES_PER_SECOND = 40_000;
const EMAIL = 'landlord@example.com';
/** A 1x1 PNG: the smallest image a content node takes. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

type Answer = {
  status: number;
  body: { data?: unknown; error?: { code: string; message: string } };
};

/** One actor: a wallet, an SDK that speaks from its own client address, and its user. */
type Actor = { account: LocalAccount; sdk: ColivingSdk; ip: string; userId: string };

let dir: string;
let network: StartNetworkReturnType;
let discovery: string;
let contentNodes: string[];
let landlord: Actor;
let follower: Actor;
let mallory: Actor;
/** The landlord's follow-gated track as the API shows it. */
let gated: Track & { track_cid: string; preview_cid?: string };
/** The Track Create the landlord signed, as anyone can read it from the data chain. */
let gatedCreate: Record<string, unknown>;

/** `fetch` that says it comes from `ip` (the nodes trust X-Forwarded-For from 127.0.0.1). */
function fetchFrom(ip: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-for', ip);
    return fetch(input, { ...init, headers });
  };
}

async function answerOf(res: Response): Promise<Answer> {
  // Only errors and envelopes are read: a body of audio is drained and left out.
  if (!res.headers.get('content-type')?.startsWith('application/json')) {
    await res.arrayBuffer();
    return { status: res.status, body: {} };
  }
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** Asserts a refusal: its status and stable code, in the house error shape. */
function assertRefused(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error?.code, code, JSON.stringify(answer.body));
  assert.equal(typeof answer.body.error?.message, 'string');
}

/** `/v1/...` on the discovery node. */
async function get(path: string, ip = '10.0.0.1'): Promise<Answer> {
  return answerOf(await fetchFrom(ip)(`${discovery}${path}`));
}

/** A new wallet whose SDK speaks from `ip`. */
function walletAt(ip: string, account = privateKeyToAccount(generatePrivateKey())) {
  const sdk = createColivingSdk({
    discoveryNodes: [discovery],
    account,
    pollIntervalMs: 100,
    fetch: fetchFrom(ip),
  });
  return { account, sdk, ip };
}

/** A new wallet with a user on the chain, made from `ip`. */
async function newActor(handle: string, ip: string): Promise<Actor> {
  const wallet = walletAt(ip);
  const { userId } = await wallet.sdk.users.create({ handle, name: handle });
  return { ...wallet, userId };
}

type Write = {
  userId: number;
  entityType: EntityType;
  entityId: number;
  action: Action;
  data?: Record<string, unknown>;
};

async function signWrite(account: LocalAccount, w: Write) {
  const message = {
    userId: BigInt(w.userId),
    entityType: w.entityType,
    entityId: BigInt(w.entityId),
    action: w.action,
    metadata: w.data === undefined ? '' : encodeEntityMetadata(w.data),
    nonce: randomNonce(),
  };
  const signature = await signManageEntity({
    account,
    chainId: network.chains.data.chainId,
    verifyingContract: network.contracts.data.EntityManager,
    message,
  });
  return { message, signature };
}

/** `POST /relay` of an action `account` signs, from `ip`. */
async function relay(account: LocalAccount, w: Write, ip: string): Promise<Answer> {
  const { message, signature } = await signWrite(account, w);
  return answerOf(
    await fetchFrom(ip)(`${discovery}/relay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toRelayRequest(message, signature)),
    }),
  );
}

/** How many transactions the discovery node's gas wallet has sent: the relay's spending. */
async function relayerNonce(): Promise<number> {
  return createChainClient('data', network.chains.data).getTransactionCount({
    address: network.discoveryNodes[0]!.relayerWallet,
    blockTag: 'pending',
  });
}

/** Waits, with a bounded deadline, until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** The gated track's stream as `actor` asks for it, proving who they are with `proof`. */
async function streamAs(
  actor: Pick<Actor, 'account' | 'userId' | 'ip'>,
  proof: { now?: number; trackId?: string } = {},
): Promise<Answer> {
  const userData = listenerProofData({
    trackId: proof.trackId ?? gated.id,
    now: proof.now ?? Date.now(),
  });
  const query = new URLSearchParams({
    no_redirect: 'true',
    user_id: actor.userId,
    user_data: userData,
    user_signature: await actor.account.signMessage({ message: userData }),
  });
  return get(`/v1/tracks/${gated.id}/stream?${query.toString()}`, actor.ip);
}

/** The bytes of a signed content node URL, read whole. */
async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Sends raw bytes to `endpoint` over a loopback socket; the status and JSON body of the answer. */
function rawRequest(endpoint: string, request: string): Promise<Answer> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(body) as Answer['body'] });
      } catch {
        reject(new Error(`not a JSON answer: ${text.slice(0, 300)}`));
      }
    });
    socket.end(request);
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-security-'));
  network = await startNetwork({
    dir: join(dir, 'devnet'),
    contentNodes: 3,
    discoveryNodes: 1,
    env: {
      discoveryNode: {
        COLIVING_TRUST_PROXY: '127.0.0.1',
        COLIVING_RELAY_USER_CREATES_PER_IP_HOUR: String(SIGNUPS_PER_IP_HOUR),
      },
      contentNode: {
        COLIVING_TRUST_PROXY: 'true',
        COLIVING_UPLOADS_PER_IP_PER_HOUR: String(UPLOADS_PER_IP_HOUR),
      },
    },
  });
  discovery = network.discoveryNodes[0]!.endpoint;
  contentNodes = network.contentNodes.map((n) => n.endpoint);

  // The landlord is a real Hedgehog owner: a login record on the content nodes opens their wallet.
  const signup = walletAt('10.1.0.1');
  const { account } = await signup.sdk.auth.signUp({ email: EMAIL, password: 'first secret' });
  const { userId } = await signup.sdk.users.create({ handle: 'nightowl', name: 'Night Owl' });
  landlord = { account, sdk: signup.sdk, ip: signup.ip, userId };
  [follower, mallory] = await Promise.all([
    newActor('follower', '10.1.0.2'),
    newActor('mallory', '10.1.0.3'),
  ]);
  await follower.sdk.users.follow(follower.userId, landlord.userId);
  const { trackId } = await landlord.sdk.tracks.upload({
    userId: landlord.userId,
    file: sineWav(TRACK_SECONDS, 440),
    fileName: 'exclusive.wav',
    metadata: {
      title: 'Exclusive',
      genre: 'Electronic',
      streamConditions: { followUserId: landlord.userId },
    },
  });
  gated = (await get(`/v1/tracks/${trackId}`)).body.data as typeof gated;
  assert.equal(typeof gated.track_cid, 'string');

  // What an attacker reads from the data chain: the landlord's signed Track Create, receipt and all.
  const events = await createChainClient('data', network.chains.data).getContractEvents({
    address: network.contracts.data.EntityManager,
    abi: entityManagerAbi,
    eventName: 'ManageEntity',
    args: { userId: BigInt(decodeHashId(landlord.userId)) },
    fromBlock: 0n,
  });
  const create = events.find(
    (e) => e.args.entityType === 'Track' && e.args.action === 'Create',
  )!.args;
  gatedCreate = parseEntityMetadata('Track', 'Create', create.metadata!).data!;
  assert.ok(gatedCreate.upload_receipt, 'the landlord’s receipt is public on the chain');
});

after(async () => {
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(
  'security: every attack of issue 21 is refused on a real network',
  { timeout: 600_000 },
  () => {
    describe('the legitimate paths', () => {
      it('a follower streams the follow-gated track in full: the bytes are its stream file', async () => {
        const answer = await streamAs(follower);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const bytes = await download(answer.body.data as string);
        assert.equal(await cidFromBytes(bytes), gated.track_cid);
        assert.ok(bytes.length >= (TRACK_SECONDS - 1) * STREAM_BYTES_PER_SECOND, `${bytes.length}`);
      });

      it('a non-follower is refused the full track (403 stream_gated), proven or not', async () => {
        assertRefused(await streamAs(mallory), 403, 'stream_gated');
        const anonymous = await get(`/v1/tracks/${gated.id}/stream?no_redirect=true`);
        assertRefused(anonymous, 403, 'stream_gated');
        // A user id without a proof is only a claim: the follower's id opens nothing.
        const claimed = await get(
          `/v1/tracks/${gated.id}/stream?no_redirect=true&user_id=${follower.userId}`,
        );
        assertRefused(claimed, 403, 'stream_gated');
      });
    });

    describe('item 1: a track may only name audio its owner uploaded', () => {
      /** Mallory's public Track Create naming the gated audio, with `receipt` (none when undefined). */
      async function stolenTrack(receipt: UploadReceipt | undefined, cids = {}) {
        const { stream_conditions: _gate, upload_receipt: _receipt, ...rest } = gatedCreate;
        const data: Record<string, unknown> = { ...rest, title: 'Not stolen at all', ...cids };
        if (receipt) data.upload_receipt = receipt;
        const unclaimed = (await get('/v1/tracks/unclaimed_id')).body.data as string;
        return {
          userId: decodeHashId(mallory.userId),
          entityType: 'Track' as const,
          entityId: decodeHashId(unclaimed),
          action: 'Create' as const,
          data,
        };
      }

      /** A receipt Mallory signs herself, naming a registered content node. */
      async function selfSignedReceipt(cids: { cid: string; previewCid: string; origCid: string }) {
        const real = readUploadReceipt(gatedCreate.upload_receipt);
        return signUploadReceipt({
          account: mallory.account,
          data: { ...real, ...cids, uploader: mallory.account.address },
        });
      }

      it('refuses the owner’s receipt copied from the chain (403 receipt_not_owner), at no gas', async () => {
        const nonce = await relayerNonce();
        const write = await stolenTrack(gatedCreate.upload_receipt as UploadReceipt);
        assertRefused(await relay(mallory.account, write, mallory.ip), 403, 'receipt_not_owner');
        assert.equal(await relayerNonce(), nonce, 'the relay paid no gas');
      });

      it('skips the same track sent straight to the chain: it never appears', async () => {
        const write = await stolenTrack(gatedCreate.upload_receipt as UploadReceipt);
        const { message, signature } = await signWrite(mallory.account, write);
        // Mallory pays her own gas: the chain takes any signed action, the indexer decides.
        const gas = privateKeyToAccount(network.accounts[9]!.privateKey);
        const wallet = createChainWallet('data', network.chains.data, gas);
        const hash = await wallet.writeContract({
          address: network.contracts.data.EntityManager,
          abi: entityManagerAbi,
          functionName: 'manageEntity',
          args: [
            message.userId,
            message.entityType,
            message.entityId,
            message.action,
            message.metadata,
            message.nonce,
            signature,
          ],
        });
        const receipt = await createChainClient(
          'data',
          network.chains.data,
        ).waitForTransactionReceipt({ hash });
        assert.equal(receipt.status, 'success');
        await until('the discovery node has indexed the block', async () => {
          const confirmed = await get(
            `/block_confirmation?blocknumber=${receipt.blockNumber}&blockhash=${receipt.blockHash}`,
          );
          return (confirmed.body.data as { block_passed?: boolean }).block_passed === true;
        });
        const track = await get(`/v1/tracks/${encodeHashId(write.entityId)}`);
        assertRefused(track, 404, 'track_not_found');
        const mine = (await get(`/v1/users/${mallory.userId}/tracks`)).body.data as Track[];
        assert.equal(mine.length, 0, 'Mallory has no track');
      });

      it('refuses the gated audio with no receipt (400 no_upload_receipt)', async () => {
        const write = await stolenTrack(undefined);
        assertRefused(await relay(mallory.account, write, mallory.ip), 400, 'no_upload_receipt');
      });

      it('refuses a receipt the uploader signed herself (400 receipt_signer_not_a_node)', async () => {
        const receipt = await selfSignedReceipt({
          cid: gated.track_cid,
          previewCid: gatedCreate.preview_cid as string,
          origCid: gatedCreate.orig_file_cid as string,
        });
        const write = await stolenTrack(receipt);
        assertRefused(
          await relay(mallory.account, write, mallory.ip),
          400,
          'receipt_signer_not_a_node',
        );
      });

      it('refuses the owner’s receipt with its uploader changed (400 receipt_signer_not_a_node)', async () => {
        const real = gatedCreate.upload_receipt as UploadReceipt;
        const data = JSON.parse(real.data) as Record<string, unknown>;
        const tampered = canonicalJson({ ...data, uploader: mallory.account.address });
        const write = await stolenTrack({ data: tampered, signature: real.signature });
        assertRefused(
          await relay(mallory.account, write, mallory.ip),
          400,
          'receipt_signer_not_a_node',
        );
      });

      it('refuses a track naming a CID no node accepted, with or without a receipt', async () => {
        const cids = {
          track_cid: await cidFromBytes(randomBytes(64)),
          preview_cid: await cidFromBytes(randomBytes(64)),
          orig_file_cid: await cidFromBytes(randomBytes(64)),
        };
        const bare = await stolenTrack(undefined, cids);
        assertRefused(await relay(mallory.account, bare, mallory.ip), 400, 'no_upload_receipt');
        const receipt = await selfSignedReceipt({
          cid: cids.track_cid,
          previewCid: cids.preview_cid,
          origCid: cids.orig_file_cid,
        });
        const signed = await stolenTrack(receipt, cids);
        assertRefused(
          await relay(mallory.account, signed, mallory.ip),
          400,
          'receipt_signer_not_a_node',
        );
      });
    });

    describe('item 2: a short gated track’s preview is never the whole track', () => {
      it('redirects the preview to another, shorter file: at most 30 s and half the track', async () => {
        const res = await fetchFrom('10.0.0.1')(
          `${discovery}/v1/tracks/${gated.id}/stream?preview=true`,
          { redirect: 'manual' },
        );
        assert.equal(res.status, 302);
        const location = new URL(res.headers.get('location')!);
        const cid = location.pathname.split('/').pop();
        assert.notEqual(cid, gated.track_cid, 'the preview is not the stream file');
        assert.equal(cid, gatedCreate.preview_cid);
        const preview = await download(location.href);
        assert.equal(await cidFromBytes(preview), cid);
        const seconds = preview.length / STREAM_BYTES_PER_SECOND;
        assert.ok(seconds <= Math.min(30, TRACK_SECONDS / 2) + 0.5, `a ${seconds} s preview`);
        assert.ok(seconds >= 1, `a ${seconds} s preview`);
        // A preview URL is public: it carries no expiry, the full track's does (item 3).
        const signed = parseStreamSignatureParam(location.searchParams.get('signature'));
        assert.equal(signed.data.expiresAt, undefined);
      });
    });

    describe('item 3: a listener’s proof and a gated URL live minutes', () => {
      it('refuses a proof older than 5 minutes, or dated ahead (401 invalid_user_data)', async () => {
        const minute = 60_000;
        assertRefused(
          await streamAs(follower, { now: Date.now() - 6 * minute }),
          401,
          'invalid_user_data',
        );
        assertRefused(
          await streamAs(follower, { now: Date.now() + 2 * minute }),
          401,
          'invalid_user_data',
        );
        // A fresh proof for another track opens nothing here.
        assertRefused(
          await streamAs(follower, { trackId: encodeHashId(decodeHashId(gated.id) + 1) }),
          401,
          'invalid_user_data',
        );
        // The proof is the follower's wallet's, not anyone's who knows the follower's id.
        assertRefused(
          await streamAs({ ...mallory, userId: follower.userId }),
          401,
          'invalid_user_signature',
        );
      });

      it('signs a gated URL for minutes past the track, and content nodes refuse it after', async () => {
        const answer = await streamAs(follower);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const url = new URL(answer.body.data as string);
        const signed = parseStreamSignatureParam(url.searchParams.get('signature'));
        const { expiresAt, timestamp } = signed.data;
        assert.ok(expiresAt !== undefined, 'a gated URL expires');
        const lifetime = expiresAt - timestamp;
        assert.ok(lifetime > TRACK_SECONDS * 1000, `${lifetime} ms`);
        assert.ok(lifetime <= TRACK_SECONDS * 1000 + 5 * 60_000, `${lifetime} ms`);

        // The same URL signed (by the discovery node's own key) as it was 10 minutes ago: expired.
        const signer = privateKeyToAccount(network.discoveryNodes[0]!.delegatePrivateKey);
        const streamWith = async (data: typeof signed.data) => {
          const param = encodeStreamSignatureParam(await signStreamData({ account: signer, data }));
          const query = new URLSearchParams({ signature: param });
          return answerOf(await fetch(`${url.origin}${url.pathname}?${query.toString()}`));
        };
        const now = Date.now();
        const old = { ...signed.data, timestamp: now - 10 * 60_000, expiresAt: now - 60_000 };
        assertRefused(await streamWith(old), 401, 'signature_expired');
        // The control: the same data still within its expiry streams, so the time alone refused it.
        const fresh = await streamWith({ ...old, expiresAt: now + 60_000 });
        assert.equal(fresh.status, 200);
      });
    });

    describe('items 5 and 6: login records only their wallet can change, requests taken once', () => {
      /** A content node's own delegate key: a registered node turned hostile. */
      let peer: LocalAccount;
      let lookupKey: string;
      let record: Record<string, unknown>;
      const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

      before(async () => {
        peer = privateKeyToAccount(network.contentNodes[0]!.delegatePrivateKey);
        lookupKey = await lookupKeyOf(EMAIL, 'first secret');
        record = await readRecord(contentNodes[1]!);
      });

      async function readRecord(node: string): Promise<Record<string, unknown>> {
        const answer = await answerOf(await fetch(`${node}/authentication/${lookupKey}`));
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return answer.body.data as Record<string, unknown>;
      }

      /** A request `peer` signs for `/internal/authentication` with `body`. */
      async function signedPush(body: string) {
        return signRequest({
          account: peer,
          method: 'POST',
          path: '/internal/authentication',
          body,
        });
      }

      async function push(node: string, body: string, headers?: Record<string, string>) {
        return answerOf(
          await fetch(`${node}/internal/authentication`, {
            method: 'POST',
            headers: {
              ...(headers ?? (await signedPush(body))),
              'content-type': 'application/json',
            },
            body,
          }),
        );
      }

      const tombstone = (wallet: string, updatedAt = FAR_FUTURE) => ({
        lookupKey,
        wallet,
        updatedAt,
        deleted: true as const,
      });

      it('refuses a registered node’s unsigned tombstone dated 9999 (400 record_signature_required)', async () => {
        const body = JSON.stringify(tombstone(landlord.account.address));
        assertRefused(await push(contentNodes[1]!, body), 400, 'record_signature_required');
      });

      it('refuses a tombstone the node signed for the owner’s wallet (401 invalid_record_signature)', async () => {
        const version = tombstone(landlord.account.address);
        const signature = await peer.signMessage({ message: authRecordMessage(version) });
        const body = JSON.stringify({ ...version, signature });
        assertRefused(await push(contentNodes[1]!, body), 401, 'invalid_record_signature');
      });

      it('refuses the node’s own signed version of another wallet’s record (403 not_owner)', async () => {
        const version = tombstone(peer.address, new Date().toISOString());
        const signature = await signAuthRecord({ account: peer, version });
        const body = JSON.stringify({ ...version, signature });
        assertRefused(await push(contentNodes[1]!, body), 403, 'not_owner');
        // Nor may another user's wallet take the record over as a client.
        const takeover = tombstone(mallory.account.address, new Date().toISOString());
        const clientBody = JSON.stringify({
          lookupKey,
          iv: record.iv,
          cipherText: record.cipherText,
          updatedAt: takeover.updatedAt,
          signature: await signAuthRecord({
            account: mallory.account,
            version: {
              lookupKey,
              iv: record.iv as string,
              cipherText: record.cipherText as string,
              updatedAt: takeover.updatedAt,
            },
          }),
        });
        const clientWrite = await answerOf(
          await fetch(`${contentNodes[1]}/authentication`, {
            method: 'POST',
            headers: {
              ...(await signRequest({
                account: mallory.account,
                method: 'POST',
                path: '/authentication',
                body: clientBody,
              })),
              'content-type': 'application/json',
            },
            body: clientBody,
          }),
        );
        assertRefused(clientWrite, 403, 'not_owner');
      });

      it('refuses even the owner’s own signature on a version dated 9999 (400 future_updated_at)', async () => {
        const version = tombstone(landlord.account.address);
        const signature = await signAuthRecord({ account: landlord.account, version });
        const body = JSON.stringify({ ...version, signature });
        assertRefused(await push(contentNodes[1]!, body), 400, 'future_updated_at');
      });

      it('refuses a captured peer request replayed with another body, or as it was', async () => {
        // A legitimate push (the owner's own version, echoed as holders do), captured.
        const body = JSON.stringify(record);
        const headers = await signedPush(body);
        const first = await push(contentNodes[2]!, body, headers);
        assert.equal(first.status, 204, JSON.stringify(first.body));
        const otherBody = JSON.stringify(tombstone(landlord.account.address));
        assertRefused(await push(contentNodes[2]!, otherBody, headers), 401, 'wrong_content');
        assertRefused(await push(contentNodes[2]!, body, headers), 409, 'signature_replayed');
      });

      it('leaves the owner’s record on every holder, and the owner changes their password', async () => {
        for (const node of contentNodes) assert.deepEqual(await readRecord(node), record, node);
        await landlord.sdk.auth.changePassword({
          email: EMAIL,
          oldPassword: 'first secret',
          newPassword: 'second secret',
          wallet: landlord.account.address,
        });
        const device = walletAt('10.1.0.9').sdk;
        const { wallet } = await device.auth.logIn({ email: EMAIL, password: 'second secret' });
        assert.equal(wallet, landlord.account.address);
        await assert.rejects(
          walletAt('10.1.0.9').sdk.auth.logIn({ email: EMAIL, password: 'first secret' }),
          (error: { code?: string }) => error.code === 'wrong_credentials',
        );
      });
    });

    describe('item 12: uploads need a user, and one address cannot farm them', () => {
      /** An image upload to the first content node, signed by `account`, from `ip`. */
      async function uploadImage(account: LocalAccount, ip: string): Promise<Answer> {
        const form = new FormData();
        form.set('template', 'img_square');
        form.append('files', new Blob([PNG]), 'picture.png');
        const headers = await signRequest({
          account,
          method: 'POST',
          path: '/uploads',
          content: contentSha256Of(PNG),
        });
        return answerOf(
          await fetch(`${contentNodes[0]}/uploads`, {
            method: 'POST',
            headers: { ...headers, 'x-forwarded-for': ip },
            body: form,
          }),
        );
      }

      it('refuses an upload from a fresh wallet with no user (403 not_a_user)', async () => {
        const fresh = privateKeyToAccount(generatePrivateKey());
        assertRefused(await uploadImage(fresh, '10.4.0.1'), 403, 'not_a_user');
      });

      it('cuts off a farm of fresh users from one address: sign-ups (429), then uploads (429)', async () => {
        const farmIp = '10.2.0.1';
        const farm: Actor[] = [];
        for (let i = 0; i < SIGNUPS_PER_IP_HOUR; i++) farm.push(await newActor(`farm${i}`, farmIp));
        const nonce = await relayerNonce();
        const extra = privateKeyToAccount(generatePrivateKey());
        const id = decodeHashId((await get('/v1/users/unclaimed_id')).body.data);
        const signup = await relay(
          extra,
          {
            userId: id,
            entityType: 'User',
            entityId: id,
            action: 'Create',
            data: { handle: 'farm9', name: 'farm9' },
          },
          farmIp,
        );
        assertRefused(signup, 429, 'ip_signups_limited');
        assert.equal(await relayerNonce(), nonce, 'the relay paid no gas');

        // The users the address did get upload from one address: its hourly allowance, then 429.
        const uploadIp = '10.3.0.1';
        const answers: Answer[] = [];
        for (const user of farm) answers.push(await uploadImage(user.account, uploadIp));
        for (const answer of answers.slice(0, UPLOADS_PER_IP_HOUR))
          assert.equal(answer.status, 201, JSON.stringify(answer.body));
        for (const answer of answers.slice(UPLOADS_PER_IP_HOUR))
          assertRefused(answer, 429, 'ip_upload_rate');
      });
    });

    describe('item 13: the relay pays for nothing it knows will fail', () => {
      it('refuses user B’s update and delete of user A’s track without gas (403 not_owner)', async () => {
        const nonce = await relayerNonce();
        const track = decodeHashId(gated.id);
        const me = decodeHashId(mallory.userId);
        const update = await relay(
          mallory.account,
          {
            userId: me,
            entityType: 'Track',
            entityId: track,
            action: 'Update',
            data: { title: 'Mine' },
          },
          mallory.ip,
        );
        assertRefused(update, 403, 'not_owner');
        const remove = await relay(
          mallory.account,
          { userId: me, entityType: 'Track', entityId: track, action: 'Delete' },
          mallory.ip,
        );
        assertRefused(remove, 403, 'not_owner');
        // Acting as the landlord with Mallory's signature is no better.
        const asOwner = await relay(
          mallory.account,
          {
            userId: decodeHashId(landlord.userId),
            entityType: 'Track',
            entityId: track,
            action: 'Delete',
          },
          mallory.ip,
        );
        assertRefused(asOwner, 401, 'wrong_signer');
        assert.equal(await relayerNonce(), nonce, 'the relay paid no gas');
        assert.equal((await get(`/v1/tracks/${gated.id}`)).status, 200, 'the track is intact');
      });

      it('relays one User Create per wallet: a second at once is 429, a later one 409', async () => {
        const wallet = privateKeyToAccount(generatePrivateKey());
        const ip = '10.5.0.1';
        const [a, b] = await Promise.all(
          [0, 1].map(async (i) => {
            const id = decodeHashId((await get('/v1/users/unclaimed_id')).body.data);
            const handle = `twice${i}`;
            return relay(
              wallet,
              {
                userId: id,
                entityType: 'User',
                entityId: id,
                action: 'Create',
                data: { handle, name: handle },
              },
              ip,
            );
          }),
        );
        const answers = [a!, b!].sort((x, y) => x.status - y.status);
        assert.equal(answers[0]!.status, 200, JSON.stringify(answers[0]!.body));
        assertRefused(answers[1]!, 429, 'wallet_signups_limited');
        await until(
          'the first user is indexed',
          async () => (await get(`/v1/users/account/${wallet.address}`)).status === 200,
        );
        const id = decodeHashId((await get('/v1/users/unclaimed_id')).body.data);
        const later = await relay(
          wallet,
          {
            userId: id,
            entityType: 'User',
            entityId: id,
            action: 'Create',
            data: { handle: 'twice2', name: 'x' },
          },
          '10.5.0.2',
        );
        assertRefused(later, 409, 'wallet_has_user');
      });
    });

    describe('item 14: requests refused before any route answer the house JSON error', () => {
      for (const [name, endpoint] of [
        ['discovery node', () => discovery],
        ['content node', () => contentNodes[0]!],
      ] as const) {
        it(`on a ${name}: control bytes (400), a 20 KB header (431), a 20 KB URL (414)`, async () => {
          const host = new URL(endpoint()).host;
          const control = await rawRequest(
            endpoint(),
            `GET /v1/tracks\x01x HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
          );
          assertRefused(control, 400, 'bad_request');
          const header = await rawRequest(
            endpoint(),
            `GET /health_check HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
          );
          assertRefused(header, 431, 'header_too_large');
          const url = await rawRequest(
            endpoint(),
            `GET /health_check?q=${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
          );
          assertRefused(url, 414, 'uri_too_long');
        });
      }
    });

    describe('item 8: streams are not sent to a dead content node', () => {
      it('redirects away from a content node once it is killed', async (t) => {
        /** Where the discovery node redirects the follower's stream now. */
        const redirect = async () => {
          const answer = await streamAs(follower);
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
          return new URL(answer.body.data as string);
        };
        const dead = (await redirect()).origin;
        const node = network.contentNodes.find((n) => n.endpoint === dead)!;
        process.kill(node.pid, 'SIGKILL');
        const killedAt = Date.now();
        let toDead = 0;
        let live: URL | undefined;
        await until(
          'the stream goes to a live node',
          async () => {
            const url = await redirect();
            if (url.origin === dead) toDead++;
            else live = url;
            return live !== undefined;
          },
          15_000,
        );
        t.diagnostic(
          `${toDead} redirect(s) to the killed node; a live one after ${Date.now() - killedAt} ms`,
        );
        assert.equal(await cidFromBytes(await download(live!.href)), gated.track_cid);
        // From then on, never the dead node again.
        for (let i = 0; i < 5; i++) assert.notEqual((await redirect()).origin, dead);
      });
    });
  },
);
