// A whole local Coliving network as real processes: both chains (in this process, on loopback),
// every contract, and content and discovery nodes each in its own child process, registered on
// NodeRegistry with stake the way an operator registers one. The engine of `coliving devnet up`
// and the harness of the SDK's and CLI's end-to-end tests. The chains journal their
// transactions, so a devnet resumes with the same blocks and its nodes carry on where they were.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ChainEndpoints,
  DEVNET_DATA_CHAIN_ID,
  DEVNET_ETH_CHAIN_ID,
  type DeploymentManifest,
  type Devchain,
  createChainClient,
  deployAll,
  devAccountKeys,
  fundAccounts,
  registerNode,
  startDevchain,
} from '@coliving/chain';
import { ServiceType, type ServiceTypeName, serviceTypeManagerAbi } from '@coliving/contracts';
import { BaseError } from '@coliving/protocol';
import type { Address, Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { allocatePorts } from './allocatePorts.js';
import {
  CONTENT_REPAIR_INTERVAL,
  DEFAULT_CONTENT_NODES,
  DEFAULT_DISCOVERY_NODES,
  DISCOVERY_POLL_INTERVAL,
  DISCOVERY_TRENDING_INTERVAL,
  OPERATOR_ETH,
  RELAYER_ETH,
  USER_ACCOUNT_INDEXES,
  USER_DGCO,
} from './constants.js';
import { type NodeProcess, spawnNodeProcess, waitForHealth } from './spawnNodeProcess.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = {
  contentNode: join(ROOT, 'apps/content-node/src/main.ts'),
  discoveryNode: join(ROOT, 'apps/discovery-node/src/main.ts'),
} as const;
/**
 * A previous run's node dirs: a new devnet's chains start empty, and old node state would
 * contradict them.
 */
const NODE_DIR = /^(content|discovery)-node-[0-9]+$/;
/** What a new devnet removes from `dir` besides the node dirs: a previous run's state. */
const PREVIOUS_RUN = ['chains', 'logs', 'manifest.json', 'network.json'];

export type StartNetworkParameters = {
  /** The state dir: manifest, node data dirs and logs (`<dir>/logs/<name>.log`). */
  dir: string;
  /** Content nodes to run; 3 by default. */
  contentNodes?: number;
  /** Discovery nodes to run; 1 by default. */
  discoveryNodes?: number;
  /**
   * Ports portBase (eth chain), portBase+1 (data chain), then one per content node and one per
   * discovery node, in that order. Free ports chosen by the OS without it.
   */
  portBase?: number;
  /** Cancels the start: whatever was started is stopped and the promise rejects. */
  signal?: AbortSignal;
  /** Extra variables for every node of a kind; they override the devnet's own. */
  env?: { contentNode?: Record<string, string>; discoveryNode?: Record<string, string> };
  /**
   * Resumes the devnet saved in `dir` instead of starting a new one: both chains replay their
   * journals (`<dir>/chains/{eth,data}.journal`) to the blocks they had, and the nodes of
   * `<dir>/network.json` start again with their keys, ports, ids and data dirs; nothing is
   * deployed, funded or registered. `contentNodes`, `discoveryNodes` and `portBase`, if given,
   * must agree with the saved network.
   */
  resume?: boolean;
};

/** A funded key pair. */
export type DevnetAccount = { address: Address; privateKey: Hex };

/** One running node of the devnet. */
export type DevnetNode = {
  /** `content-node-1`, `discovery-node-1`, ...: names its data dir and log. */
  name: string;
  endpoint: string;
  port: number;
  /** Registered on NodeRegistry; the node signs with it. */
  delegateWallet: Address;
  delegatePrivateKey: Hex;
  /** Owns the node on NodeRegistry and staked for it. */
  operator: DevnetAccount;
  /** The node id on NodeRegistry. */
  spId: number;
  /** The child process; stopNode and stop signal it by this PID. */
  pid: number;
  dataDir: string;
  logFile: string;
};

/** A discovery node, with the gas wallet its relay submits from. */
export type DevnetDiscoveryNode = DevnetNode & { relayerWallet: Address; relayerPrivateKey: Hex };

export type StartNetworkReturnType = {
  dir: string;
  manifest: DeploymentManifest;
  /** `<dir>/manifest.json`, what COLIVING_MANIFEST points at. */
  manifestFile: string;
  chains: ChainEndpoints;
  contracts: DeploymentManifest['contracts'];
  contentNodes: DevnetNode[];
  discoveryNodes: DevnetDiscoveryNode[];
  /** Dev accounts for users: ETH on both chains and some DGCO, with their private keys. */
  accounts: DevnetAccount[];
  /** Stops one node by its PID (SIGTERM, then SIGKILL); the rest of the network keeps running. */
  stopNode(endpoint: string): Promise<void>;
  /** Stops every node process and both chains; nothing is left listening. Idempotent. */
  stop(): Promise<void>;
};

/** The devnet in `dir` cannot be resumed: none was saved there, or not as it is asked for. */
export class DevnetResumeError extends BaseError {
  static override readonly defaultCode = 'devnet_resume_failed';
  override name = 'DevnetResumeError' as const;
}

type NodeKind = 'contentNode' | 'discoveryNode';

/** What `network.json` holds: the return value without its functions. */
type SavedNetwork = Omit<StartNetworkReturnType, 'stopNode' | 'stop'>;

type PlannedNode = {
  kind: NodeKind;
  name: string;
  port: number;
  endpoint: string;
  dataDir: string;
  logFile: string;
  operator: DevnetAccount;
  delegate: DevnetAccount;
  /** Discovery nodes only. */
  relayer?: DevnetAccount;
};

function newAccount(): DevnetAccount {
  const privateKey = generatePrivateKey();
  return { address: privateKeyToAccount(privateKey).address, privateKey };
}

function count(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number`);
  return n;
}

/** Our environment minus every COLIVING_ variable, so a shell's settings cannot leak into a node. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('COLIVING_') || key === 'NODE_TEST_CONTEXT') continue;
    env[key] = value;
  }
  return env;
}

/** Clears what a previous devnet left in `dir`; only names this module writes are touched. */
async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (NODE_DIR.test(name) || PREVIOUS_RUN.includes(name))
      await rm(join(dir, name), { recursive: true, force: true });
  }
  await mkdir(join(dir, 'logs'));
}

/** Each chain's transaction journal, from which it resumes. */
function journalOf(dir: string, chain: 'eth' | 'data'): string {
  return join(dir, 'chains', `${chain}.journal`);
}

/** Reads the devnet saved in `dir` and checks that it can be resumed as `init` asks. */
async function readSavedNetwork(dir: string, init: StartNetworkParameters): Promise<SavedNetwork> {
  const file = join(dir, 'network.json');
  let saved: SavedNetwork;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as SavedNetwork;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DevnetResumeError(
      missing
        ? `There is no devnet to resume in ${dir} (no network.json): start one without resume`
        : `${file} cannot be read, so the devnet in ${dir} cannot be resumed`,
      { cause: error },
    );
  }
  const refuse = (why: string) =>
    new DevnetResumeError(`The devnet in ${dir} cannot be resumed: ${why}`);
  for (const chain of ['eth', 'data'] as const) {
    if (!existsSync(journalOf(dir, chain)))
      throw refuse(`its ${chain} chain has no journal (${journalOf(dir, chain)})`);
  }
  if (saved.discoveryNodes.some((n) => !n.relayerPrivateKey))
    throw refuse(`${file} has no relayer keys (written by an older devnet)`);
  const counts = [
    ['contentNodes', init.contentNodes, saved.contentNodes.length],
    ['discoveryNodes', init.discoveryNodes, saved.discoveryNodes.length],
  ] as const;
  for (const [what, asked, has] of counts) {
    if (asked !== undefined && asked !== has)
      throw refuse(`it has ${has} ${what}, not ${asked}; start a new one to change that`);
  }
  if (init.portBase !== undefined && portOf(saved.chains.eth.rpcUrl) !== init.portBase)
    throw refuse(
      `it runs on ports from ${portOf(saved.chains.eth.rpcUrl)}, not portBase ${init.portBase}`,
    );
  return saved;
}

const portOf = (url: string) => Number(new URL(url).port);

/** The saved nodes, to start again as they were registered. */
function plannedFrom(saved: SavedNetwork, dir: string): PlannedNode[] {
  const plan = (kind: NodeKind, n: DevnetNode): PlannedNode => ({
    kind,
    name: n.name,
    port: n.port,
    endpoint: n.endpoint,
    // From `dir` as it is now, so a devnet dir that was moved still resumes.
    dataDir: join(dir, n.name),
    logFile: join(dir, 'logs', `${n.name}.log`),
    operator: n.operator,
    delegate: { address: n.delegateWallet, privateKey: n.delegatePrivateKey },
  });
  return [
    ...saved.contentNodes.map((n) => plan('contentNode', n)),
    ...saved.discoveryNodes.map((n) => ({
      ...plan('discoveryNode', n),
      relayer: { address: n.relayerWallet, privateKey: n.relayerPrivateKey },
    })),
  ];
}

/** Checks that each of the saved ports is free, naming what it is for if not. */
async function checkPorts(ports: number[], uses: string[]): Promise<void> {
  for (const [i, use] of uses.entries()) await allocatePorts({ uses: [use], portBase: ports[i]! });
}

/**
 * Starts a local Coliving network: the eth and data chains on 127.0.0.1 with every contract
 * deployed, and `contentNodes` content nodes and `discoveryNodes` discovery nodes, each a child
 * process registered on NodeRegistry with stake. With `resume`, the network saved in `dir`
 * comes back instead: chains replayed from their journals, the same nodes on their old state.
 * Resolves once every node is healthy and every discovery node has indexed every node; a
 * failure stops whatever was started.
 */
export async function startNetwork(init: StartNetworkParameters): Promise<StartNetworkReturnType> {
  const dir = resolve(init.dir);
  const saved = init.resume ? await readSavedNetwork(dir, init) : undefined;
  const contentCount = saved
    ? saved.contentNodes.length
    : count(init.contentNodes, DEFAULT_CONTENT_NODES, 'contentNodes');
  const discoveryCount = saved
    ? saved.discoveryNodes.length
    : count(init.discoveryNodes, DEFAULT_DISCOVERY_NODES, 'discoveryNodes');
  // Cancels the start on the caller's signal, or on the first failure while nodes start.
  const startAbort = new AbortController();
  const signal = init.signal
    ? AbortSignal.any([init.signal, startAbort.signal])
    : startAbort.signal;
  signal.throwIfAborted();

  const names = [
    ...Array.from({ length: contentCount }, (_, i) => `content-node-${i + 1}`),
    ...Array.from({ length: discoveryCount }, (_, i) => `discovery-node-${i + 1}`),
  ];
  const uses = ['the eth chain', 'the data chain', ...names];
  let ports: number[];
  if (saved) {
    // The same ports as before: nodes are registered on NodeRegistry with their endpoints.
    ports = [
      portOf(saved.chains.eth.rpcUrl),
      portOf(saved.chains.data.rpcUrl),
      ...plannedFrom(saved, dir).map((n) => n.port),
    ];
    await checkPorts(ports, uses);
    await mkdir(join(dir, 'logs'), { recursive: true });
  } else {
    ports = await allocatePorts({
      uses,
      ...(init.portBase !== undefined ? { portBase: init.portBase } : {}),
    });
    await prepareDir(dir);
  }
  const [ethPort, dataPort, ...nodePorts] = ports as [number, number, ...number[]];

  const chains: Devchain[] = [];
  const processes: NodeProcess[] = [];
  // Should this process exit without stop() (a crash, process.exit), its nodes go with it.
  const killOnExit = () => {
    for (const p of processes) {
      if (p.exitStatus()) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.on('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(processes.map((p) => p.stop()));
      process.off('exit', killOnExit);
      await Promise.all(chains.map((c) => c.stop()));
    })());

  try {
    // Both at once: on a resume each replays its journal first.
    const started = await Promise.allSettled([
      startDevchain({
        chainId: DEVNET_ETH_CHAIN_ID,
        port: ethPort,
        journal: journalOf(dir, 'eth'),
      }),
      startDevchain({
        chainId: DEVNET_DATA_CHAIN_ID,
        port: dataPort,
        journal: journalOf(dir, 'data'),
      }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') chains.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const [ethChain, dataChain] = chains as [Devchain, Devchain];
    signal.throwIfAborted();

    const manifestFile = join(dir, 'manifest.json');
    const { manifest, planned, spIds } = saved
      ? {
          manifest: saved.manifest,
          planned: plannedFrom(saved, dir),
          spIds: [...saved.contentNodes, ...saved.discoveryNodes].map((n) => n.spId),
        }
      : await deployNetwork({ dir, ethChain, dataChain, names, nodePorts, signal });
    // A new devnet wrote it as it deployed; a resumed one's nodes read it too.
    if (saved) await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    signal.throwIfAborted();
    const accounts = userAccounts();

    const base = inheritedEnv();
    const envOf = (n: PlannedNode): Record<string, string> => {
      const common = {
        COLIVING_HOST: '127.0.0.1',
        COLIVING_PORT: String(n.port),
        COLIVING_PUBLIC_URL: n.endpoint,
        COLIVING_DATA_DIR: n.dataDir,
        COLIVING_DELEGATE_PRIVATE_KEY: n.delegate.privateKey,
        COLIVING_LOG_LEVEL: 'info',
      };
      if (n.kind === 'contentNode') {
        return {
          ...base,
          // As `npm start` runs a content node: two I/O threads serve streams best on few cores.
          UV_THREADPOOL_SIZE: base.UV_THREADPOOL_SIZE ?? '2',
          ...common,
          COLIVING_ETH_RPC_URL: manifest.chains.eth.rpcUrl,
          COLIVING_NODE_REGISTRY_ADDRESS: manifest.contracts.eth.NodeRegistry,
          COLIVING_REPAIR_INTERVAL: CONTENT_REPAIR_INTERVAL,
          ...init.env?.contentNode,
        };
      }
      return {
        ...base,
        ...common,
        COLIVING_MANIFEST: manifestFile,
        COLIVING_RELAYER_PRIVATE_KEY: n.relayer!.privateKey,
        COLIVING_POLL_INTERVAL: DISCOVERY_POLL_INTERVAL,
        COLIVING_TRENDING_INTERVAL: DISCOVERY_TRENDING_INTERVAL,
        ...init.env?.discoveryNode,
      };
    };
    for (const n of planned) {
      await mkdir(n.dataDir, { recursive: true });
      processes.push(
        spawnNodeProcess({
          name: n.name,
          main: MAIN[n.kind],
          cwd: ROOT,
          env: envOf(n),
          logFile: n.logFile,
          endpoint: n.endpoint,
        }),
      );
    }

    const contentEndpoints = planned.filter((n) => n.kind === 'contentNode').map((n) => n.endpoint);
    const discoveryEndpoints = planned
      .filter((n) => n.kind === 'discoveryNode')
      .map((n) => n.endpoint);
    const listsAll = (listed: unknown, wanted: string[]) =>
      Array.isArray(listed) && wanted.every((e) => listed.includes(e));
    try {
      await Promise.all(
        processes.map((p, i) =>
          planned[i]!.kind === 'contentNode'
            ? waitForHealth(p, { signal })
            : waitForHealth(p, {
                signal,
                what: 'every registered node in data.network',
                accept: (data) => {
                  const network = data.network as Record<string, unknown> | undefined;
                  return (
                    listsAll(network?.content_nodes, contentEndpoints) &&
                    listsAll(network?.discovery_nodes, discoveryEndpoints)
                  );
                },
              }),
        ),
      );
    } catch (error) {
      startAbort.abort(error);
      throw error;
    }

    const nodes = planned.map((n, i) => ({
      name: n.name,
      endpoint: n.endpoint,
      port: n.port,
      delegateWallet: n.delegate.address,
      delegatePrivateKey: n.delegate.privateKey,
      operator: n.operator,
      spId: spIds[i]!,
      pid: processes[i]!.pid,
      dataDir: n.dataDir,
      logFile: n.logFile,
      ...(n.relayer
        ? { relayerWallet: n.relayer.address, relayerPrivateKey: n.relayer.privateKey }
        : {}),
    }));
    const network: SavedNetwork = {
      dir,
      manifest,
      manifestFile,
      chains: manifest.chains,
      contracts: manifest.contracts,
      contentNodes: nodes.filter((n) => n.name.startsWith('content')),
      discoveryNodes: nodes.filter((n): n is DevnetDiscoveryNode => n.relayerWallet !== undefined),
      accounts,
    };
    // For tools in other processes (`coliving` commands against a running devnet), and what a
    // resume starts again.
    await writeFile(join(dir, 'network.json'), `${JSON.stringify(network, null, 2)}\n`);
    return {
      ...network,
      async stopNode(endpoint: string) {
        const wanted = endpoint.replace(/\/+$/, '');
        const node = processes.find((p) => p.endpoint === wanted);
        if (!node) throw new Error(`no node of this devnet is at ${endpoint}`);
        await node.stop();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Dev accounts handed out as users: the same on every devnet. */
function userAccounts(): DevnetAccount[] {
  return USER_ACCOUNT_INDEXES.map((i) => {
    const privateKey = devAccountKeys()[i]!;
    return { address: privateKeyToAccount(privateKey).address, privateKey };
  });
}

type DeployNetworkParameters = {
  dir: string;
  ethChain: Devchain;
  dataChain: Devchain;
  names: string[];
  nodePorts: number[];
  signal: AbortSignal;
};

/**
 * A new devnet on empty chains: deploys every contract, gives each node fresh keys, funds the
 * operators, relayers and user accounts, and registers every node with the minimum stake.
 */
async function deployNetwork({
  dir,
  ethChain,
  dataChain,
  names,
  nodePorts,
  signal,
}: DeployNetworkParameters): Promise<{
  manifest: DeploymentManifest;
  planned: PlannedNode[];
  spIds: number[];
}> {
  const deployer = privateKeyToAccount(devAccountKeys()[0]!);
  const manifest = await deployAll({
    endpoints: {
      eth: { rpcUrl: ethChain.rpcUrl, chainId: ethChain.chainId },
      data: { rpcUrl: dataChain.rpcUrl, chainId: dataChain.chainId },
    },
    deployer,
  });
  // Written at once, so a start that fails later still says where its chains were.
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  signal.throwIfAborted();

  const planned: PlannedNode[] = names.map((name, i) => {
    const port = nodePorts[i]!;
    const kind: NodeKind = name.startsWith('content') ? 'contentNode' : 'discoveryNode';
    return {
      kind,
      name,
      port,
      endpoint: `http://127.0.0.1:${port}`,
      dataDir: join(dir, name),
      logFile: join(dir, 'logs', `${name}.log`),
      operator: newAccount(),
      delegate: newAccount(),
      ...(kind === 'discoveryNode' ? { relayer: newAccount() } : {}),
    };
  });

  // Each operator stakes the least its kind of node may have: read from the chain, so a
  // devnet deployed with other bounds still registers.
  const ethClient = createChainClient('eth', manifest.chains.eth);
  const minStake = async (type: ServiceTypeName) =>
    (
      await ethClient.readContract({
        address: manifest.contracts.eth.ServiceTypeManager,
        abi: serviceTypeManagerAbi,
        functionName: 'getServiceTypeInfo',
        args: [ServiceType[type]],
      })
    ).minStake;
  const stakes: Record<NodeKind, bigint> = {
    contentNode: await minStake('contentNode'),
    discoveryNode: await minStake('discoveryNode'),
  };
  const operatorsOf = (kind: NodeKind) =>
    planned.filter((n) => n.kind === kind).map((n) => n.operator.address);
  for (const kind of ['contentNode', 'discoveryNode'] as const) {
    await fundAccounts({
      manifest,
      from: deployer,
      recipients: operatorsOf(kind),
      eth: OPERATOR_ETH,
      dgco: stakes[kind],
    });
  }
  await fundAccounts({
    manifest,
    from: deployer,
    recipients: planned.flatMap((n) => (n.relayer ? [n.relayer.address] : [])),
    eth: RELAYER_ETH,
  });
  await fundAccounts({
    manifest,
    from: deployer,
    recipients: userAccounts().map((a) => a.address),
    dgco: USER_DGCO,
  });
  signal.throwIfAborted();

  // Registered before any node starts, so each reads the whole network at its first look.
  // One at a time: each registration's gas is estimated on the state the one before left.
  const spIds: number[] = [];
  for (const n of planned) {
    const { nodeId } = await registerNode({
      manifest,
      owner: privateKeyToAccount(n.operator.privateKey),
      serviceType: n.kind,
      endpoint: n.endpoint,
      stake: stakes[n.kind],
      delegateWallet: n.delegate.address,
    });
    spIds.push(Number(nodeId));
  }
  signal.throwIfAborted();
  return { manifest, planned, spIds };
}
