import { nodeRegistryAbi, ServiceType } from '@coliving/contracts';
import { type Address, type PublicClient, getAddress } from 'viem';

export type NodeInfo = { endpoint: string; delegateWallet: Address };

/** What a content node needs to know about the network: its peers and who may sign streams. */
export interface NetworkView {
  /** Every registered content node, this one included. */
  contentNodes(): NodeInfo[];
  /** The delegate wallets of registered discovery nodes (stream signers). */
  isDiscoverySigner(wallet: Address): boolean;
  /** The content node whose delegate wallet this is, if any (node-to-node calls). */
  contentNodeByWallet(wallet: Address): NodeInfo | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Endpoints compare as strings, so they are kept in one form: no trailing slash. */
export function canonicalEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

function viewOf(contentNodes: NodeInfo[], discoverySigners: Address[]) {
  const signers = new Set(discoverySigners.map((w) => getAddress(w)));
  const byWallet = new Map(contentNodes.map((n) => [getAddress(n.delegateWallet), n]));
  return {
    contentNodes: () => contentNodes,
    isDiscoverySigner: (wallet: Address) => signers.has(getAddress(wallet)),
    contentNodeByWallet: (wallet: Address) => byWallet.get(getAddress(wallet)),
  };
}

/** A network listed by hand (COLIVING_PEERS); `update` replaces the list (a node joining). */
export type StaticNetwork = NetworkView & { update(contentNodes: NodeInfo[]): void };

/** A fixed network (tests, or an operator who lists peers by hand: COLIVING_PEERS). */
export function createStaticNetwork(
  contentNodes: NodeInfo[],
  discoverySigners: Address[],
): StaticNetwork {
  const build = (nodes: NodeInfo[]) =>
    viewOf(
      nodes.map((n) => ({ ...n, endpoint: canonicalEndpoint(n.endpoint) })),
      discoverySigners,
    );
  let view = build(contentNodes);
  return {
    contentNodes: () => view.contentNodes(),
    isDiscoverySigner: (wallet) => view.isDiscoverySigner(wallet),
    contentNodeByWallet: (wallet) => view.contentNodeByWallet(wallet),
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
};

/** The network as NodeRegistry on the eth chain has it, re-read every `refreshMs`. */
export function createChainNetwork({
  client,
  nodeRegistry,
  refreshMs,
  onError,
}: ChainNetworkParameters): NetworkView {
  let current = viewOf([], []);
  let timer: NodeJS.Timeout | undefined;
  async function refresh(): Promise<void> {
    const read = (serviceType: `0x${string}`) =>
      client.readContract({
        address: nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'getNodesByType',
        args: [serviceType],
      });
    const [[, content], [, discovery]] = await Promise.all([
      read(ServiceType.contentNode),
      read(ServiceType.discoveryNode),
    ]);
    current = viewOf(
      content.map((n) => ({
        endpoint: canonicalEndpoint(n.endpoint),
        delegateWallet: n.delegateWallet,
      })),
      discovery.map((n) => n.delegateWallet),
    );
  }
  return {
    contentNodes: () => current.contentNodes(),
    isDiscoverySigner: (wallet) => current.isDiscoverySigner(wallet),
    contentNodeByWallet: (wallet) => current.contentNodeByWallet(wallet),
    async start() {
      await refresh();
      timer = setInterval(() => void refresh().catch(onError), refreshMs);
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
