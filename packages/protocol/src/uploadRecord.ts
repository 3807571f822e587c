// An upload as content nodes record it, share it with each other and answer it on
// `GET /uploads/:id`: one shape for the nodes and their clients.
import type { UploadReceipt } from './uploadReceipt.js';

/** What an upload is for; each template has its own job and its own results. */
export const UPLOAD_TEMPLATES = ['audio', 'img_square', 'img_backdrop'] as const;
export type UploadTemplate = (typeof UPLOAD_TEMPLATES)[number];

/** Where an upload's job stands: `done` and `error` are final. */
export const UPLOAD_STATUSES = ['new', 'busy', 'done', 'error'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/**
 * The names an audio job gives its results in `UploadRecord.results`: the 320 kbps stream, its
 * preview clip and the waveform peaks.
 */
export const TRANSCODE_RESULTS = {
  stream: '320',
  preview: '320_preview',
  peaks: 'peaks',
} as const;

/** What a content node knows about one upload; shared with peers so any node can answer for it. */
export type UploadRecord = {
  id: string;
  template: UploadTemplate;
  /** The uploader's wallet (checksummed). */
  wallet: string;
  /** The node that received the file and runs its job. */
  host: string;
  status: UploadStatus;
  origFileName: string;
  /** The original, as uploaded: kept, and named by its CID. */
  origFileCid: string;
  size: number;
  previewStartSeconds?: number;
  /**
   * Result CIDs by name: `original`, the TRANSCODE_RESULTS of an audio job, or the variants of
   * an image.
   */
  results: Record<string, string>;
  /** The length of the decoded audio (not the file header's), in seconds. */
  durationSeconds?: number;
  /** Why the job failed, in words a person reads (`status: 'error'`). */
  error?: string;
  /** The stable code of that failure (`not_audio`, `truncated_audio`, `transcode_failed`, …). */
  errorCode?: string;
  /**
   * For a finished audio upload on a content node registered on the eth chain: its signed
   * receipt, which the track's metadata must carry (docs/design.md §7).
   */
  receipt?: UploadReceipt;
  /**
   * How many times the job has been started: a crash midway counts, a clean stop does not. A
   * content node gives a job up after 3 (`error`).
   */
  attempts: number;
  createdAt: string;
  updatedAt: string;
};
