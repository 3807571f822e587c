import {
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
} from 'viem';

/** Where one chain is: its JSON-RPC URL and chain id. */
export type ChainEndpoint = { rpcUrl: string; chainId: number };
/** Coliving's two chains: the eth chain (token, staking, nodes) and the data chain (EntityManager). */
export type ChainEndpoints = { eth: ChainEndpoint; data: ChainEndpoint };
export type ChainKind = keyof ChainEndpoints;

function isLoopback(rpcUrl: string): boolean {
  const { hostname } = new URL(rpcUrl);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Local chains answer at once; remote ones are polled at viem's default pace. */
function pollingIntervalFor(rpcUrl: string): number | undefined {
  return isLoopback(rpcUrl) ? 50 : undefined;
}

/** A local chain does not drop requests, and retrying its reverts only adds back-off delays. */
function retryCountFor(rpcUrl: string): number {
  return isLoopback(rpcUrl) ? 0 : 2;
}

/** A viem chain definition for one of Coliving's chains. */
export function colivingChain(kind: ChainKind, { rpcUrl, chainId }: ChainEndpoint): Chain {
  return defineChain({
    id: chainId,
    name: `coliving-${kind}-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** A read client for one chain. */
export function createChainClient(
  kind: ChainKind,
  endpoint: ChainEndpoint,
): PublicClient<Transport, Chain> {
  return createPublicClient({
    chain: colivingChain(kind, endpoint),
    transport: http(endpoint.rpcUrl, { retryCount: retryCountFor(endpoint.rpcUrl) }),
    pollingInterval: pollingIntervalFor(endpoint.rpcUrl),
  });
}

/** A signing client for one chain, for `account`. */
export function createChainWallet(
  kind: ChainKind,
  endpoint: ChainEndpoint,
  account: Account,
): WalletClient<Transport, Chain, Account> {
  return createWalletClient({
    account,
    chain: colivingChain(kind, endpoint),
    transport: http(endpoint.rpcUrl, { retryCount: 0 }),
    pollingInterval: pollingIntervalFor(endpoint.rpcUrl),
  });
}

/** Read clients for both chains. */
export function createChainClients(endpoints: ChainEndpoints) {
  return {
    eth: createChainClient('eth', endpoints.eth),
    data: createChainClient('data', endpoints.data),
  };
}

/**
 * Resolves a JSON-RPC URL to an endpoint by asking the node its chain id, so operators only
 * configure URLs (`COLIVING_ETH_RPC_URL`, `COLIVING_DATA_RPC_URL`).
 */
export async function resolveEndpoint(
  rpcUrl: string,
  signal?: AbortSignal,
): Promise<ChainEndpoint> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    signal: signal ?? AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { result?: string; error?: { message: string } };
  if (!response.ok || typeof body.result !== 'string') {
    throw new Error(
      `${rpcUrl} did not answer eth_chainId: ${body.error?.message ?? response.statusText}`,
    );
  }
  return { rpcUrl, chainId: Number(BigInt(body.result)) };
}
