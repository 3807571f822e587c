// The shapes of a devnet: what startNetwork is asked for and returns, and what it saves to
// `network.json` to resume from.
import type { ChainEndpoints, DeploymentManifest } from '@coliving/chain';
import type { Address, Hex } from 'viem';
import type { NodeExit } from './spawnNodeProcess.js';

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
  /**
   * A new devnet's data chain starts this far in the past (default: now), so that a seeding can
   * give it a history (seedDemoCatalog's `history`); ignored on a resume. Whoever sets it must
   * bring the chain to the present (advanceDataChain) before anyone listens: a play is counted
   * only within 10 minutes after its block's time.
   */
  dataChainGenesis?: Date;
  /**
   * Called when a node process exits, once the network is up, without stop() or stopNode()
   * having asked it to (it crashed, or someone killed it): `npm start` says so in its terminal
   * (nodeExitWords). The rest of the network keeps running.
   */
  onNodeExit?: (exit: NodeExit) => void;
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

/** The two kinds of node a devnet runs, named as the nodes' env and NodeRegistry name them. */
export type NodeKind = 'contentNode' | 'discoveryNode';

/** What `network.json` holds: the return value without its functions. */
export type SavedNetwork = Omit<StartNetworkReturnType, 'stopNode' | 'stop'>;

/** A node to start: chosen by a new devnet, or read back from a saved one. */
export type PlannedNode = {
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
