// Node operators: `node register | stake | unstake | status`, on the eth chain's NodeRegistry.
// The chain and contracts come from the local devnet's manifest, or from --manifest (a
// deployment manifest); the operator's key from --private-key or COLIVING_OPERATOR_KEY.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type DeploymentManifest,
  createChainClient,
  createChainWallet,
  registerNode,
} from '@coliving/chain';
import { type ServiceTypeName, dgcoTokenAbi, nodeRegistryAbi } from '@coliving/contracts';
import { type Address, type Hex, formatUnits, getAddress, isAddress, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Command, CommandArgs } from '../command.js';
import { type CliIo, findDevnetManifest, output } from '../context.js';
import { CommandFailure, UsageError } from '../errors.js';
import {
  type NodeStatus,
  type RegistryTarget,
  healthOf,
  readRegistered,
  table,
} from './nodeStatus.js';

type EthTarget = RegistryTarget & { token: Address; staking: Address };

/** Where NodeRegistry is: --manifest, else the devnet's manifest. */
async function ethTarget(io: CliIo, values: CommandArgs['values']): Promise<EthTarget> {
  let chains: { eth?: { rpcUrl: string; chainId: number } } | undefined;
  let contracts: Record<string, string> | undefined;
  if (typeof values.manifest === 'string') {
    const path = resolve(io.cwd, values.manifest);
    let manifest: DeploymentManifest;
    try {
      manifest = JSON.parse(await readFile(path, 'utf8')) as DeploymentManifest;
    } catch (cause) {
      throw new UsageError(`cannot read the deployment manifest ${path}`, { cause });
    }
    chains = manifest.chains;
    contracts = manifest.contracts?.eth;
  } else {
    const found = await findDevnetManifest(io.cwd);
    chains = found?.manifest.chains;
    contracts = found?.manifest.contracts?.eth;
  }
  const registry = contracts?.NodeRegistry;
  const token = contracts?.DgcoToken;
  const staking = contracts?.Staking;
  if (!chains?.eth || !registry || !token || !staking) {
    throw new UsageError(
      'No eth chain to talk to: start the local devnet with `npm start`, or pass --manifest <deployment manifest.json>',
    );
  }
  return {
    chain: chains.eth,
    registry: registry as Address,
    token: token as Address,
    staking: staking as Address,
  };
}

function operatorKey(io: CliIo, values: CommandArgs['values']): Hex {
  const key =
    typeof values['private-key'] === 'string'
      ? values['private-key']
      : io.env.COLIVING_OPERATOR_KEY;
  if (!key)
    throw new UsageError('missing --private-key (or COLIVING_OPERATOR_KEY): the operator wallet');
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new UsageError('the operator key must be 32 bytes of 0x-prefixed hex');
  return key as Hex;
}

function dgco(value: unknown, name: string): bigint {
  if (typeof value !== 'string' || !/^\d+(\.\d{1,18})?$/.test(value))
    throw new UsageError(`${name} must be an amount of DGCO, e.g. 200000`);
  return parseUnits(value, 18);
}

const chainOptions = {
  manifest: { type: 'string' },
  'private-key': { type: 'string' },
} as const;

const SERVICE_TYPES: Record<string, ServiceTypeName> = {
  'content-node': 'contentNode',
  'discovery-node': 'discoveryNode',
};

async function send(
  target: EthTarget,
  key: Hex,
  write: (wallet: ReturnType<typeof createChainWallet>) => Promise<Hex>,
): Promise<Hex> {
  const client = createChainClient('eth', target.chain);
  const hash = await write(createChainWallet('eth', target.chain, privateKeyToAccount(key)));
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`the transaction reverted (${hash})`);
  return hash;
}

/**
 * Refuses, before any transaction, a stake the operator's wallet cannot pay (the token would
 * revert with an error a person cannot read).
 */
async function ensureDgco(target: EthTarget, key: Hex, amount: bigint): Promise<void> {
  const owner = privateKeyToAccount(key).address;
  const balance = await createChainClient('eth', target.chain).readContract({
    address: target.token,
    abi: dgcoTokenAbi,
    functionName: 'balanceOf',
    args: [owner],
  });
  if (balance < amount)
    throw new CommandFailure(
      'insufficient_balance',
      `The operator wallet ${owner} holds ${formatUnits(balance, 18)} DGCO; staking ${formatUnits(amount, 18)} DGCO needs that much`,
    );
}

export const nodeCommands: Command[] = [
  {
    words: ['node', 'register'],
    usage:
      'node register --type content-node|discovery-node --endpoint <url> --stake <DGCO> --delegate <address> [--private-key <k>] [--manifest <m>]',
    summary: 'Register a node on NodeRegistry with stake',
    options: {
      ...chainOptions,
      type: { type: 'string' },
      endpoint: { type: 'string' },
      stake: { type: 'string' },
      delegate: { type: 'string' },
    },
    async run({ values, json }, io) {
      const serviceType = SERVICE_TYPES[String(values.type)];
      if (!serviceType) throw new UsageError('--type must be content-node or discovery-node');
      if (typeof values.endpoint !== 'string' || !/^https?:\/\/[^/\s]+$/.test(values.endpoint))
        throw new UsageError('--endpoint must be the node URL, e.g. https://cn1.example.org');
      if (typeof values.delegate !== 'string' || !isAddress(values.delegate))
        throw new UsageError('--delegate must be the address the node signs with');
      const stake = dgco(values.stake, '--stake');
      const key = operatorKey(io, values);
      const target = await ethTarget(io, values);
      await ensureDgco(target, key, stake);
      const { nodeId, transactionHash } = await registerNode({
        manifest: {
          chains: { eth: target.chain },
          contracts: {
            eth: {
              NodeRegistry: target.registry,
              DgcoToken: target.token,
              Staking: target.staking,
            },
          },
        } as unknown as DeploymentManifest,
        owner: privateKeyToAccount(key),
        serviceType,
        endpoint: values.endpoint,
        stake,
        delegateWallet: getAddress(values.delegate),
      });
      output(
        io,
        json,
        { nodeId: Number(nodeId), transactionHash },
        () => `Registered node ${nodeId} (${values.endpoint as string}); tx ${transactionHash}`,
      );
    },
  },
  {
    words: ['node', 'stake'],
    usage: 'node stake --amount <DGCO> [--private-key <k>] [--manifest <m>]',
    summary: "Add to the operator's stake",
    options: { ...chainOptions, amount: { type: 'string' } },
    async run({ values, json }, io) {
      const amount = dgco(values.amount, '--amount');
      const key = operatorKey(io, values);
      const target = await ethTarget(io, values);
      await ensureDgco(target, key, amount);
      await send(target, key, (wallet) =>
        wallet.writeContract({
          address: target.token,
          abi: dgcoTokenAbi,
          functionName: 'approve',
          args: [target.staking, amount],
        }),
      );
      const hash = await send(target, key, (wallet) =>
        wallet.writeContract({
          address: target.registry,
          abi: nodeRegistryAbi,
          functionName: 'increaseStake',
          args: [amount],
        }),
      );
      output(
        io,
        json,
        { staked: formatUnits(amount, 18), transactionHash: hash },
        () => `Staked ${formatUnits(amount, 18)} DGCO more; tx ${hash}`,
      );
    },
  },
  {
    words: ['node', 'unstake'],
    usage: 'node unstake --amount <DGCO> [--private-key <k>] [--manifest <m>]',
    summary: 'Ask to withdraw stake (released after the lockup)',
    options: { ...chainOptions, amount: { type: 'string' } },
    async run({ values, json }, io) {
      const amount = dgco(values.amount, '--amount');
      const key = operatorKey(io, values);
      const target = await ethTarget(io, values);
      const hash = await send(target, key, (wallet) =>
        wallet.writeContract({
          address: target.registry,
          abi: nodeRegistryAbi,
          functionName: 'requestDecreaseStake',
          args: [amount],
        }),
      );
      const client = createChainClient('eth', target.chain);
      const pending = await client.readContract({
        address: target.registry,
        abi: nodeRegistryAbi,
        functionName: 'getPendingDecrease',
        args: [privateKeyToAccount(key).address],
      });
      output(
        io,
        json,
        {
          requested: formatUnits(amount, 18),
          unlocksAtBlock: Number(pending.lockupExpiryBlock),
          transactionHash: hash,
        },
        () =>
          `Asked to withdraw ${formatUnits(amount, 18)} DGCO; it unlocks at block ${pending.lockupExpiryBlock}; tx ${hash}`,
      );
    },
  },
  {
    words: ['node', 'status'],
    usage: 'node status [--manifest <m>]',
    summary:
      'Every registered node: owner, delegate, stake, endpoint, version, health and block lag',
    options: { manifest: { type: 'string' } },
    async run({ values, json }, io) {
      const target = await ethTarget(io, values);
      const registered = await readRegistered(target);
      // Every node asked at once, each with its own deadline: one dead node costs one timeout.
      const rows: NodeStatus[] = await Promise.all(
        registered.map(async (node) => ({ ...node, ...(await healthOf(node)) })),
      );
      output(io, json, rows, () => (rows.length === 0 ? '(no nodes registered)' : table(rows)));
    },
  },
];
