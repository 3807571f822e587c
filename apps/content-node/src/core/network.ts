import { nodeRegistryAbi, ServiceType } from '@coliving/contracts';
import { type Address, type Hex, type PublicClient, getAddress } from 'viem';

export type NodeInfo = { endpoint: string; delegateWallet: Address };

/**
 * This node's registration as read from NodeRegistry: its id, and a block in which it was
 * registered with this node's wallet as delegate (upload receipts name both).
 */
export type Registration = { nodeId: bigint; blockHash: Hex };

/** What a content node needs to know about the network: its peers and who may sign streams. */
export interface NetworkView {
  /** Every registered content node, this one included. */
  contentNodes(): NodeInfo[];
  /** The delegate wallets of registered discovery nodes (stream signers). */
  isDiscoverySigner(wallet: Address): boolean;
  /** The endpoints of registered discovery nodes: who says which wallets are users. */
  discoveryNodes(): string[];
  /** The content node whose delegate wallet this is, if any (node-to-node calls). */
  contentNodeByWallet(wallet: Address): NodeInfo | undefined;
  /** This node's registration on the eth chain; undefined when it is not registered there. */
  registration(): Registration | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Endpoints compare as strings, so they are kept in one form: no trailing slash. */
export function canonicalEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

function viewOf(contentNodes: NodeInfo[], discoverySigners: Address[], discoveryNodes: string[]) {
  const signers = new Set(discoverySigners.map((w) => getAddress(w)));
  const byWallet = new Map(contentNodes.map((n) => [getAddress(n.delegateWallet), n]));
  const discovery = discoveryNodes.map(canonicalEndpoint);
  return {
    contentNodes: () => contentNodes,
    // A recovered signer is checksummed already: the set answers it without hashing it again.
    isDiscoverySigner: (wallet: Address) => signers.has(wallet) || signers.has(getAddress(wallet)),
    discoveryNodes: () => discovery,
    contentNodeByWallet: (wallet: Address) => byWallet.get(getAddress(wallet)),
  };
}

/** A network listed by hand (COLIVING_PEERS); `update` replaces the list (a node joining). */
export type StaticNetwork = NetworkView & { update(contentNodes: NodeInfo[]): void };

/**
 * A fixed network (tests, or an operator who lists peers by hand: COLIVING_PEERS, with
 * COLIVING_DISCOVERY_NODES for the discovery nodes uploads are checked with).
 */
export function createStaticNetwork(
  contentNodes: NodeInfo[],
  discoverySigners: Address[],
  discoveryNodes: string[] = [],
): StaticNetwork {
  const build = (nodes: NodeInfo[]) =>
    viewOf(
      nodes.map((n) => ({ ...n, endpoint: canonicalEndpoint(n.endpoint) })),
      discoverySigners,
      discoveryNodes,
    );
  let view = build(contentNodes);
  return {
    contentNodes: () => view.contentNodes(),
    isDiscoverySigner: (wallet) => view.isDiscoverySigner(wallet),
    discoveryNodes: () => view.discoveryNodes(),
    contentNodeByWallet: (wallet) => view.contentNodeByWallet(wallet),
    // A network listed by hand is not read from the chain: no registration to name.
    registration: () => undefined,
    update(nodes) {
      view = build(nodes);
    },
    start: async () => undefined,
    stop: async () => undefined,
  };
}

export type ChainNetworkParameters = {
  client: PublicClient;
  nodeRegistry: Address;
  refreshMs: number;
  onError: (error: unknown) => void;
  /** This node's delegate wallet: finds its own registration among the content nodes. */
  selfWallet?: Address;
};

/** The network as NodeRegistry on the eth chain has it, re-read every `refreshMs`. */
export function createChainNetwork({
  client,
  nodeRegistry,
  refreshMs,
  onError,
  selfWallet,
}: ChainNetworkParameters): NetworkView {
  let current = viewOf([], [], []);
  let registration: Registration | undefined;
  let timer: NodeJS.Timeout | undefined;
  async function refresh(): Promise<void> {
    // Both lists as of one block, so the registration found is true of that block.
    const block = await client.getBlock();
    const read = (serviceType: `0x${string}`) =>
      client.readContract({
        address: nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'getNodesByType',
        args: [serviceType],
        blockNumber: block.number,
      });
    const [[contentIds, content], [, discovery]] = await Promise.all([
      read(ServiceType.contentNode),
      read(ServiceType.discoveryNode),
    ]);
    const own =
      selfWallet === undefined
        ? -1
        : content.findIndex((n) => getAddress(n.delegateWallet) === getAddress(selfWallet));
    registration = own >= 0 ? { nodeId: contentIds[own]!, blockHash: block.hash } : undefined;
    current = viewOf(
      content.map((n) => ({
        endpoint: canonicalEndpoint(n.endpoint),
        delegateWallet: n.delegateWallet,
      })),
      discovery.map((n) => n.delegateWallet),
      discovery.map((n) => n.endpoint),
    );
  }
  return {
    contentNodes: () => current.contentNodes(),
    isDiscoverySigner: (wallet) => current.isDiscoverySigner(wallet),
    discoveryNodes: () => current.discoveryNodes(),
    contentNodeByWallet: (wallet) => current.contentNodeByWallet(wallet),
    registration: () => registration,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh().catch(onError), refreshMs);
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
