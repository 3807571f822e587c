// `node status`: every node registered on NodeRegistry with its owner's stake, and what its
// /health_check says, believed only when signed by the node's registered delegate.
import type { DeploymentManifest } from '@coliving/chain';
import { createChainClient } from '@coliving/chain';
import { ServiceType, nodeRegistryAbi } from '@coliving/contracts';
import { canonicalJson } from '@coliving/protocol';
import {
  type Address,
  BaseError,
  ContractFunctionZeroDataError,
  formatUnits,
  isHex,
  keccak256,
  recoverMessageAddress,
  toBytes,
} from 'viem';
import { CommandFailure } from '../errors.js';

/** Where NodeRegistry is: the eth chain and its address. */
export type RegistryTarget = { chain: DeploymentManifest['chains']['eth']; registry: Address };

/**
 * Every node on NodeRegistry with its owner's stake. A chain that cannot be reached, or that has
 * no NodeRegistry where the manifest says, is a CommandFailure in words (exit 1), not viem's dump.
 */
export async function readRegistered(
  target: RegistryTarget,
): Promise<Omit<NodeStatus, 'version' | 'health' | 'blockLag' | 'problem'>[]> {
  const client = createChainClient('eth', target.chain);
  const registered: Omit<NodeStatus, 'version' | 'health' | 'blockLag' | 'problem'>[] = [];
  try {
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
  } catch (error) {
    const rpc = target.chain.rpcUrl;
    if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionZeroDataError))
      throw new CommandFailure(
        'no_node_registry',
        `There is no NodeRegistry at ${target.registry} on the eth chain at ${rpc}: is the manifest for this chain?`,
      );
    const why = (
      error instanceof BaseError ? (error.details ?? error.shortMessage) : String(error)
    ).replace(/\.$/, '');
    throw new CommandFailure(
      'eth_chain_unreachable',
      `Cannot read NodeRegistry from the eth chain at ${rpc} (${why}). Is the chain running (npm start for the devnet), and is the manifest's rpcUrl right?`,
    );
  }
  return registered;
}

/** How long `node status` waits for a node's health check. */
const HEALTH_TIMEOUT_MS = 3_000;
/** The largest health answer read: a real report is a few kB; more is not a Coliving node. */
const HEALTH_MAX_BYTES = 1024 * 1024;
/** The longest text taken from a node's answer (its version, its error) into the table. */
const NODE_TEXT_LENGTH = 60;

/** One registered node as `node status` shows it. */
export type NodeStatus = {
  id: number;
  type: string;
  endpoint: string;
  owner: string;
  delegateWallet: string;
  ownerStake: string;
  /** What the node reports running; null when it did not answer with a report signed by its delegate. */
  version: string | null;
  /**
   * healthy (200 and a healthy report signed by the registered delegate), unhealthy (it answered
   * otherwise), unreachable (no whole answer).
   */
  health: 'healthy' | 'unhealthy' | 'unreachable';
  /** Blocks between the data chain's head and what a discovery node has indexed; null otherwise. */
  blockLag: number | null;
  /** Why a node is not healthy, in words. */
  problem?: string;
};

type Health = Pick<NodeStatus, 'version' | 'health' | 'blockLag' | 'problem'>;

/**
 * Text a node sent, fit for a terminal: control characters (escape sequences that would
 * recolour or rewrite the screen) dropped, cut to a length.
 */
function nodeText(value: string): string {
  const clean = printable(value);
  return clean.length > NODE_TEXT_LENGTH ? `${clean.slice(0, NODE_TEXT_LENGTH - 1)}…` : clean;
}

/** An endpoint as registered (anyone with stake registers any string), without control characters. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** The body of `res`, up to `max` bytes; undefined when it is longer. */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Who signed a health report (`personal_sign(keccak256(canonicalJson(data)))`); undefined when no one could have. */
async function healthSigner(data: unknown, signature: unknown): Promise<string | undefined> {
  if (typeof signature !== 'string' || !isHex(signature)) return undefined;
  try {
    return await recoverMessageAddress({
      message: { raw: keccak256(toBytes(canonicalJson(data))) },
      signature,
    });
  } catch {
    return undefined;
  }
}

/**
 * Asks a node's /health_check; never throws. Only a report signed by the node's registered
 * delegate is believed: anything else at the endpoint (a parked domain, a proxy's error page, an
 * impostor replaying another node's report) is `unhealthy`, and says why.
 */
export async function healthOf(node: {
  endpoint: string;
  delegateWallet: string;
}): Promise<Health> {
  const unreachable = (problem: string): Health => ({
    version: null,
    health: 'unreachable',
    blockLag: null,
    problem,
  });
  const unhealthy = (problem: string): Health => ({
    version: null,
    health: 'unhealthy',
    blockLag: null,
    problem,
  });
  let res: Response;
  let text: string | undefined;
  try {
    res = await fetch(`${node.endpoint.replace(/\/+$/, '')}/health_check`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      redirect: 'manual',
    });
    text = await readCapped(res, HEALTH_MAX_BYTES);
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return unreachable(
      timedOut
        ? `no whole answer within ${HEALTH_TIMEOUT_MS / 1000} s`
        : 'could not connect to the endpoint',
    );
  }
  if (text === undefined)
    return unhealthy(`its health check answered more than ${HEALTH_MAX_BYTES / 1024 / 1024} MiB`);
  let body: { data?: unknown; signer?: unknown; signature?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: something else answers at that endpoint.
  }
  const data = body?.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return unhealthy(`its health check answered ${res.status} without a Coliving health report`);
  const report = data as Record<string, unknown>;
  const signer = await healthSigner(report, body?.signature);
  if (signer === undefined) {
    // A node whose check itself failed answers 503 unsigned, with what failed.
    if (res.status !== 200 && report.healthy === false && typeof report.error === 'string')
      return unhealthy(nodeText(report.error));
    return unhealthy('its health report is not signed');
  }
  if (signer.toLowerCase() !== node.delegateWallet.toLowerCase())
    return unhealthy(`its health report is signed by ${signer}, not the registered delegate`);
  const version = typeof report.version === 'string' ? nodeText(report.version) : null;
  const lag = report.block_difference;
  const blockLag = typeof lag === 'number' && Number.isSafeInteger(lag) && lag >= 0 ? lag : null;
  if (res.status === 200 && report.healthy === true)
    return { version, health: 'healthy', blockLag };
  return { version, health: 'unhealthy', blockLag, problem: whyUnhealthy(report, res.status) };
}

/** What a signed report that is not healthy says of why: an indexer's error, a full disk. */
function whyUnhealthy(report: Record<string, unknown>, status: number): string {
  if (typeof report.error === 'string') return nodeText(report.error);
  for (const key of ['dataChain', 'ethChain']) {
    const source = report[key] as { error?: unknown } | undefined;
    if (typeof source?.error === 'string') return nodeText(source.error);
  }
  if (report.diskHasSpace === false) return 'its disk is nearly full (it takes no uploads)';
  return `its health check answered ${status}`;
}

/** `0x1234…abcd`: enough of an address to tell nodes apart in a table. */
function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** The rows as an aligned table, then one line per node that is not healthy, saying why. */
export function table(rows: NodeStatus[]): string {
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
    printable(r.endpoint),
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
    .map((r) => `node ${r.id} (${printable(r.endpoint)}) is ${r.health}: ${r.problem}`);
  return [line(header), ...cells.map(line), ...(problems.length ? ['', ...problems] : [])].join(
    '\n',
  );
}
