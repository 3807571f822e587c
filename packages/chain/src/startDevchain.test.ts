import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dgcoTokenAbi, dgcoTokenBytecode } from '@coliving/contracts';
import {
  type Address,
  type Hex,
  encodeDeployData,
  encodeFunctionData,
  numberToHex,
  parseEther,
} from 'viem';
import {
  createChainClient,
  createChainClients,
  createChainWallet,
  resolveEndpoint,
} from './clients.js';
import { DEV_ACCOUNT_BALANCE, DEVNET_DATA_CHAIN_ID, DEVNET_ETH_CHAIN_ID } from './constants.js';
import { devAccountKeys } from './devAccountKeys.js';
import { type Devchain, DevchainJournalError, startDevchain } from './startDevchain.js';
import { privateKeyToAccount } from 'viem/accounts';

/** A port that was free a moment ago, chosen by the OS. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('startDevchain', () => {
  it('serves JSON-RPC on the chosen loopback port with the chosen chain id and funded dev accounts', async () => {
    const port = await freePort();
    const chain = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port });
    try {
      assert.equal(chain.rpcUrl, `http://127.0.0.1:${port}`);
      assert.deepEqual(await resolveEndpoint(chain.rpcUrl), {
        rpcUrl: chain.rpcUrl,
        chainId: DEVNET_ETH_CHAIN_ID,
      });
      const { eth } = createChainClients({
        eth: { rpcUrl: chain.rpcUrl, chainId: DEVNET_ETH_CHAIN_ID },
        data: { rpcUrl: chain.rpcUrl, chainId: DEVNET_ETH_CHAIN_ID },
      });
      const first = privateKeyToAccount(devAccountKeys()[0]!);
      assert.equal(first.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
      assert.equal(await eth.getBalance({ address: first.address }), DEV_ACCOUNT_BALANCE);
      assert.equal(await eth.getBlockNumber(), 0n);
    } finally {
      await chain.stop();
    }
    // Stopped means the port is free again.
    const again = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port });
    await again.stop();
  });

  it('funds extra genesis accounts', async () => {
    const key = `0x${'42'.repeat(32)}` as const;
    const chain = await startDevchain({
      chainId: DEVNET_DATA_CHAIN_ID,
      accounts: [{ privateKey: key, balance: parseEther('7') }],
    });
    try {
      const client = createChainClients({
        eth: { rpcUrl: chain.rpcUrl, chainId: DEVNET_DATA_CHAIN_ID },
        data: { rpcUrl: chain.rpcUrl, chainId: DEVNET_DATA_CHAIN_ID },
      }).data;
      assert.equal(
        await client.getBalance({ address: privateKeyToAccount(key).address }),
        parseEther('7'),
      );
    } finally {
      await chain.stop();
    }
  });

  it('names the port when it is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(address && typeof address !== 'string');
    try {
      await assert.rejects(
        startDevchain({ chainId: DEVNET_ETH_CHAIN_ID, port: address.port }),
        (error: unknown) => {
          assert.match(
            String(error),
            new RegExp(`Port ${address.port} on 127.0.0.1 is already in use`),
          );
          return true;
        },
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('resolveEndpoint reports a URL that is not a chain', async () => {
    const port = await freePort();
    await assert.rejects(resolveEndpoint(`http://127.0.0.1:${port}`));
  });
});

const ETH = DEVNET_ETH_CHAIN_ID;
const deployer = privateKeyToAccount(devAccountKeys()[0]!);
const endpointOf = (chain: Devchain) => ({ rpcUrl: chain.rpcUrl, chainId: chain.chainId });
const rpc = (chain: Devchain, method: string, params: unknown[] = []) =>
  chain.provider.request({ method, params });

/**
 * Deploys DgcoToken with the deployer as treasury (it holds the whole supply), through the
 * in-process provider: an HTTP connection left idle while the test then signs for seconds
 * would be closed by the server's keep-alive timeout just as it is reused.
 */
async function deployToken(chain: Devchain): Promise<Address> {
  const hash = (await rpc(chain, 'eth_sendTransaction', [
    {
      from: deployer.address,
      data: encodeDeployData({
        abi: dgcoTokenAbi,
        bytecode: dgcoTokenBytecode,
        args: [deployer.address, deployer.address],
      }),
    },
  ])) as Hex;
  const receipt = (await rpc(chain, 'eth_getTransactionReceipt', [hash])) as {
    contractAddress: Address;
  };
  return receipt.contractAddress;
}

/** Every block's hash, genesis to head (read in JSON-RPC batches). */
async function blockHashes(chain: Devchain): Promise<Hex[]> {
  const head = Number(await createChainClient('eth', endpointOf(chain)).getBlockNumber());
  const hashes: Hex[] = [];
  for (let from = 0; from <= head; from += 500) {
    const numbers = Array.from({ length: Math.min(500, head + 1 - from) }, (_, i) => from + i);
    const res = await fetch(chain.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        numbers.map((n) => ({
          jsonrpc: '2.0',
          id: n,
          method: 'eth_getBlockByNumber',
          params: [numberToHex(n), false],
        })),
      ),
    });
    const blocks = (await res.json()) as { id: number; result: { hash: Hex; number: Hex } }[];
    for (const [i, block] of blocks.entries()) {
      assert.equal(Number(block.result.number), numbers[i], 'answers in order');
      hashes.push(block.result.hash);
    }
  }
  return hashes;
}

/** Raw DGCO transfers from the deployer, signed here with consecutive nonces. */
async function signTransfers(
  chain: Devchain,
  token: Address,
  count: number,
  from = 0,
): Promise<Hex[]> {
  const nonce = Number(await rpc(chain, 'eth_getTransactionCount', [deployer.address, 'latest']));
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      deployer.signTransaction({
        chainId: chain.chainId,
        type: 'eip1559',
        nonce: nonce + i,
        to: token,
        data: encodeFunctionData({
          abi: dgcoTokenAbi,
          functionName: 'transfer',
          args: [privateKeyToAccount(devAccountKeys()[1 + ((from + i) % 19)]!).address, 1n],
        }),
        gas: 100_000n,
        // 100 gwei: far above the base fee of a devchain's nearly empty blocks.
        maxFeePerGas: 100n * 10n ** 9n,
        maxPriorityFeePerGas: 1n,
      }),
    ),
  );
}

/** Sends raw transactions over HTTP in JSON-RPC batches; answers arrive in order. */
async function sendRaw(chain: Devchain, raws: Hex[], batch = 50): Promise<void> {
  for (let i = 0; i < raws.length; i += batch) {
    const body = raws.slice(i, i + batch).map((raw, j) => ({
      jsonrpc: '2.0',
      id: i + j,
      method: 'eth_sendRawTransaction',
      params: [raw],
    }));
    const res = await fetch(chain.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answers = (await res.json()) as { error?: unknown }[];
    for (const answer of answers) assert.equal(answer.error, undefined, JSON.stringify(answer));
  }
}

async function tokenBalances(chain: Devchain, token: Address): Promise<bigint[]> {
  const client = createChainClient('eth', endpointOf(chain));
  return Promise.all(
    devAccountKeys().map((key) =>
      client.readContract({
        address: token,
        abi: dgcoTokenAbi,
        functionName: 'balanceOf',
        args: [privateKeyToAccount(key).address],
      }),
    ),
  );
}

describe('startDevchain with a journal', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-devchain-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('comes back from its journal with the same blocks, state and clock', async (t) => {
    const journal = join(dir, 'same-blocks.journal');
    const chain = await startDevchain({ chainId: ETH, journal });
    assert.equal(chain.replayed, undefined, 'a new journal has nothing to replay');
    let hashes: Hex[];
    let balances: bigint[];
    let token: Address;
    let offset: number;
    let strangerBalance: bigint;
    const stranger = `0x${'5a'.repeat(20)}` as const;
    const client = createChainClient('eth', endpointOf(chain));
    try {
      token = await deployToken(chain);
      await sendRaw(chain, await signTransfers(chain, token, 20));
      // An unlocked dev account sends through the in-process provider.
      const [, second] = (await rpc(chain, 'eth_accounts')) as Address[];
      await rpc(chain, 'eth_sendTransaction', [{ from: second, to: stranger, value: '0x2a' }]);
      // A reverted transaction still mines its block; replayed, it reverts again.
      // cacheTime 0: viem keeps a block number for its polling interval (50 ms on loopback).
      const before = await client.getBlockNumber({ cacheTime: 0 });
      const broke = createChainWallet(
        'eth',
        endpointOf(chain),
        privateKeyToAccount(devAccountKeys()[19]!),
      );
      await assert.rejects(
        broke.writeContract({
          address: token,
          abi: dgcoTokenAbi,
          functionName: 'transfer',
          args: [stranger, parseEther('1')],
          gas: 100_000n,
        }),
      );
      assert.equal(
        await client.getBlockNumber({ cacheTime: 0 }),
        before + 1n,
        'the reverted transaction mined',
      );
      await rpc(chain, 'hardhat_mine', ['0x5', '0x3c']);
      await rpc(chain, 'evm_increaseTime', [3600]);
      await rpc(chain, 'evm_mine');
      const { timestamp } = await client.getBlock();
      await rpc(chain, 'evm_mine', [Number(timestamp) + 7]);
      await rpc(chain, 'hardhat_setBalance', [stranger, numberToHex(parseEther('3'))]);
      await rpc(chain, 'hardhat_impersonateAccount', [stranger]);
      await rpc(chain, 'evm_setNextBlockTimestamp', [Number(timestamp) + 100]);
      await rpc(chain, 'eth_sendTransaction', [{ from: stranger, to: second, value: '0x1' }]);
      // After the last block: the clock's lead must survive the restart too.
      await rpc(chain, 'evm_increaseTime', [3600]);
      offset = Number(await rpc(chain, 'evm_increaseTime', [0]));
      hashes = await blockHashes(chain);
      balances = await tokenBalances(chain, token);
      strangerBalance = await client.getBalance({ address: stranger });
      assert.ok(hashes.length > 30, `${hashes.length} blocks`);
    } finally {
      await chain.stop();
    }

    const started = performance.now();
    const again = await startDevchain({ chainId: ETH, journal });
    const startMs = Math.round(performance.now() - started);
    try {
      t.diagnostic(
        `replayed ${again.replayed?.requests} requests, ${hashes.length - 1} blocks, in ` +
          `${again.replayed?.durationMs} ms (startDevchain ${startMs} ms)`,
      );
      assert.equal(again.replayed?.blockNumber, hashes.length - 1);
      assert.deepEqual(await blockHashes(again), hashes);
      assert.deepEqual(await tokenBalances(again, token), balances);
      const replayedClient = createChainClient('eth', endpointOf(again));
      assert.equal(await replayedClient.getBalance({ address: stranger }), strangerBalance);
      assert.equal(Number(await rpc(again, 'evm_increaseTime', [0])), offset);
      // The impersonation came back too, and the resumed chain journals on.
      await rpc(again, 'eth_sendTransaction', [
        { from: stranger, to: deployer.address, value: '0x1' },
      ]);
      hashes = await blockHashes(again);
    } finally {
      await again.stop();
    }

    const third = await startDevchain({ chainId: ETH, journal });
    try {
      assert.deepEqual(await blockHashes(third), hashes);
    } finally {
      await third.stop();
    }
  });

  it('starts in the past at genesisTime, moves forward, and keeps both over a restart', async () => {
    const journal = join(dir, 'past.journal');
    const genesisTime = new Date('2026-01-01T00:00:00Z');
    const chain = await startDevchain({ chainId: ETH, journal, genesisTime });
    const client = () => createChainClient('eth', endpointOf(chain));
    let hashes: Hex[];
    try {
      const genesis = await createChainClient('eth', endpointOf(chain)).getBlock({
        blockNumber: 0n,
      });
      assert.equal(genesis.timestamp, BigInt(genesisTime.getTime() / 1000));
      await rpc(chain, 'evm_mine');
      const first = await client().getBlock({ blockTag: 'latest' });
      assert.ok(first.timestamp - genesis.timestamp < 60n, 'the clock runs on from genesis');
      const later = Math.floor(new Date('2026-06-01T00:00:00Z').getTime() / 1000);
      await rpc(chain, 'evm_setNextBlockTimestamp', [later]);
      await rpc(chain, 'evm_mine');
      assert.equal((await client().getBlock({ blockTag: 'latest' })).timestamp, BigInt(later));
      hashes = await blockHashes(chain);
    } finally {
      await chain.stop();
    }
    // A journal's genesis wins over a different genesisTime given again.
    const again = await startDevchain({ chainId: ETH, journal, genesisTime: new Date() });
    try {
      assert.deepEqual(await blockHashes(again), hashes);
    } finally {
      await again.stop();
    }
  });

  it('refuses snapshots, reverts, resets and other mining modes, over HTTP and in process', async () => {
    const chain = await startDevchain({ chainId: ETH, journal: join(dir, 'refuses.journal') });
    try {
      for (const [method, params] of [
        ['evm_snapshot', []],
        ['evm_revert', ['0x1']],
        ['hardhat_reset', []],
        ['evm_setAutomine', [false]],
        ['evm_setIntervalMining', [1000]],
      ] as const) {
        const res = await fetch(chain.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        });
        const { error } = (await res.json()) as { error: { code: number; message: string } };
        assert.equal(error.code, -32004, method);
        assert.match(
          error.message,
          new RegExp(`^${method} is not supported on a devchain that keeps a journal: `),
        );
        await assert.rejects(
          rpc(chain, method, [...params]),
          new RegExp(`${method} is not supported on a devchain that keeps a journal`),
        );
      }
      assert.equal(await rpc(chain, 'hardhat_getAutomine'), true);
    } finally {
      await chain.stop();
    }
    // Without a journal they work as ever.
    const plain = await startDevchain({ chainId: ETH });
    try {
      assert.equal(await rpc(plain, 'evm_snapshot'), '0x1');
    } finally {
      await plain.stop();
    }
  });

  it('drops a torn last line with a warning and journals on after it', async () => {
    const journal = join(dir, 'torn.journal');
    const chain = await startDevchain({ chainId: ETH, journal });
    let hashes: Hex[];
    try {
      const token = await deployToken(chain);
      await sendRaw(chain, await signTransfers(chain, token, 3));
      hashes = await blockHashes(chain);
    } finally {
      await chain.stop();
    }
    // A crash in the middle of a write: a line without its end.
    const whole = await readFile(journal, 'utf8');
    await appendFile(journal, '{"method":"eth_sendRawTransaction","params":["0xf8');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    let again: Devchain;
    try {
      again = await startDevchain({ chainId: ETH, journal });
    } finally {
      process.off('warning', onWarning);
    }
    try {
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!.message, /Dropped the torn last line of the devchain journal/);
      assert.equal(
        (warnings[0] as Error & { code?: string }).code,
        'COLIVING_DEVCHAIN_JOURNAL_TORN',
      );
      assert.equal(await readFile(journal, 'utf8'), whole, 'the torn line is cut from the file');
      assert.deepEqual(await blockHashes(again), hashes);
      await rpc(again, 'evm_mine');
      hashes = await blockHashes(again);
    } finally {
      await again.stop();
    }
    const third = await startDevchain({ chainId: ETH, journal });
    try {
      assert.deepEqual(await blockHashes(third), hashes);
    } finally {
      await third.stop();
    }
  });

  it('fails naming the first block that replays otherwise, or a journal of another chain', async () => {
    const journal = join(dir, 'diverges.journal');
    const chain = await startDevchain({ chainId: ETH, journal });
    try {
      const token = await deployToken(chain);
      await sendRaw(chain, await signTransfers(chain, token, 6));
    } finally {
      await chain.stop();
    }
    await assert.rejects(startDevchain({ chainId: DEVNET_DATA_CHAIN_ID, journal }), (error) => {
      assert.ok(error instanceof DevchainJournalError, String(error));
      assert.equal(error.code, 'journal_mismatch');
      assert.match(error.message, /is of chain 31337, not 31338/);
      return true;
    });

    // Block 3 recorded a later timestamp than the one it was mined with: it hashes otherwise.
    const lines = (await readFile(journal, 'utf8')).trimEnd().split('\n');
    const at = lines.findIndex((line) => (JSON.parse(line) as { block?: number }).block === 3);
    const entry = JSON.parse(lines[at]!) as { timestamp: number };
    lines[at] = JSON.stringify({ ...entry, timestamp: entry.timestamp + 1000 });
    await writeFile(journal, `${lines.join('\n')}\n`);
    await assert.rejects(startDevchain({ chainId: ETH, journal }), (error) => {
      assert.ok(error instanceof DevchainJournalError, String(error));
      assert.equal(error.code, 'journal_diverged');
      assert.equal(error.block, 3);
      assert.equal(error.journal, journal);
      assert.match(
        error.message,
        /diverged at block 3: the journal recorded 0x[0-9a-f]{64} for block 3/,
      );
      return true;
    });
  });

  it('replays 2,000 transactions (the time is printed, not asserted)', async (t) => {
    const journal = join(dir, 'many.journal');
    const chain = await startDevchain({ chainId: ETH, journal });
    let hashes: Hex[];
    let balances: bigint[];
    let token: Address;
    try {
      token = await deployToken(chain);
      const sent = performance.now();
      await sendRaw(chain, await signTransfers(chain, token, 2_000));
      t.diagnostic(
        `sent and journaled 2,000 transfers in ${Math.round(performance.now() - sent)} ms`,
      );
      hashes = await blockHashes(chain);
      balances = await tokenBalances(chain, token);
    } finally {
      await chain.stop();
    }
    const started = performance.now();
    const again = await startDevchain({ chainId: ETH, journal });
    const startMs = Math.round(performance.now() - started);
    try {
      t.diagnostic(
        `replayed ${again.replayed?.requests} requests (${hashes.length - 1} blocks) in ` +
          `${again.replayed?.durationMs} ms; startDevchain took ${startMs} ms`,
      );
      assert.equal(again.replayed?.blockNumber, 2_001);
      assert.deepEqual(await blockHashes(again), hashes);
      assert.deepEqual(await tokenBalances(again, token), balances);
    } finally {
      await again.stop();
    }
  });
});
