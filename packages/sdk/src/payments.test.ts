// The SDK's money calls against a real discovery node (a process, on a local eth and data chain,
// with a relayer key): balances, tips and purchases signed by accounts that hold DGCO and no gas,
// relayed by the node, resolving once it has indexed them; the relay's refusals as
// ColivingSdkErrors with its codes; and the reads of who bought and who tipped.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { splitAmount } from '@coliving/protocol';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { fundAccounts } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { type ColivingSdk, createColivingSdk } from './createColivingSdk.js';
import { ColivingSdkError } from './errors.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const DISCOVERY_NODE_MAIN = join(ROOT, 'apps/discovery-node/src/main.ts');
/** Not a round number, so the split leaves a remainder for the landlord. */
const PRICE = parseEther('3') + 1n;

type Actor = { sdk: ColivingSdk; userId: string; wallet: `0x${string}` };

let network: TestNetwork;
let dir: string;
let child: ChildProcess | undefined;
let endpoint: string;
let landlord: Actor;
let collaborator: Actor;
let buyer: Actor;
let broke: Actor;
let albumId: string;
/** Mines a data-chain block now and then, as a live data chain does (payments wait for its time). */
let ticker: NodeJS.Timeout | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function actor(handle: string): Promise<Actor> {
  const account = privateKeyToAccount(generatePrivateKey());
  const sdk = createColivingSdk({ discoveryNodes: [endpoint], account, pollIntervalMs: 100 });
  const { userId } = await sdk.users.create({ handle, name: handle });
  return { sdk, userId, wallet: account.address };
}

async function rejectsWith(promise: Promise<unknown>, type: string, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ColivingSdkError, `not a ColivingSdkError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.type, type, error.message);
    return true;
  });
}

const balanceOf = async (a: Actor) => BigInt((await a.sdk.wallet.balance()).balance);

before(async () => {
  network = await startTestNetwork();
  dir = await mkdtemp(join(tmpdir(), 'coliving-sdk-payments-'));
  const manifest = join(dir, 'manifest.json');
  await writeFile(manifest, JSON.stringify(network.manifest));
  const relayerKey = generatePrivateKey();
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [privateKeyToAccount(relayerKey).address],
    eth: parseEther('10'),
  });
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  const running = spawn(process.execPath, ['--import', 'tsx', DISCOVERY_NODE_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      COLIVING_PORT: String(port),
      COLIVING_DATA_DIR: join(dir, 'data'),
      COLIVING_MANIFEST: manifest,
      COLIVING_DELEGATE_PRIVATE_KEY: generatePrivateKey(),
      COLIVING_RELAYER_PRIVATE_KEY: relayerKey,
      COLIVING_POLL_INTERVAL: '100ms',
      COLIVING_TRENDING_INTERVAL: '0ms',
      COLIVING_LOG_LEVEL: 'warn',
      // Every account here signs up from one address.
      COLIVING_RELAY_USER_CREATES_PER_IP_HOUR: '100',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child = running;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${endpoint}/health_check`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (running.exitCode !== null) throw new Error('the discovery node exited while starting');
    if (Date.now() > deadline) throw new Error('the discovery node did not start in 60 s');
    await new Promise((done) => setTimeout(done, 100));
  }
  ticker = setInterval(() => void network.mine(1, network.dataChain).catch(() => {}), 500);

  landlord = await actor('lola');
  collaborator = await actor('colette');
  buyer = await actor('bea');
  broke = await actor('brody');
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [buyer.wallet, landlord.wallet],
    dgco: parseEther('100'),
  });
  ({ playlistId: albumId } = await landlord.sdk.playlists.create({
    userId: landlord.userId,
    name: 'For sale',
    isAlbum: true,
    streamConditions: {
      purchase: {
        price: PRICE,
        splits: [
          { userId: collaborator.userId, percentage: 25 },
          { userId: landlord.userId, percentage: 75 },
        ],
      },
    },
  }));
});

after(async () => {
  clearInterval(ticker);
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sdk money', () => {
  it('reads a wallet’s DGCO balance from the eth chain', async () => {
    assert.deepEqual(await buyer.sdk.wallet.balance(), {
      wallet: buyer.wallet,
      balance: parseEther('100').toString(),
    });
    assert.equal((await buyer.sdk.wallet.balance({ wallet: broke.wallet })).balance, '0');
  });

  it('buys an album: the price moves exactly as split, once indexed access is granted', async () => {
    const before = await Promise.all([buyer, landlord, collaborator].map(balanceOf));
    const statuses: string[] = [];
    const result = await buyer.sdk.purchases.buy({
      userId: buyer.userId,
      playlistId: albumId,
      onStatus: (s) => statuses.push(s),
    });
    assert.deepEqual(statuses, ['signing', 'relaying', 'indexing']);
    assert.match(result.txHash, /^0x[0-9a-f]{64}$/);
    const after = await Promise.all([buyer, landlord, collaborator].map(balanceOf));
    // The collaborator's 25% first, the landlord's 75% last with the remainder.
    const [collabShare, landlordShare] = splitAmount(PRICE, [2500, 7500]);
    assert.equal(before[0]! - after[0]!, PRICE);
    assert.equal(after[1]! - before[1]!, landlordShare);
    assert.equal(after[2]! - before[2]!, collabShare);
    // Resolved once indexed: the purchase is listed, and the album is the buyer's to stream.
    const [purchase] = await buyer.sdk.users.purchases(buyer.userId);
    assert.equal(purchase?.signature.toLowerCase(), result.txHash.toLowerCase());
    assert.equal(purchase?.amount, PRICE.toString());
    const info = await buyer.sdk.playlists.accessInfo(albumId, { userId: buyer.userId });
    assert.equal(info.access.stream, true);
    const [sale] = await landlord.sdk.users.sales(landlord.userId);
    assert.equal(sale?.buyer_user_id, buyer.userId);
    assert.deepEqual(await landlord.sdk.users.salesAggregate(landlord.userId), [
      {
        content_type: 'playlist',
        content_id: albumId,
        purchase_count: 1,
        amount: PRICE.toString(),
      },
    ]);
    const purchasers = await landlord.sdk.users.purchasers(landlord.userId, {
      contentType: 'playlist',
      contentId: albumId,
    });
    assert.deepEqual(
      purchasers.map((u) => u.id),
      [buyer.userId],
    );
  });

  it('refuses before any money moves: owned, own content, short of DGCO, bad amounts', async () => {
    const before = await balanceOf(buyer);
    await rejectsWith(
      buyer.sdk.purchases.buy({ userId: buyer.userId, playlistId: albumId }),
      'conflict',
      'already_owned',
    );
    await rejectsWith(
      landlord.sdk.purchases.buy({ userId: landlord.userId, playlistId: albumId }),
      'conflict',
      'own_content',
    );
    await rejectsWith(
      broke.sdk.purchases.buy({ userId: broke.userId, playlistId: albumId }),
      'invalid_input',
      'insufficient_balance',
    );
    await rejectsWith(
      buyer.sdk.tips.send({ userId: buyer.userId, toUserId: landlord.userId, amount: '0.05' }),
      'invalid_input',
      'tip_too_small',
    );
    await rejectsWith(
      buyer.sdk.tips.send({ userId: buyer.userId, toUserId: landlord.userId, amount: '-1' }),
      'invalid_input',
      'invalid_amount',
    );
    await rejectsWith(
      buyer.sdk.tips.send({ userId: buyer.userId, toUserId: buyer.userId, amount: '1' }),
      'invalid_input',
      'self_tip',
    );
    assert.equal(await balanceOf(buyer), before);
  });

  it('tips in DGCO: the amount moves and the receiver lists the sender as a supporter', async () => {
    const before = await Promise.all([buyer, collaborator].map(balanceOf));
    const result = await buyer.sdk.tips.send({
      userId: buyer.userId,
      toUserId: collaborator.userId,
      amount: '1.25',
    });
    const after = await Promise.all([buyer, collaborator].map(balanceOf));
    assert.equal(before[0]! - after[0]!, parseEther('1.25'));
    assert.equal(after[1]! - before[1]!, parseEther('1.25'));
    const tips = await buyer.sdk.tips.list({ userId: buyer.userId });
    assert.ok(tips.some((t) => t.tx_signature.toLowerCase() === result.txHash.toLowerCase()));
    const [supporter] = await collaborator.sdk.users.supporters(collaborator.userId);
    assert.equal(supporter?.sender.id, buyer.userId);
    assert.equal(supporter?.amount, parseEther('1.25').toString());
    const [supporting] = await buyer.sdk.users.supporting(buyer.userId);
    assert.equal(supporting?.receiver.id, collaborator.userId);
  });
});
