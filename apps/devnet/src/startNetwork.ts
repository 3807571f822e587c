// A whole local Coliving network as real processes: both chains (in this process, on loopback),
// every contract, and content and discovery nodes each in its own child process, registered on
// NodeRegistry with stake the way an operator registers one. The engine of `coliving devnet up`
// and the harness of the SDK's and CLI's end-to-end tests. The chains journal their
// transactions, so a devnet resumes with the same blocks and its nodes carry on where they were.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEVNET_DATA_CHAIN_ID,
  DEVNET_ETH_CHAIN_ID,
  type Devchain,
  startDevchain,
} from '@coliving/chain';
import { allocatePorts } from './allocatePorts.js';
import {
  CONTENT_REPAIR_INTERVAL,
  DEFAULT_CONTENT_NODES,
  DEFAULT_DISCOVERY_NODES,
  DISCOVERY_POLL_INTERVAL,
  DISCOVERY_TRENDING_INTERVAL,
  DISCOVERY_USER_CREATES_PER_IP_HOUR,
} from './constants.js';
import { deployNetwork, userAccounts } from './deployNetwork.js';
import type {
  DevnetDiscoveryNode,
  PlannedNode,
  SavedNetwork,
  StartNetworkParameters,
  StartNetworkReturnType,
} from './networkTypes.js';
import { journalOf, plannedFrom, portOf, readSavedNetwork } from './readSavedNetwork.js';
import { type NodeProcess, spawnNodeProcess, waitForHealth } from './spawnNodeProcess.js';

export type {
  DevnetAccount,
  DevnetDiscoveryNode,
  DevnetNode,
  StartNetworkParameters,
  StartNetworkReturnType,
} from './networkTypes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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
        ...(init.dataChainGenesis && !saved ? { genesisTime: init.dataChainGenesis } : {}),
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
          // Plays go to the data chain's PlayLog, paid by the node's delegate wallet.
          COLIVING_DATA_RPC_URL: manifest.chains.data.rpcUrl,
          COLIVING_PLAY_LOG_ADDRESS: manifest.contracts.data.PlayLog,
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
        COLIVING_RELAY_USER_CREATES_PER_IP_HOUR: DISCOVERY_USER_CREATES_PER_IP_HOUR,
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
    // Content nodes are listed as objects with an endpoint (Audius's shape), discovery nodes as
    // endpoints.
    const listsAll = (listed: unknown, wanted: string[]) => {
      if (!Array.isArray(listed)) return false;
      const endpoints = listed.map((n: unknown) =>
        typeof n === 'string' ? n : (n as { endpoint?: unknown } | null)?.endpoint,
      );
      return wanted.every((e) => endpoints.includes(e));
    };
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
    // From here on a node that exits unasked is news for whoever runs the network.
    const { onNodeExit } = init;
    if (onNodeExit) for (const p of processes) p.onUnexpectedExit(onNodeExit);

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
