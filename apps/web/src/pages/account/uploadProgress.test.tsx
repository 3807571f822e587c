import { ColivingSdkError } from '@coliving/sdk';
import { describe, expect, it } from 'vitest';
import { publishedTrack } from './fixtures.js';
import {
  NODE_AWAY_TEXT,
  type UploadAction,
  type UploadState,
  UPLOAD_ERROR_WORDS,
  describeUploadError,
  initialUploadState,
  percentOf,
  stageText,
  statusDetail,
  uploadReducer,
} from './uploadProgress.js';

const run = (actions: UploadAction[], from: UploadState = initialUploadState) =>
  actions.reduce(uploadReducer, from);

describe('uploadReducer', () => {
  it('goes upload → transcode → publish → published', () => {
    const track = publishedTrack();
    const states: string[] = [];
    let state = initialUploadState;
    for (const action of [
      { type: 'start', total: 1000 },
      { type: 'progress', event: { stage: 'upload', loaded: 420, total: 1000 } },
      { type: 'progress', event: { stage: 'upload', loaded: 1000, total: 1000 } },
      { type: 'progress', event: { stage: 'transcode', status: 'busy' } },
      { type: 'progress', event: { stage: 'publish', status: 'signing' } },
      { type: 'progress', event: { stage: 'publish', status: 'indexing' } },
      { type: 'published', track },
    ] as UploadAction[]) {
      state = uploadReducer(state, action);
      states.push(stageText(state));
    }
    expect(states).toEqual([
      'Uploading 0%',
      'Uploading 42%',
      'Uploading 100%',
      'Transcoding',
      'Publishing',
      'Publishing',
      'Published',
    ]);
    expect(state).toEqual({ phase: 'published', track });
  });

  it('never moves back a stage (a late byte-progress event after the transcode started)', () => {
    const state = run([
      { type: 'start', total: 10 },
      { type: 'progress', event: { stage: 'transcode', status: 'new' } },
      { type: 'progress', event: { stage: 'upload', loaded: 10, total: 10 } },
    ]);
    expect(state).toEqual({ phase: 'transcoding', status: 'new' });
  });

  it('says while the content node is away, and stops saying it once it answers', () => {
    const away = run([
      { type: 'start', total: 10 },
      { type: 'progress', event: { stage: 'transcode', status: 'busy', nodeUnreachable: true } },
    ]);
    expect(away).toEqual({ phase: 'transcoding', status: 'busy', nodeUnreachable: true });
    expect(stageText(away)).toBe('Transcoding');
    expect(statusDetail(away)).toBe(NODE_AWAY_TEXT);
    const back = run([{ type: 'progress', event: { stage: 'transcode', status: 'busy' } }], away);
    expect(statusDetail(back)).toBe('Making the stream and the 30-second preview');
    const artwork = run(
      [
        {
          type: 'progress',
          event: { stage: 'publish', status: 'processing img_square: new', nodeUnreachable: true },
        },
      ],
      back,
    );
    expect(statusDetail(artwork)).toBe(NODE_AWAY_TEXT);
  });

  it('keeps the artwork upload inside the publish stage', () => {
    const state = run([
      { type: 'start', total: 10 },
      { type: 'progress', event: { stage: 'transcode', status: 'done' } },
      {
        type: 'progress',
        event: { stage: 'publish', status: 'uploading img_square', loaded: 5, total: 20 },
      },
    ]);
    expect(stageText(state)).toBe('Publishing');
    expect(statusDetail(state)).toBe('Uploading the artwork 25%');
  });

  it('says what failed, and ignores progress after it', () => {
    const failed = run([
      { type: 'start', total: 10 },
      { type: 'progress', event: { stage: 'transcode', status: 'busy' } },
      {
        type: 'failed',
        error: new ColivingSdkError('transcode_failed', 'ffmpeg exited with 1'),
      },
      { type: 'progress', event: { stage: 'publish', status: 'signing' } },
    ]);
    expect(failed).toEqual({
      phase: 'failed',
      message: UPLOAD_ERROR_WORDS.transcode_failed,
    });
    expect(stageText(failed)).toBe('Upload failed');
  });

  it('turns an abort into cancelled', () => {
    const state = run([
      { type: 'start', total: 10 },
      { type: 'progress', event: { stage: 'upload', loaded: 3, total: 10 } },
      { type: 'failed', error: new ColivingSdkError('aborted', 'The upload was aborted') },
    ]);
    expect(state).toEqual({ phase: 'cancelled' });
    expect(stageText(state)).toBe('Upload cancelled');
  });

  it('does not publish or fail what is not under way', () => {
    expect(uploadReducer(initialUploadState, { type: 'published', track: publishedTrack() })).toBe(
      initialUploadState,
    );
    const cancelled: UploadState = { phase: 'cancelled' };
    expect(uploadReducer(cancelled, { type: 'failed', error: new Error('late') })).toBe(cancelled);
    expect(uploadReducer(cancelled, { type: 'reset' })).toEqual({ phase: 'idle' });
  });
});

describe('upload words', () => {
  it('computes whole percents, safe with no total', () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(2000, 1000)).toBe(100);
  });

  it('describes SDK errors', () => {
    expect(
      describeUploadError(
        new ColivingSdkError('invalid_input', 'Invalid track metadata: genre', {
          code: 'invalid_metadata',
        }),
      ),
    ).toBe('Some details of the track were refused. Check the title and genre.');
    expect(describeUploadError(new ColivingSdkError('invalid_input', 'Choose a file'))).toBe(
      'Choose a file',
    );
    expect(describeUploadError(new ColivingSdkError('transcode_failed', 'x'))).toBe(
      UPLOAD_ERROR_WORDS.transcode_failed,
    );
    expect(describeUploadError(new ColivingSdkError('no_healthy_node', 'x'))).toBe(
      'The network cannot be reached right now.',
    );
    expect(describeUploadError(new Error('boom'))).toBe('boom');
  });

  it("maps the content node's codes to words and never shows its tool names", () => {
    const failed = (code: string, message: string) =>
      describeUploadError(new ColivingSdkError('transcode_failed', message, { code }));
    expect(failed('not_audio', 'The file is not audio ffmpeg can read')).toBe(
      "This file isn't audio we can read. Choose an MP3, WAV, FLAC, AIFF, OGG or M4A file. Nothing was published.",
    );
    expect(failed('transcode_failed', 'ffmpeg could not transcode the file')).toBe(
      "We couldn't process this file. Try exporting it again from your editor. Nothing was published.",
    );
    for (const [code, words] of Object.entries(UPLOAD_ERROR_WORDS)) {
      expect(failed(code, 'ffmpeg exited with 1 (transcode job 42)')).toBe(words);
      expect(words).not.toMatch(/ffmpeg|ffprobe|transcode job|[a-z]+_[a-z]+/i);
    }
    // A file that ends early: the node's message is written for people and shown as given.
    expect(failed('truncated_audio', 'This file ends early: only 1.3 s of its 2:00 play.')).toBe(
      'This file ends early: only 1.3 s of its 2:00 play.',
    );
  });

  it('explains the transcode and publish steps', () => {
    expect(statusDetail({ phase: 'transcoding', status: 'busy' })).toBe(
      'Making the stream and the 30-second preview',
    );
    expect(statusDetail({ phase: 'publishing', status: 'relaying' })).toBe(
      'Sending it to the network',
    );
    expect(statusDetail({ phase: 'uploading', loaded: 1, total: 2 })).toBeUndefined();
  });
});
