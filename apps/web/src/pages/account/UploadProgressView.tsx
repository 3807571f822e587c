import { isScheduled, scheduledFor } from '../../catalog/trackEdit.js';
import { Link } from '../../router.js';
import {
  NODE_AWAY_TEXT,
  type UploadState,
  percentOf,
  stageText,
  statusDetail,
} from './uploadProgress.js';

const STEPS = [
  { phase: 'uploading', label: 'Upload' },
  { phase: 'transcoding', label: 'Transcode' },
  { phase: 'publishing', label: 'Publish' },
] as const;
const RANK = { uploading: 0, transcoding: 1, publishing: 2, published: 3 } as const;

/**
 * An upload under way or finished: the stage line (read by the end-to-end tests), a progress bar
 * while bytes are sent, the three steps, and at the end a link to the track or what went wrong.
 * Screen readers hear each stage once (not every percent).
 */
export function UploadProgressView({
  state,
  onCancel,
  onAgain,
  onRetry,
}: {
  state: UploadState;
  onCancel?: () => void;
  onAgain?: () => void;
  onRetry?: () => void;
}) {
  const text = stageText(state);
  const detail = statusDetail(state);
  const rank = state.phase in RANK ? RANK[state.phase as keyof typeof RANK] : -1;
  const busy = rank >= 0 && rank < 3;
  // One announcement per stage (the percent would be read out dozens of times); the region
  // stays mounted from idle on, so its first words are announced too.
  const announce =
    state.phase === 'idle' || state.phase === 'failed'
      ? ''
      : state.phase === 'uploading'
        ? 'Uploading'
        : detail === NODE_AWAY_TEXT
          ? `${text}. ${detail}`
          : text;
  const live = (
    <p className="visually-hidden" role="status" aria-live="polite">
      {announce}
    </p>
  );
  if (state.phase === 'idle') return <>{live}</>;
  return (
    <>
      {live}
      <section
        className={`upload-progress upload-progress-${state.phase}`}
        aria-labelledby="upload-stage"
      >
        <h2 className="visually-hidden">Upload progress</h2>
        <p className="upload-stage" id="upload-stage" data-testid="upload-stage">
          {text}
        </p>
        {state.phase === 'uploading' && (
          <progress
            className="upload-bar"
            aria-label="Upload progress"
            max={100}
            value={percentOf(state.loaded, state.total)}
          />
        )}
        {(state.phase === 'transcoding' || state.phase === 'publishing') && (
          <progress
            className="upload-bar upload-bar-indeterminate"
            aria-label={`${text} progress`}
          />
        )}
        {detail && <p className="upload-detail">{detail}</p>}
        {rank >= 0 && (
          <ol className="upload-steps">
            {STEPS.map((step, i) => {
              const status = i < rank ? 'done' : i === rank ? 'current' : 'todo';
              return (
                <li
                  key={step.phase}
                  className={`upload-step upload-step-${status}`}
                  aria-current={status === 'current' ? 'step' : undefined}
                >
                  <span aria-hidden="true" className="upload-step-mark">
                    {status === 'done' ? '✓' : i + 1}
                  </span>
                  {step.label}
                  <span className="visually-hidden">
                    {status === 'done' ? ' (done)' : status === 'current' ? ' (in progress)' : ''}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        {busy && onCancel && (
          <p className="upload-actions">
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <span className="field-hint">Keep this page open until the track is published.</span>
          </p>
        )}
        {state.phase === 'published' && (
          <div className="upload-done">
            <p>
              {isScheduled(state.track) && state.track.release_date ? (
                <>
                  <strong>{state.track.title}</strong>: {scheduledFor(state.track.release_date)}.
                  Only you can see it until then.
                </>
              ) : (
                <>
                  <strong>{state.track.title}</strong> is live.
                </>
              )}{' '}
              <Link to={state.track.permalink} className="button-primary">
                Go to the track
              </Link>
            </p>
            {onAgain && (
              <button type="button" onClick={onAgain}>
                Upload another
              </button>
            )}
          </div>
        )}
        {state.phase === 'failed' && (
          <div className="form-error" role="alert">
            <p>{state.message}</p>
            {onRetry && (
              <button type="button" onClick={onRetry}>
                Try again
              </button>
            )}
          </div>
        )}
        {state.phase === 'cancelled' && onRetry && (
          <p className="upload-actions">
            <button type="button" onClick={onRetry}>
              Start again
            </button>
          </p>
        )}
      </section>
    </>
  );
}
