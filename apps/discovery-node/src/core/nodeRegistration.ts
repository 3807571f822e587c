// "The delegate wallet of content node N as of eth block H": what an upload receipt's signer and
// a play batch's submitter are both held to (docs/design.md §7, §11). The answer depends only on
// the eth chain, so every discovery node (and a reindex) reads the same one; it is asked once per
// (node, block), however many receipts or batches name that pair at once.
import { ServiceType, nodeRegistryAbi } from '@coliving/contracts';
import { UnavailableError } from '@coliving/protocol';
import {
  type Address,
  BlockNotFoundError,
  ContractFunctionExecutionError,
  type Hex,
  type PublicClient,
  getAddress,
} from 'viem';

/**
 * What NodeRegistry said of a node at a block: its delegate, or why it has none there. Each
 * caller words the failure for what it checks.
 */
export type NodeRegistration =
  | { delegate: Address; block: bigint }
  /** No block with this hash is on the chain, or it is not on the canonical chain. */
  | { missing: 'unknown_block' | 'not_canonical' }
  /** The block is on the chain but not buried under the confirmations yet: ask again later. */
  | { missing: 'unconfirmed'; block: bigint }
  /** The node was not registered at the block, or is not a content node. */
  | { missing: 'not_registered' | 'not_a_content_node'; block: bigint };

export interface NodeRegistrations {
  /**
   * Content node `nodeId`'s registration as of the eth block `blockHash`. Throws
   * (UnavailableError, `eth_chain_unavailable`) only when the eth chain could not be read; the
   * caller retries.
   */
  at(nodeId: string | bigint, blockHash: Hex): Promise<NodeRegistration>;
}

export type NodeRegistrationsInit = {
  /** A client of the eth chain, able to read state at past blocks. */
  client: PublicClient;
  nodeRegistry: Address;
  /** Blocks the head must be past a named block (the eth indexer's confirmations). */
  confirmations: number;
};

/** Answers kept per (node, block): facts of the chain, so they never go stale. */
const MAX_CACHED = 10_000;

/** Reads registrations from the eth chain, keeping every settled answer but "unconfirmed". */
export function createNodeRegistrations(init: NodeRegistrationsInit): NodeRegistrations {
  const { client, nodeRegistry, confirmations } = init;
  const known = new Map<string, Promise<NodeRegistration>>();

  async function read(nodeId: string | bigint, blockHash: Hex): Promise<NodeRegistration> {
    let number: bigint;
    try {
      number = (await client.getBlock({ blockHash })).number;
    } catch (error) {
      if (!(error instanceof BlockNotFoundError)) throw unavailable(error);
      // Not a block of the chain: nobody can produce a hash that only later becomes one.
      return { missing: 'unknown_block' };
    }
    const head = await client.getBlockNumber().catch((error: unknown) => {
      throw unavailable(error);
    });
    if (number > head - BigInt(confirmations)) return { missing: 'unconfirmed', block: number };
    const canonical = await client.getBlock({ blockNumber: number }).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (canonical.hash !== blockHash) return { missing: 'not_canonical' };
    let node: { serviceType: Hex; delegateWallet: Address };
    try {
      node = await client.readContract({
        address: nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'getNode',
        args: [BigInt(nodeId)],
        blockNumber: number,
      });
    } catch (error) {
      if (!(error instanceof ContractFunctionExecutionError)) throw unavailable(error);
      return { missing: 'not_registered', block: number };
    }
    if (node.serviceType !== ServiceType.contentNode) {
      return { missing: 'not_a_content_node', block: number };
    }
    return { delegate: getAddress(node.delegateWallet), block: number };
  }

  return {
    at(nodeId, blockHash) {
      const key = `${nodeId}@${blockHash.toLowerCase()}`;
      const asked = known.get(key);
      if (asked) return asked;
      const answer = read(nodeId, blockHash);
      if (known.size >= MAX_CACHED) known.clear();
      known.set(key, answer);
      // A failure to read, or a block not confirmed yet, is asked again next time.
      answer.then(
        (registration) => {
          if ('missing' in registration && registration.missing === 'unconfirmed')
            known.delete(key);
        },
        () => known.delete(key),
      );
      return answer;
    },
  };
}

function unavailable(cause: unknown): UnavailableError {
  return new UnavailableError('The eth chain could not be read to check a node registration', {
    code: 'eth_chain_unavailable',
    cause,
  });
}
