// Upload receipts (docs/design.md §7): this node vouches, with its delegate key, that a wallet
// uploaded the audio a finished job produced.
import {
  TRANSCODE_RESULTS,
  type UploadReceipt,
  type UploadRecord,
  signUploadReceipt,
} from '@coliving/protocol';
import type { LocalAccount } from 'viem';
import type { NetworkView } from './network.js';

/**
 * Signs the receipt of a finished audio upload, or answers undefined when there is none to give:
 * an image, or a node not registered on the eth chain (a network listed by hand), whose receipt
 * no discovery node would accept.
 */
export async function receiptFor(
  account: Pick<LocalAccount, 'signMessage'>,
  network: Pick<NetworkView, 'registration'>,
  record: UploadRecord,
  now = Date.now(),
): Promise<UploadReceipt | undefined> {
  const registration = network.registration();
  if (record.template !== 'audio' || !registration || record.durationSeconds === undefined) {
    return undefined;
  }
  const stream = record.results[TRANSCODE_RESULTS.stream];
  const preview = record.results[TRANSCODE_RESULTS.preview];
  const peaks = record.results[TRANSCODE_RESULTS.peaks];
  if (!stream || !preview) return undefined;
  return signUploadReceipt({
    account,
    data: {
      v: 1,
      uploadId: record.id,
      uploader: record.wallet as `0x${string}`,
      cid: stream,
      previewCid: preview,
      origCid: record.results.original ?? record.origFileCid,
      ...(peaks ? { waveformCid: peaks } : {}),
      durationSeconds: record.durationSeconds,
      nodeId: registration.nodeId.toString(),
      ethBlockHash: registration.blockHash,
      signedAt: now,
    },
  });
}
