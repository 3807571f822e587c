// Upload receipts (docs/design.md §7): what a content node signs when it has transcoded an audio
// upload, so that a track can only name audio its owner uploaded. The track's metadata carries
// the receipt; every discovery node checks it from chain data alone.
import {
  type Address,
  type Hex,
  type LocalAccount,
  getAddress,
  hashMessage,
  keccak256,
  recoverMessageAddress,
  toBytes,
} from 'viem';
import { z } from 'zod';
import { canonicalJson, isCanonicalJson } from './canonicalJson.js';
import { isCid } from './cid.js';
import { InvalidSignatureError } from './errors.js';
import { formatIssues } from './validate.js';

/** What a content node vouches for about one audio upload. */
export type UploadReceiptData = {
  /** The receipt format; bumped if its meaning changes. */
  v: 1;
  /** The upload's id on the content node that took it. */
  uploadId: string;
  /** The wallet that signed the upload (checksummed). */
  uploader: Address;
  /** The 320 kbps stream: a track's `track_cid`. */
  cid: string;
  /** The preview clip: a track's `preview_cid`. */
  previewCid: string;
  /** The original file as uploaded: a track's `orig_file_cid`. */
  origCid: string;
  /** The waveform peaks: a track's `waveform_cid`. */
  waveformCid?: string;
  /** The audio's length as ffmpeg measured it. */
  durationSeconds: number;
  /** The signing content node's id in NodeRegistry, as a decimal string. */
  nodeId: string;
  /**
   * An eth chain block in which that node was registered with the signing wallet as its
   * delegate: discovery nodes check the registration as of this block, so the check is a pure
   * function of the chain.
   */
  ethBlockHash: Hex;
  /** Milliseconds since the epoch when the node signed. */
  signedAt: number;
};

/** A receipt as it travels in upload records and track metadata. */
export type UploadReceipt = { data: string; signature: Hex };

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of 0x-prefixed hex');
const cid = z.string().refine(isCid, 'must be a CIDv1 raw sha2-256');
const dataSchema = z.strictObject({
  v: z.literal(1),
  uploadId: z.string().min(1).max(64),
  uploader: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address'),
  cid,
  previewCid: cid,
  origCid: cid,
  waveformCid: cid.optional(),
  durationSeconds: z
    .number()
    .positive()
    .max(24 * 60 * 60),
  nodeId: z.string().regex(/^[1-9][0-9]{0,77}$/, 'must be a positive decimal integer'),
  ethBlockHash: hex32,
  signedAt: z.int().min(0),
});

/** The receipt's shape in metadata: a signed canonical JSON string. */
export const uploadReceiptSchema = z.strictObject({
  data: z.string().min(2).max(2048),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be 65 bytes of 0x-prefixed hex'),
});

/** The bytes a receipt signs: keccak256 of a domain tag and the canonical JSON of its data. */
function receiptDigest(dataJson: string): Hex {
  return keccak256(toBytes(`coliving upload receipt\n${dataJson}`));
}

function invalid(message: string, code = 'invalid_upload_receipt'): InvalidSignatureError {
  return new InvalidSignatureError(message, { code });
}

/**
 * The hash a receipt's signature signs (the personal_sign hash of receiptDigest), for verifiers
 * that recover the signer with their own secp256k1 (a discovery node checks thousands a second).
 */
export function uploadReceiptHash(dataJson: string): Hex {
  return hashMessage({ raw: receiptDigest(dataJson) });
}

/** Signs a receipt as `personal_sign(keccak256("coliving upload receipt\n" + canonicalJson(data)))`. */
export async function signUploadReceipt({
  account,
  data,
}: {
  account: Pick<LocalAccount, 'signMessage'>;
  data: UploadReceiptData;
}): Promise<UploadReceipt> {
  const checked = dataSchema.safeParse(data);
  if (!checked.success) {
    throw invalid(`Invalid upload receipt data: ${formatIssues(checked.error.issues)}`);
  }
  const json = canonicalJson({ ...checked.data, uploader: getAddress(checked.data.uploader) });
  const signature = await account.signMessage({ message: { raw: receiptDigest(json) } });
  return { data: json, signature };
}

/**
 * Reads a receipt's data without checking its signature: for a receipt already verified (one
 * stored with an applied track), or to learn what a receipt claims before verifying it.
 */
export function readUploadReceipt(receipt: unknown): UploadReceiptData {
  const envelope = uploadReceiptSchema.safeParse(receipt);
  if (!envelope.success) {
    throw invalid(`Malformed upload receipt: ${formatIssues(envelope.error.issues)}`);
  }
  if (!isCanonicalJson(envelope.data.data)) {
    throw invalid('Upload receipt data is not canonical JSON');
  }
  const data = dataSchema.safeParse(JSON.parse(envelope.data.data));
  if (!data.success) {
    throw invalid(`Malformed upload receipt data: ${formatIssues(data.error.issues)}`);
  }
  return {
    ...data.data,
    uploader: getAddress(data.data.uploader),
    ethBlockHash: data.data.ethBlockHash as Hex,
  };
}

/**
 * Parses a receipt and recovers the wallet that signed it. The caller checks that this wallet
 * was the delegate of content node `data.nodeId` at block `data.ethBlockHash`.
 */
export async function recoverUploadReceipt(
  receipt: unknown,
): Promise<{ data: UploadReceiptData; signer: Address }> {
  const data = readUploadReceipt(receipt);
  const { data: json, signature } = receipt as UploadReceipt;
  try {
    const signer = await recoverMessageAddress({
      message: { raw: receiptDigest(json) },
      signature,
    });
    return { data, signer };
  } catch (cause) {
    throw new InvalidSignatureError('Upload receipt signature cannot be recovered', {
      code: 'invalid_upload_receipt',
      cause,
    });
  }
}

/** The track fields a receipt vouches for, by the metadata's names. */
export const RECEIPT_FIELDS = {
  track_cid: 'cid',
  preview_cid: 'previewCid',
  orig_file_cid: 'origCid',
  waveform_cid: 'waveformCid',
} as const satisfies Record<string, keyof UploadReceiptData>;

/** How far a track's `duration` may be from the measured one (rounding in clients). */
export const RECEIPT_DURATION_TOLERANCE_SECONDS = 1;

/**
 * Why a track's audio fields disagree with its receipt, or undefined when they agree: the stream
 * must be the receipt's, and every other audio field the track names must be the receipt's too.
 */
export function receiptMismatch(
  track: Record<string, unknown>,
  receipt: UploadReceiptData,
): string | undefined {
  for (const [field, key] of Object.entries(RECEIPT_FIELDS)) {
    const named = track[field];
    if (field !== 'track_cid' && named === undefined) continue;
    if (named !== receipt[key]) return `${field} is not the receipt's ${key}`;
  }
  const duration = track.duration;
  if (
    typeof duration !== 'number' ||
    Math.abs(duration - receipt.durationSeconds) > RECEIPT_DURATION_TOLERANCE_SECONDS
  ) {
    return `duration is not the measured ${receipt.durationSeconds} s`;
  }
  return undefined;
}
