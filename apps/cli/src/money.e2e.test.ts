// The money commands end to end on a real local network in processes (both chains, a content
// node, a discovery node that indexes payments and relays them): `coliving` runs as a user runs
// it, each user with their own COLIVING_HOME, and --json output is parsed here. A landlord puts a
// track on sale with a collaborator's split and another behind a tip gate; a resident with no
// DGCO is refused, is funded, cannot stream the priced track, buys it (the landlord and the
// collaborator gain exactly their shares, the buyer loses exactly the price, as `wallet` and the
// chain say), streams it, is refused a second purchase and the landlord their own; tips and then
// streams the tip-gated track; buys an album, which unlocks its track; `sales` and `purchases`
// list it all.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createChainClient, createChainWallet } from '@coliving/chain';
import { dgcoTokenAbi } from '@coliving/contracts';
import { decodeHashId } from '@coliving/protocol';
import { type StartNetworkReturnType, startNetwork } from '@coliving/devnet';
import { type Address, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { sineWav } from '../../devnet/src/sineWav.js';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CLI = join(ROOT, 'apps/cli/bin/coliving.mjs');

type Json = Record<string, unknown>;
type Amount = { dgco: string; wei: string };

let dir: string;
let network: StartNetworkReturnType;
let endpoints: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-money-e2e-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 1 });
  endpoints = network.discoveryNodes.map((n) => n.endpoint);
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `coliving <args> --json` as the user whose login is in `home`: its exit code and output. */
async function cli(home: string, ...args: string[]): Promise<{ code: number; out: Json }> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args, '--json'], {
      cwd: dir,
      env: {
        ...process.env,
        COLIVING_HOME: join(dir, home),
        COLIVING_DISCOVERY_URL: endpoints.join(','),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: JSON.parse(stdout) as Json };
  } catch (failure) {
    const { code, stdout, stderr } = failure as { code: number; stdout: string; stderr: string };
    if (typeof code !== 'number' || !stdout)
      throw new Error(`coliving ${args.join(' ')}: ${stderr}`);
    return { code, out: JSON.parse(stdout) as Json };
  }
}

/** `coliving <args>` without --json: what a person reads. */
async function text(home: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      COLIVING_HOME: join(dir, home),
      COLIVING_DISCOVERY_URL: endpoints.join(','),
    },
  });
  return stdout;
}

/** Runs a command that must succeed. */
async function ok(home: string, ...args: string[]): Promise<Json> {
  const { code, out } = await cli(home, ...args);
  assert.equal(code, 0, `coliving ${args.join(' ')}: ${JSON.stringify(out)}`);
  return out;
}

/** Runs a command that must fail with `exit`; returns its error. */
async function refused(
  home: string,
  exit: number,
  ...args: string[]
): Promise<{ type: string; code?: string; message: string }> {
  const { code, out } = await cli(home, ...args);
  assert.equal(code, exit, `coliving ${args.join(' ')}: ${JSON.stringify(out)}`);
  return out.error as { type: string; code?: string; message: string };
}

async function chainBalance(wallet: string): Promise<bigint> {
  return createChainClient('eth', network.chains.eth).readContract({
    address: network.contracts.eth.DgcoToken,
    abi: dgcoTokenAbi,
    functionName: 'balanceOf',
    args: [wallet as Address],
  });
}

const walletOf = async (home: string) =>
  (await ok(home, 'wallet')) as { wallet: string; balance: Amount };

describe('coliving wallet, tip, buy, sales and purchases on a local network', () => {
  const wallets: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  let pricedId: string;
  let tipGatedId: string;
  let albumTrackId: string;
  let albumId: string;

  it(
    'lets a landlord price a track with a split and gate another by tips',
    { timeout: 600_000 },
    async () => {
      for (const [home, handle] of [
        ['landlord', 'cashmere'],
        ['collaborator', 'bassline'],
        ['buyer', 'listener'],
      ] as const) {
        const created = await ok(
          home,
          'account',
          'create',
          '--email',
          `${handle}@example.org`,
          '--password',
          `${handle} password`,
          '--handle',
          handle,
          '--name',
          handle,
        );
        wallets[home] = created.wallet as string;
        userIds[home] = created.userId as string;
      }
      await writeFile(join(dir, 'priced.wav'), sineWav(8, 330));
      await writeFile(join(dir, 'fans.wav'), sineWav(8, 440));

      // Refused before any upload: the splits do not sum to 100.
      const badSplit = await refused(
        'landlord',
        2,
        'upload',
        'priced.wav',
        '--title',
        'Priced',
        '--genre',
        'Ambient',
        '--price',
        '2.5',
        '--split',
        '@bassline=30',
      );
      assert.match(badSplit.message, /sum to 30, not 100/);

      const priced = await ok(
        'landlord',
        'upload',
        'priced.wav',
        '--title',
        'Priced',
        '--genre',
        'Ambient',
        '--price',
        '2.5',
        '--split',
        '@bassline=30',
        '--split',
        '@cashmere=70',
      );
      pricedId = priced.trackId as string;
      const got = await ok('buyer', 'track', 'get', pricedId);
      assert.deepEqual(got.stream_conditions, {
        dgco_purchase: {
          price: '2500000000000000000',
          splits: [
            { user_id: decodeHashId(userIds.collaborator!), percentage: 30 },
            { user_id: decodeHashId(userIds.landlord!), percentage: 70 },
          ],
        },
      });
      const fans = await ok(
        'landlord',
        'upload',
        'fans.wav',
        '--title',
        'For Supporters',
        '--genre',
        'Ambient',
        '--tip-gate',
      );
      tipGatedId = fans.trackId as string;
      assert.ok(fans.streamConditions && 'tip_user_id' in (fans.streamConditions as Json));

      await writeFile(join(dir, 'side-a.wav'), sineWav(8, 550));
      albumTrackId = (
        await ok(
          'landlord',
          'upload',
          'side-a.wav',
          '--title',
          'Side A',
          '--genre',
          'Ambient',
          '--price',
          '2',
        )
      ).trackId as string;
      const album = await ok(
        'landlord',
        'playlist',
        'create',
        '--name',
        'Long Player',
        '--album',
        '--price',
        '3',
      );
      albumId = album.playlistId as string;
      assert.deepEqual(album.streamConditions, { dgco_purchase: { price: '3000000000000000000' } });
      await ok('landlord', 'playlist', 'add', albumId, albumTrackId);
    },
  );

  it(
    'refuses a resident with no DGCO before any money moves, then they are funded',
    { timeout: 300_000 },
    async () => {
      assert.deepEqual((await walletOf('buyer')).balance, { dgco: '0', wei: '0' });
      const poor = await refused('buyer', 1, 'buy', pricedId);
      assert.equal(poor.code, 'insufficient_balance');
      assert.match(poor.message, /needs 2.5 DGCO and your wallet holds 0 DGCO/);
      const poorTip = await refused('buyer', 1, 'tip', '@cashmere', '1');
      assert.equal(poorTip.code, 'insufficient_balance');

      // The devnet's first user account holds DGCO: it pays the buyer 20 (and eth for nothing).
      const funder = privateKeyToAccount(network.accounts[0]!.privateKey);
      const wallet = createChainWallet('eth', network.chains.eth, funder);
      const hash = await wallet.writeContract({
        address: network.contracts.eth.DgcoToken,
        abi: dgcoTokenAbi,
        functionName: 'transfer',
        args: [wallets.buyer as Address, parseEther('20')],
      });
      await createChainClient('eth', network.chains.eth).waitForTransactionReceipt({ hash });
      assert.deepEqual((await walletOf('buyer')).balance, {
        dgco: '20',
        wei: '20000000000000000000',
      });
    },
  );

  it(
    'buys the priced track: exact shares, then it streams, and a second purchase is refused',
    { timeout: 300_000 },
    async () => {
      const out = join(dir, 'priced.mp3');
      const locked = await refused('buyer', 1, 'stream', pricedId, '-o', out);
      assert.notEqual(locked.type, 'usage');

      const [landlordBefore, collaboratorBefore] = await Promise.all([
        chainBalance(wallets.landlord!),
        chainBalance(wallets.collaborator!),
      ]);
      const bought = await ok('buyer', 'buy', pricedId);
      assert.equal(bought.title, 'Priced');
      assert.deepEqual(bought.price, { dgco: '2.5', wei: '2500000000000000000' });
      assert.deepEqual(
        (bought.shares as { handle: string; amount: Amount }[]).map((s) => [
          s.handle,
          s.amount.wei,
        ]),
        [
          ['@bassline', '750000000000000000'],
          ['@cashmere', '1750000000000000000'],
        ],
      );
      assert.deepEqual(bought.balance, { dgco: '17.5', wei: '17500000000000000000' });
      assert.equal(await chainBalance(wallets.buyer!), parseEther('17.5'));
      assert.equal(await chainBalance(wallets.landlord!), landlordBefore + parseEther('1.75'));
      assert.equal(
        await chainBalance(wallets.collaborator!),
        collaboratorBefore + parseEther('0.75'),
      );
      assert.equal(
        (await walletOf('collaborator')).balance.wei,
        String(collaboratorBefore + parseEther('0.75')),
      );

      await ok('buyer', 'stream', pricedId, '-o', out);
      assert.ok((await stat(out)).size > 0);

      const again = await refused('buyer', 1, 'buy', pricedId);
      assert.equal(again.code, 'already_owned');
      const own = await refused('landlord', 1, 'buy', pricedId);
      assert.equal(own.code, 'own_content');
      const notForSale = await refused('buyer', 1, 'buy', tipGatedId);
      assert.equal(notForSale.code, 'not_for_sale');
      assert.equal(await chainBalance(wallets.buyer!), parseEther('17.5'), 'no money moved');
    },
  );

  it('tips the landlord, which opens the tip-gated track', { timeout: 300_000 }, async () => {
    const out = join(dir, 'fans.mp3');
    await refused('buyer', 1, 'stream', tipGatedId, '-o', out);
    const small = await refused('buyer', 2, 'tip', '@cashmere', '0.01');
    assert.match(small.message, /at least 0.1 DGCO/);
    const self = await refused('buyer', 2, 'tip', '@listener', '1');
    assert.match(self.message, /cannot tip yourself/);

    const landlordBefore = await chainBalance(wallets.landlord!);
    const tipped = await ok('buyer', 'tip', '@cashmere', '1.5');
    assert.deepEqual(tipped.amount, { dgco: '1.5', wei: '1500000000000000000' });
    assert.deepEqual(tipped.balance, { dgco: '16', wei: '16000000000000000000' });
    assert.equal(await chainBalance(wallets.landlord!), landlordBefore + parseEther('1.5'));
    await ok('buyer', 'stream', tipGatedId, '-o', out);
  });

  it('buys an album, which unlocks its track', { timeout: 300_000 }, async () => {
    const out = join(dir, 'side-a.mp3');
    await refused('buyer', 1, 'stream', albumTrackId, '-o', out);
    const bought = await ok('buyer', 'buy', albumId, '--playlist');
    assert.equal(bought.contentType, 'playlist');
    assert.deepEqual(bought.price, { dgco: '3', wei: '3000000000000000000' });
    assert.deepEqual(bought.balance, { dgco: '13', wei: '13000000000000000000' });
    await ok('buyer', 'stream', albumTrackId, '-o', out);
    const again = await refused('buyer', 1, 'buy', albumTrackId);
    assert.equal(again.code, 'already_owned');
    assert.equal(await chainBalance(wallets.buyer!), parseEther('13'));
  });

  it("lists the landlord's sales and the buyer's purchases", { timeout: 120_000 }, async () => {
    const sales = (await ok('landlord', 'sales')) as {
      count: number;
      total: Amount;
      byContent: { contentId: string; title: string; purchaseCount: number }[];
      sales: { title: string; buyer: { handle: string }; amount: Amount; txHash: string }[];
    };
    assert.equal(sales.count, 2);
    assert.deepEqual(sales.total, { dgco: '5.5', wei: '5500000000000000000' });
    assert.deepEqual(
      sales.byContent.map((c) => [c.contentId, c.title, c.purchaseCount]).sort(),
      [
        [albumId, 'Long Player', 1],
        [pricedId, 'Priced', 1],
      ].sort(),
    );
    assert.deepEqual(
      sales.sales.map((s) => [s.title, s.buyer.handle, s.amount.dgco]),
      [
        ['Long Player', '@listener', '3'],
        ['Priced', '@listener', '2.5'],
      ],
    );
    const purchases = (await ok('buyer', 'purchases')) as unknown as {
      title: string;
      seller: { handle: string };
      amount: Amount;
      txHash: string;
    }[];
    assert.deepEqual(
      purchases.map((p) => [p.title, p.seller.handle, p.amount.wei]),
      [
        ['Long Player', '@cashmere', '3000000000000000000'],
        ['Priced', '@cashmere', '2500000000000000000'],
      ],
    );
    assert.deepEqual(
      purchases.map((p) => p.txHash),
      sales.sales.map((s) => s.txHash),
    );
    assert.deepEqual(await ok('collaborator', 'purchases'), []);

    const salesText = await text('landlord', 'sales');
    assert.match(salesText, /^2 sales, 5.5 DGCO in all/);
    assert.match(salesText, /"Long Player" \(playlist\)\s+1 sold, 3 DGCO/);
    assert.match(salesText, /"Priced" to @listener for 2.5 DGCO/);
    assert.match(
      await text('buyer', 'purchases'),
      /"Priced" \(track \w+\) from @cashmere for 2.5 DGCO/,
    );
    assert.match(
      await text('buyer', 'wallet'),
      /^@listener wallet 0x[0-9a-fA-F]{40}\nbalance 13 DGCO\n$/,
    );
  });
});
