// Benchmarks the chain layer: compiling every contract, deploying everything on two fresh
// devchains, and how many EntityManager actions per second the data chain records.
// Usage: npm run bench:chain [-- <actions, default 5000> [<relayers, default 4> [<actions per
// transaction, default 25; 1 sends each action as its own manageEntity transaction>]]]
import {
  type Devchain,
  DEVCHAIN_BLOCK_GAS_LIMIT,
  DEVNET_DATA_CHAIN_ID,
  DEVNET_ETH_CHAIN_ID,
  createChainClient,
  deployAll,
  devAccountKeys,
  startDevchain,
} from '@coliving/chain';
import { entityManagerAbi } from '@coliving/contracts';
import { type ManageEntityMessage, randomNonce, signManageEntity } from '@coliving/protocol';
import { type Hex, encodeFunctionData, parseEventLogs, toEventSelector } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { compileContracts } from '../packages/contracts/src/build/compileContracts.js';

/** The write path must record at least this many actions a second on one data chain. */
const TARGET_ACTIONS_PER_SECOND = 1000;
/** Actions submitted before each mined block: about what fits in one 60M-gas block. */
const BLOCK_CHUNK_ACTIONS = 1000;
/** JSON-RPC requests per HTTP batch when submitting raw transactions and reading receipts. */
const RPC_BATCH = 500;
/** A generous bound on one JSON-RPC round trip to a local devchain. */
const RPC_TIMEOUT_MS = 120_000;

const actionCount = positiveInt(process.argv[2], 5000, 'action count');
const relayerCount = positiveInt(process.argv[3], 4, 'relayer count');
const actionsPerTx = positiveInt(process.argv[4], 25, 'actions per transaction');

function positiveInt(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${what} must be a positive integer, got "${value}"`);
  return n;
}

type RpcRequest = { method: string; params: unknown[] };
type RpcResponse = { id: number; result?: unknown; error?: { code: number; message: string } };

/** Sends JSON-RPC requests in HTTP batches and returns the results in order; throws on any error. */
async function rpcBatch(rpcUrl: string, requests: RpcRequest[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let start = 0; start < requests.length; start += RPC_BATCH) {
    const chunk = requests.slice(start, start + RPC_BATCH);
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chunk.map((r, i) => ({ jsonrpc: '2.0', id: i, ...r }))),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    const body = (await response.json()) as RpcResponse[];
    body.sort((a, b) => a.id - b.id);
    for (const item of body) {
      if (item.error) throw new Error(`${chunk[item.id]?.method} failed: ${item.error.message}`);
      results.push(item.result);
    }
  }
  return results;
}

async function rpc(chain: Devchain, method: string, params: unknown[] = []): Promise<unknown> {
  return chain.provider.request({ method, params });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A mix of the writes a busy network sees: track creates with metadata, follows, saves, reposts. */
function actionFor(i: number, userId: bigint): ManageEntityMessage {
  const entityId = BigInt(i + 1);
  switch (i % 4) {
    case 0:
      return {
        userId,
        entityType: 'Track',
        entityId,
        action: 'Create',
        metadata: JSON.stringify({
          cid: '',
          data: { title: `Track ${i}`, genre: 'Electronic', description: 'Recorded live.' },
        }),
        nonce: randomNonce(),
      };
    case 1:
      return {
        userId,
        entityType: 'User',
        entityId,
        action: 'Follow',
        metadata: '',
        nonce: randomNonce(),
      };
    case 2:
      return {
        userId,
        entityType: 'Track',
        entityId,
        action: 'Save',
        metadata: '',
        nonce: randomNonce(),
      };
    default:
      return {
        userId,
        entityType: 'Track',
        entityId,
        action: 'Repost',
        metadata: '',
        nonce: randomNonce(),
      };
  }
}

async function main(): Promise<void> {
  console.log(
    `chain benchmark: ${actionCount} EntityManager actions from ${relayerCount} relayer(s), ` +
      (actionsPerTx === 1
        ? 'one manageEntity per transaction'
        : `${actionsPerTx} per manageEntities transaction`),
  );

  let started = performance.now();
  const compiled = compileContracts();
  const compileMs = performance.now() - started;
  console.log(
    `compile: ${seconds(compileMs)} (${compiled.contracts.length} contracts, solc ${compiled.solcVersion})`,
  );

  started = performance.now();
  const ethChain = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID });
  const dataChain = await startDevchain({ chainId: DEVNET_DATA_CHAIN_ID });
  const chainsMs = performance.now() - started;
  try {
    const keys = devAccountKeys();
    const accounts = keys.map((key) => privateKeyToAccount(key));
    const [deployer] = accounts;
    if (!deployer) throw new Error('no dev accounts');
    if (relayerCount > accounts.length - 5)
      throw new Error(`at most ${accounts.length - 5} relayers (dev accounts 5 and up)`);
    started = performance.now();
    const manifest = await deployAll({
      endpoints: {
        eth: { rpcUrl: ethChain.rpcUrl, chainId: ethChain.chainId },
        data: { rpcUrl: dataChain.rpcUrl, chainId: dataChain.chainId },
      },
      deployer,
    });
    const deployMs = performance.now() - started;
    console.log(`start two devchains: ${seconds(chainsMs)}`);
    console.log(`deploy: ${seconds(deployMs)} (every contract on both chains, initialized)`);

    const entityManager = manifest.contracts.data.EntityManager;
    const chainId = manifest.chains.data.chainId;
    const data = createChainClient('data', manifest.chains.data);
    const users = accounts.slice(1, 5);
    const relayers = accounts.slice(5, 5 + relayerCount);

    // 1. Users sign their actions off-chain.
    started = performance.now();
    const actions: { message: ManageEntityMessage; signature: Hex; signer: string }[] = [];
    for (let i = 0; i < actionCount; i++) {
      const userIndex = i % users.length;
      const user = users[userIndex]!;
      const message = actionFor(i, BigInt(userIndex + 1));
      const signature = await signManageEntity({
        account: user,
        chainId,
        verifyingContract: entityManager,
        message,
      });
      actions.push({ message, signature, signer: user.address });
    }
    const signActionsMs = performance.now() - started;

    // 2. Relayers sign the transactions that carry them (one action each, or batches through
    //    manageEntities), with explicit nonces, gas and fees.
    const calldata: Hex[] = [];
    for (let from = 0; from < actions.length; from += actionsPerTx) {
      const batch = actions.slice(from, from + actionsPerTx);
      calldata.push(
        actionsPerTx === 1
          ? encodeFunctionData({
              abi: entityManagerAbi,
              functionName: 'manageEntity',
              args: [
                batch[0]!.message.userId,
                batch[0]!.message.entityType,
                batch[0]!.message.entityId,
                batch[0]!.message.action,
                batch[0]!.message.metadata,
                batch[0]!.message.nonce,
                batch[0]!.signature,
              ],
            })
          : encodeFunctionData({
              abi: entityManagerAbi,
              functionName: 'manageEntities',
              args: [batch.map(({ message: m, signature }) => ({ ...m, signature }))],
            }),
      );
    }
    const txCount = calldata.length;
    // Gas per transaction, measured on the first few, with headroom for other metadata, random
    // nonces and signatures.
    let gasPerTx = 0n;
    for (let t = 0; t < Math.min(4, txCount); t++) {
      const estimate = await data.estimateGas({
        account: relayers[0]!.address,
        to: entityManager,
        data: calldata[t]!,
      });
      if (estimate > gasPerTx) gasPerTx = estimate;
    }
    gasPerTx = (gasPerTx * 12n) / 10n;
    const totalGasLimit = gasPerTx * BigInt(txCount);
    // Full blocks raise the base fee by up to 12.5 % each; leave room for all of them, twice.
    const expectedBlocks = Number(totalGasLimit / BigInt(DEVCHAIN_BLOCK_GAS_LIMIT)) + 2;
    const baseFee = (await data.getBlock()).baseFeePerGas ?? 0n;
    const { maxPriorityFeePerGas } = await data.estimateFeesPerGas();
    let maxFeePerGas = baseFee * 2n;
    for (let b = 0; b < expectedBlocks; b++) maxFeePerGas = (maxFeePerGas * 9n) / 8n;
    maxFeePerGas += maxPriorityFeePerGas;

    started = performance.now();
    const nonces = await Promise.all(
      relayers.map((r) => data.getTransactionCount({ address: r.address, blockTag: 'pending' })),
    );
    const rawTransactions: Hex[] = [];
    for (let i = 0; i < txCount; i++) {
      const r = i % relayers.length;
      const relayer = relayers[r]!;
      rawTransactions.push(
        await relayer.signTransaction({
          type: 'eip1559',
          chainId,
          nonce: nonces[r]!++,
          to: entityManager,
          data: calldata[i]!,
          gas: gasPerTx,
          maxFeePerGas,
          maxPriorityFeePerGas,
          value: 0n,
        }),
      );
    }
    const signTxMs = performance.now() - started;

    // 3. Submit to a paused chain one block's worth at a time and mine it, as a relay does:
    //    EDR builds blocks far slower when thousands more transactions wait in its pool.
    await rpc(dataChain, 'evm_setAutomine', [false]);
    started = performance.now();
    const firstBlock = (await data.getBlockNumber()) + 1n;
    const hashes: Hex[] = [];
    let blocks = 0;
    let fullest = 0;
    let submitMs = 0;
    const mineStarted = performance.now();
    const blockChunk = Math.max(1, Math.floor(BLOCK_CHUNK_ACTIONS / actionsPerTx));
    for (let from = 0; from < rawTransactions.length; from += blockChunk) {
      const chunk = rawTransactions.slice(from, from + blockChunk);
      const submitted = performance.now();
      hashes.push(
        ...((await rpcBatch(
          dataChain.rpcUrl,
          chunk.map((tx) => ({ method: 'eth_sendRawTransaction', params: [tx] })),
        )) as Hex[]),
      );
      submitMs += performance.now() - submitted;
      let pending = chunk.length;
      while (pending > 0) {
        await rpc(dataChain, 'evm_mine');
        blocks++;
        const block = (await rpc(dataChain, 'eth_getBlockByNumber', ['latest', false])) as {
          transactions: unknown[];
        };
        if (block.transactions.length === 0)
          throw new Error(`a mined block took no transactions while ${pending} were pending`);
        fullest = Math.max(fullest, block.transactions.length);
        pending -= block.transactions.length;
      }
    }
    const mineMs = performance.now() - mineStarted;
    const totalMs = performance.now() - started;
    await rpc(dataChain, 'evm_setAutomine', [true]);
    const lastBlock = await data.getBlockNumber();

    // 4. Every transaction succeeded and recorded exactly its action, attributed to its user.
    const receipts = (await rpcBatch(
      dataChain.rpcUrl,
      hashes.map((hash) => ({ method: 'eth_getTransactionReceipt', params: [hash] })),
    )) as { status: Hex; gasUsed: Hex; logs: { address: string; topics: Hex[] }[] }[];
    const manageEntityTopic = toEventSelector(
      'ManageEntity(uint256,address,string,uint256,string,string)',
    );
    let succeeded = 0;
    let logCount = 0;
    let gasUsed = 0n;
    for (const receipt of receipts) {
      if (receipt?.status === '0x1') succeeded++;
      gasUsed += BigInt(receipt?.gasUsed ?? 0);
      logCount += (receipt?.logs ?? []).filter(
        (l) =>
          l.address.toLowerCase() === entityManager.toLowerCase() &&
          l.topics[0] === manageEntityTopic,
      ).length;
    }
    const events = parseEventLogs({
      abi: entityManagerAbi,
      eventName: 'ManageEntity',
      logs: await data.getLogs({
        address: entityManager,
        fromBlock: firstBlock,
        toBlock: lastBlock,
      }),
    });
    const distinctNonces = new Set(actions.map((a) => a.message.nonce)).size;
    let attributed = 0;
    for (const event of events) {
      const action = actions[Number(event.args.entityId) - 1];
      if (
        action &&
        event.args.signer === action.signer &&
        event.args.userId === action.message.userId
      )
        attributed++;
    }
    const failures = [
      succeeded !== txCount && `${txCount - succeeded} transactions failed`,
      logCount !== actionCount &&
        `${logCount} ManageEntity logs in receipts, expected ${actionCount}`,
      attributed !== actionCount &&
        `${attributed} events attributed to their signer, expected ${actionCount}`,
      distinctNonces !== actionCount && 'nonces were not unique',
    ].filter(Boolean);

    const perSecond = actionCount / (totalMs / 1000);
    console.log(
      `sign actions (EIP-712, off-chain): ${Math.round(actionCount / (signActionsMs / 1000))}/s`,
    );
    console.log(`sign relay transactions: ${Math.round(txCount / (signTxMs / 1000))}/s`);
    console.log(
      `submit ${txCount} raw transactions: ${seconds(submitMs)}; submit and mine ${blocks} blocks: ${seconds(mineMs)} ` +
        `(up to ${fullest} transactions in a ${DEVCHAIN_BLOCK_GAS_LIMIT / 1e6}M-gas block, ${gasUsed / BigInt(actionCount)} gas/action)`,
    );
    console.log(
      `receipts: ${succeeded}/${txCount} succeeded, ${logCount} ManageEntity logs, ${attributed} attributed`,
    );
    console.log(
      `entity actions/s: ${Math.round(perSecond)} (target >= ${TARGET_ACTIONS_PER_SECOND})` +
        (perSecond >= TARGET_ACTIONS_PER_SECOND ? '' : '  BELOW TARGET'),
    );
    if (failures.length > 0) throw new Error(`benchmark run was not clean: ${failures.join('; ')}`);
  } finally {
    await Promise.all([ethChain.stop(), dataChain.stop()]);
  }
}

await main();
