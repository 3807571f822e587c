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
import {
  type ServiceTypeName,
  dgcoTokenAbi,
  nodeRegistryAbi,
  ServiceType,
} from '@coliving/contracts';
import { type Address, type Hex, formatUnits, getAddress, isAddress, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Command, CommandArgs } from '../command.js';
import { type CliIo, findDevnetManifest, output } from '../context.js';
import { UsageError } from '../errors.js';

type EthTarget = {
  chain: DeploymentManifest['chains']['eth'];
  registry: Address;
  token: Address;
  staking: Address;
};

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
      const client = createChainClient('eth', target.chain);
      const registered: Omit<NodeStatus, 'version' | 'health' | 'blockLag' | 'problem'>[] = [];
      for (const [name, type] of [
        ['content-node', ServiceType.contentNode],
        ['discovery-node', ServiceType.discoveryNode],
      ] as const) {
        const [ids, nodes] = await client.readContract({
          address: target.registry,
          abi: nodeRegistryAbi,
          functionName: 'getNodesByType',
          args: [type],
        });
        for (const [i, node] of nodes.entries()) {
          const stake = await client.readContract({
            address: target.registry,
            abi: nodeRegistryAbi,
            functionName: 'deployerStakeOf',
            args: [node.owner],
          });
          registered.push({
            id: Number(ids[i]),
            type: name,
            endpoint: node.endpoint,
            owner: node.owner,
            delegateWallet: node.delegateWallet,
            ownerStake: formatUnits(stake, 18),
          });
        }
      }
      // Every node asked at once, each with its own deadline: one dead node costs one timeout.
      const rows: NodeStatus[] = await Promise.all(
        registered.map(async (node) => ({ ...node, ...(await healthOf(node)) })),
      );
      output(io, json, rows, () => (rows.length === 0 ? '(no nodes registered)' : table(rows)));
    },
  },
];

/** How long `node status` waits for a node's health check. */
const HEALTH_TIMEOUT_MS = 3_000;

/** One registered node as `node status` shows it. */
export type NodeStatus = {
  id: number;
  type: string;
  endpoint: string;
  owner: string;
  delegateWallet: string;
  ownerStake: string;
  /** What the node reports running; null when it did not answer. */
  version: string | null;
  /** healthy (200), unhealthy (it answered 503 or something else), unreachable (no answer). */
  health: 'healthy' | 'unhealthy' | 'unreachable';
  /** Blocks between the data chain's head and what a discovery node has indexed; null otherwise. */
  blockLag: number | null;
  /** Why a node is not healthy, in words. */
  problem?: string;
};

/** Asks a node's /health_check; never throws (a node that does not answer is `unreachable`). */
async function healthOf(node: {
  endpoint: string;
  delegateWallet: string;
}): Promise<Pick<NodeStatus, 'version' | 'health' | 'blockLag' | 'problem'>> {
  let res: Response;
  try {
    res = await fetch(`${node.endpoint.replace(/\/+$/, '')}/health_check`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      version: null,
      health: 'unreachable',
      blockLag: null,
      problem: timedOut
        ? `no answer within ${HEALTH_TIMEOUT_MS / 1000} s`
        : 'could not connect to the endpoint',
    };
  }
  let report: Record<string, unknown> = {};
  try {
    const body = (await res.json()) as { data?: Record<string, unknown> };
    report = body.data ?? {};
  } catch {
    // Not JSON: something else answers at that endpoint.
  }
  const version = typeof report.version === 'string' ? report.version : null;
  const lag = report.block_difference;
  const blockLag = typeof lag === 'number' && Number.isFinite(lag) ? lag : null;
  const reported = typeof report.delegateWallet === 'string' ? report.delegateWallet : undefined;
  if (reported && reported.toLowerCase() !== node.delegateWallet.toLowerCase())
    return {
      version,
      health: 'unhealthy',
      blockLag,
      problem: `it signs with ${reported}, not the registered delegate`,
    };
  if (res.status === 200 && report.healthy === true)
    return { version, health: 'healthy', blockLag };
  return {
    version,
    health: 'unhealthy',
    blockLag,
    problem:
      typeof report.error === 'string' ? report.error : `health check answered ${res.status}`,
  };
}

/** `0x1234…abcd`: enough of an address to tell nodes apart in a table. */
function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** The rows as an aligned table, then one line per node that is not healthy, saying why. */
function table(rows: NodeStatus[]): string {
  const header = [
    'ID',
    'TYPE',
    'ENDPOINT',
    'OWNER',
    'DELEGATE',
    'STAKE',
    'VERSION',
    'HEALTH',
    'LAG',
  ];
  const cells = rows.map((r) => [
    String(r.id),
    r.type,
    r.endpoint,
    short(r.owner),
    short(r.delegateWallet),
    `${r.ownerStake} DGCO`,
    r.version ?? '-',
    r.health,
    r.blockLag === null ? '-' : String(r.blockLag),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const problems = rows
    .filter((r) => r.problem)
    .map((r) => `node ${r.id} (${r.endpoint}) is ${r.health}: ${r.problem}`);
  return [line(header), ...cells.map(line), ...(problems.length ? ['', ...problems] : [])].join(
    '\n',
  );
}
