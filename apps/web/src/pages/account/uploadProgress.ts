// Where a track upload is, as a reducer over the SDK's progress events: upload (bytes) →
// transcode (job status) → publish (signing, relaying, indexing) → published, or failed or
// cancelled. Pure, so every transition is tested without a network.
import type { Track, UploadProgressEvent } from '@coliving/sdk';
import { describeError } from '../../components/States.js';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number }
  | { phase: 'transcoding'; status: string | undefined; nodeUnreachable?: boolean }
  | {
      phase: 'publishing';
      status: string | undefined;
      loaded?: number | undefined;
      total?: number | undefined;
      nodeUnreachable?: boolean;
    }
  | { phase: 'published'; track: Track }
  | { phase: 'failed'; message: string }
  | { phase: 'cancelled' };

export type UploadAction =
  | { type: 'start'; total: number }
  | { type: 'progress'; event: UploadProgressEvent }
  | { type: 'published'; track: Track }
  | { type: 'failed'; error: unknown }
  | { type: 'reset' };

export const initialUploadState: UploadState = { phase: 'idle' };

const ORDER: Record<UploadState['phase'], number> = {
  idle: 0,
  uploading: 1,
  transcoding: 2,
  publishing: 3,
  published: 4,
  failed: 4,
  cancelled: 4,
};

const PHASE_OF_STAGE = {
  upload: 'uploading',
  transcode: 'transcoding',
  publish: 'publishing',
} as const;

/** True while an upload is under way (the form is locked and Cancel is offered). */
export function isBusy(state: UploadState): boolean {
  return (
    state.phase === 'uploading' || state.phase === 'transcoding' || state.phase === 'publishing'
  );
}

/** The next state. Events never move the upload back a stage, nor out of a finished one. */
export function uploadReducer(state: UploadState, action: UploadAction): UploadState {
  switch (action.type) {
    case 'reset':
      return initialUploadState;
    case 'start':
      return { phase: 'uploading', loaded: 0, total: action.total };
    case 'published':
      return isBusy(state) ? { phase: 'published', track: action.track } : state;
    case 'failed':
      if (!isBusy(state)) return state;
      return (action.error as { type?: string } | null)?.type === 'aborted'
        ? { phase: 'cancelled' }
        : { phase: 'failed', message: describeUploadError(action.error) };
    case 'progress': {
      if (!isBusy(state)) return state;
      const { event } = action;
      const phase = PHASE_OF_STAGE[event.stage];
      if (ORDER[phase] < ORDER[state.phase]) return state;
      switch (phase) {
        case 'uploading':
          return {
            phase,
            loaded: event.loaded ?? (state.phase === 'uploading' ? state.loaded : 0),
            total: event.total ?? (state.phase === 'uploading' ? state.total : 0),
          };
        case 'transcoding':
          return { phase, status: event.status, ...away(event) };
        case 'publishing':
          return {
            phase,
            status: event.status,
            loaded: event.loaded,
            total: event.total,
            ...away(event),
          };
      }
    }
  }
}

/** The SDK's word that the content node running the job does not answer (yet). */
function away(event: UploadProgressEvent): { nodeUnreachable?: boolean } {
  return event.nodeUnreachable ? { nodeUnreachable: true } : {};
}

/**
 * Shown while the content node running the job does not answer: a restart re-runs its jobs and
 * the SDK waits minutes for it, so this is news, not a failure.
 */
export const NODE_AWAY_TEXT =
  'The content node restarted or cannot be reached. Still working: keep this page open.';

/** Whole percent of bytes sent, 0–100. */
export function percentOf(loaded: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)));
}

/** The stage line: "Uploading 42%", "Transcoding", "Publishing", "Published"… */
export function stageText(state: UploadState): string {
  switch (state.phase) {
    case 'idle':
      return 'Ready to upload';
    case 'uploading':
      return `Uploading ${percentOf(state.loaded, state.total)}%`;
    case 'transcoding':
      return 'Transcoding';
    case 'publishing':
      return 'Publishing';
    case 'published':
      return 'Published';
    case 'failed':
      return 'Upload failed';
    case 'cancelled':
      return 'Upload cancelled';
  }
}

/** The words for a stage's detail status (the content node's job status, the publish step). */
export function statusDetail(state: UploadState): string | undefined {
  if ((state.phase === 'transcoding' || state.phase === 'publishing') && state.nodeUnreachable) {
    return NODE_AWAY_TEXT;
  }
  if (state.phase === 'transcoding') {
    switch (state.status) {
      case 'new':
        return 'Waiting for the content node to start';
      case 'busy':
        return 'Making the stream and the 30-second preview';
      case 'done':
        return 'Transcoded';
      case 'error':
        return 'The content node reported an error';
      default:
        return state.status;
    }
  }
  if (state.phase === 'publishing') {
    const status = state.status ?? '';
    if (status.startsWith('uploading')) {
      const pct =
        state.loaded !== undefined && state.total
          ? ` ${percentOf(state.loaded, state.total)}%`
          : '';
      return `Uploading the artwork${pct}`;
    }
    if (status.startsWith('processing')) return 'Processing the artwork';
    switch (status) {
      case 'signing':
        return 'Signing the track';
      case 'relaying':
        return 'Sending it to the network';
      case 'indexing':
        return 'Waiting for it to appear in the catalog';
      default:
        return status || undefined;
    }
  }
  return undefined;
}

/**
 * The content node's failure codes (its job record's `errorCode`, carried by the SDK's error as
 * `code`), in words. The node's own message names tools ("ffmpeg could not transcode"), so it is
 * never shown, except for `truncated_audio`, whose message is written for people and says how
 * much of the file plays.
 */
export const UPLOAD_ERROR_WORDS: Readonly<Record<string, string>> = {
  not_audio:
    "This file isn't audio we can read. Choose an MP3, WAV, FLAC, AIFF, OGG or M4A file. Nothing was published.",
  transcode_failed:
    "We couldn't process this file. Try exporting it again from your editor. Nothing was published.",
  too_many_attempts:
    'The content node kept stopping while it worked on this file, so it gave up. Try again later. Nothing was published.',
  no_stream_file: "We couldn't process this file. Nothing was published.",
  no_upload_receipt:
    "The content node that took the file is not registered on the network, so the track can't be published. Try again later.",
  upload_node_unreachable:
    'The content node working on your file stopped answering. Try again later. Nothing was published.',
  transcode_timeout:
    'Processing this file took too long. Try a shorter file. Nothing was published.',
  user_upload_quota: 'You have uploaded a lot today. Try again tomorrow.',
  ip_upload_quota: 'Too many uploads from this connection today. Try again tomorrow.',
  ip_upload_rate: 'Too many uploads at once. Wait a minute and try again.',
  placement_unavailable:
    'Not enough content nodes are online to keep your file safe. Try again later.',
};

/** Codes whose message the content node writes for people: shown as given. */
const SHOWN_AS_GIVEN = new Set(['truncated_audio']);

/** The sentence shown when an upload fails. */
export function describeUploadError(error: unknown): string {
  const e = error as { type?: string; message?: string; code?: string } | null;
  if (e?.code && SHOWN_AS_GIVEN.has(e.code) && e.message) return e.message;
  if (e?.code && e.type !== 'aborted' && UPLOAD_ERROR_WORDS[e.code] !== undefined)
    return UPLOAD_ERROR_WORDS[e.code]!;
  switch (e?.type) {
    case 'aborted':
      return 'Upload cancelled';
    case 'transcode_failed':
      return UPLOAD_ERROR_WORDS.transcode_failed!;
    case 'invalid_input':
      // The SDK's own checks ("Invalid track metadata: genre …") name wire fields.
      if (e.code === 'invalid_metadata')
        return 'Some details of the track were refused. Check the title and genre.';
      // A node's refusal has a code (its message is for developers); the SDK's own has none.
      return e.code
        ? "The content node refused this file. Check that it's audio and try again."
        : e.message || 'The upload was refused.';
    case 'forbidden':
      return 'This account cannot publish for that profile.';
    case 'unauthorized':
      return 'Your session has ended. Log in again to upload.';
    default:
      return describeError(error);
  }
}
