// Checking upload receipts (docs/design.md §7): a track's audio must come with a receipt signed
// by the delegate wallet that a registered content node had in the eth block the receipt names.
// The answer depends only on the receipt and the eth chain, so every discovery node (and a
// reindex) decides alike; the indexer and the relay ask the same verifier.
import { ServiceType, nodeRegistryAbi } from '@coliving/contracts';
import {
  BaseError,
  UnavailableError,
  type UploadReceipt,
  type UploadReceiptData,
  readUploadReceipt,
  uploadReceiptHash,
} from '@coliving/protocol';
import {
  type Address,
  BlockNotFoundError,
  ContractFunctionExecutionError,
  type Hex,
  type PublicClient,
  getAddress,
} from 'viem';
import { recoverSigner } from './recoverSigner.js';

/** What a receipt proves: the audio it vouches for, or why it proves nothing. */
export type ReceiptVerdict =
  { ok: true; data: UploadReceiptData } | { ok: false; code: string; message: string };

export interface ReceiptVerifier {
  /**
   * The verdict on a receipt as found in metadata. Throws (UnavailableError) only when the eth
   * chain cannot answer yet: the block is too recent, or the RPC failed; the caller retries.
   */
  verify(receipt: unknown): Promise<ReceiptVerdict>;
}

export type ReceiptVerifierInit = {
  /** A client of the eth chain, able to read state at past blocks. */
  client: PublicClient;
  nodeRegistry: Address;
  /** Blocks the head must be past the receipt's block (the eth indexer's confirmations). */
  confirmations: number;
};

/** The delegate a content node had at a block, or why there is none. */
type Registration = { delegate: Address } | { code: string; message: string };

/** Answers kept per (node, block) and per signature; both are facts of the chain. */
const MAX_CACHED = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, value);
  return value;
}

export function createReceiptVerifier(init: ReceiptVerifierInit): ReceiptVerifier {
  const { client, nodeRegistry, confirmations } = init;
  const registrations = new Map<string, Promise<Registration>>();
  const verdicts = new Map<string, ReceiptVerdict>();

  /**
   * The registration a receipt names, asked of the chain once per (node, block) however many
   * receipts name it at once (a batch of blocks checks all its receipts together); a failure to
   * read is not kept.
   */
  function registrationAt(nodeId: string, blockHash: Hex): Promise<Registration> {
    const key = `${nodeId}@${blockHash}`;
    const known = registrations.get(key);
    if (known) return known;
    const asked = readRegistration(nodeId, blockHash);
    void remember(registrations, key, asked).catch(() => registrations.delete(key));
    return asked;
  }

  async function readRegistration(nodeId: string, blockHash: Hex): Promise<Registration> {
    let number: bigint;
    try {
      number = (await client.getBlock({ blockHash })).number;
    } catch (error) {
      if (!(error instanceof BlockNotFoundError)) throw unavailable(error);
      // Not a block of the chain: nobody can produce a hash that only later becomes one.
      return {
        code: 'unknown_eth_block',
        message: `The receipt's eth block ${blockHash} is not on the eth chain`,
      };
    }
    const head = await client.getBlockNumber().catch((error: unknown) => {
      throw unavailable(error);
    });
    if (number > head - BigInt(confirmations)) {
      throw new UnavailableError(`The receipt's eth block ${number} is not confirmed yet`, {
        code: 'receipt_block_unconfirmed',
      });
    }
    const canonical = await client.getBlock({ blockNumber: number }).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (canonical.hash !== blockHash) {
      return {
        code: 'unknown_eth_block',
        message: `The receipt's eth block ${blockHash} is not on the canonical eth chain`,
      };
    }
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
      return {
        code: 'receipt_signer_not_a_node',
        message: `Node ${nodeId} was not registered at eth block ${number}`,
      };
    }
    if (node.serviceType !== ServiceType.contentNode) {
      return {
        code: 'receipt_signer_not_a_node',
        message: `Node ${nodeId} is not a content node`,
      };
    }
    return { delegate: getAddress(node.delegateWallet) };
  }

  async function decide(receipt: unknown): Promise<ReceiptVerdict> {
    let data: UploadReceiptData;
    let signer: Address;
    try {
      data = readUploadReceipt(receipt);
      const { data: json, signature } = receipt as UploadReceipt;
      signer = recoverSigner(uploadReceiptHash(json), signature);
    } catch (error) {
      const message =
        error instanceof BaseError
          ? error.shortMessage
          : 'The receipt signature cannot be recovered';
      return { ok: false, code: 'invalid_upload_receipt', message };
    }
    const registration = await registrationAt(data.nodeId, data.ethBlockHash);
    if ('code' in registration) return { ok: false, ...registration };
    if (registration.delegate !== signer) {
      return {
        ok: false,
        code: 'receipt_signer_not_a_node',
        message: `The receipt is signed by ${signer}, not by content node ${data.nodeId}'s delegate`,
      };
    }
    return { ok: true, data };
  }

  return {
    async verify(receipt) {
      const { data, signature } = (receipt ?? {}) as { data?: unknown; signature?: unknown };
      // The data string and the signature are the whole receipt: together they key its verdict.
      const key =
        typeof data === 'string' && typeof signature === 'string'
          ? `${signature}${data}`
          : undefined;
      const known = key === undefined ? undefined : verdicts.get(key);
      if (known) return known;
      const verdict = await decide(receipt);
      return key === undefined ? verdict : remember(verdicts, key, verdict);
    },
  };
}

function unavailable(cause: unknown): UnavailableError {
  return new UnavailableError('The eth chain could not be read to check an upload receipt', {
    code: 'eth_chain_unavailable',
    cause,
  });
}
