// Checking upload receipts (docs/design.md §7): a track's audio must come with a receipt signed
// by the delegate wallet that a registered content node had in the eth block the receipt names.
// The answer depends only on the receipt and the eth chain, so every discovery node (and a
// reindex) decides alike; the indexer and the relay ask the same verifier.
import {
  BaseError,
  UnavailableError,
  type UploadReceipt,
  type UploadReceiptData,
  readUploadReceipt,
  uploadReceiptHash,
} from '@coliving/protocol';
import type { Address, Hex, PublicClient } from 'viem';
import { type NodeRegistrations, createNodeRegistrations } from './nodeRegistration.js';
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
  /** Registrations shared with the play log (core/nodeRegistration.ts); made here when absent. */
  registrations?: NodeRegistrations;
};

/** Verdicts kept per signature: facts of the chain. */
const MAX_CACHED = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, value);
  return value;
}

export function createReceiptVerifier(init: ReceiptVerifierInit): ReceiptVerifier {
  const registrations = init.registrations ?? createNodeRegistrations(init);
  const verdicts = new Map<string, ReceiptVerdict>();

  /** The delegate a content node had at the receipt's block, or why it proves nothing. */
  async function registrationAt(
    nodeId: string,
    blockHash: Hex,
  ): Promise<{ delegate: Address } | { code: string; message: string }> {
    const registration = await registrations.at(nodeId, blockHash);
    if ('delegate' in registration) return registration;
    switch (registration.missing) {
      case 'unknown_block':
        return {
          code: 'unknown_eth_block',
          message: `The receipt's eth block ${blockHash} is not on the eth chain`,
        };
      case 'not_canonical':
        return {
          code: 'unknown_eth_block',
          message: `The receipt's eth block ${blockHash} is not on the canonical eth chain`,
        };
      case 'unconfirmed':
        throw new UnavailableError(
          `The receipt's eth block ${registration.block} is not confirmed yet`,
          { code: 'receipt_block_unconfirmed' },
        );
      case 'not_registered':
        return {
          code: 'receipt_signer_not_a_node',
          message: `Node ${nodeId} was not registered at eth block ${registration.block}`,
        };
      case 'not_a_content_node':
        return {
          code: 'receipt_signer_not_a_node',
          message: `Node ${nodeId} is not a content node`,
        };
    }
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
