import type { Track } from '@coliving/sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { useSdk } from '../sdk.js';
import { AccessFields } from './AccessFields.js';
import {
  type AccessValues,
  UnknownHandleError,
  accessMetadata,
  accessValuesOf,
  hasAccessErrors,
  splitUserIds,
  validateAccess,
} from './access.js';
import './money.css';

/**
 * The landlord's edit form for a track's access: who may play it (public, followers, tippers,
 * a price with splits), unlisted, downloadable. Saved on chain; `onSaved` gets the track after.
 */
export function TrackAccessEditor({
  track,
  ownerHandle,
  onSaved,
}: {
  track: Track;
  ownerHandle: string;
  onSaved: (track: Track) => void;
}) {
  const sdk = useSdk();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<AccessValues | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [state, setState] = useState<
    | { phase: 'idle' }
    | { phase: 'saving' }
    | { phase: 'saved' }
    | { phase: 'failed'; message: string }
  >({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  // The collaborators' handles, to show the splits as they were entered.
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    const ids = splitUserIds(track);
    (ids.length > 0 ? sdk.users.bulk({ ids, signal: abort.signal }) : Promise.resolve([])).then(
      (users) => setValues(accessValuesOf(track, new Map(users.map((u) => [u.id, u])))),
      () => setValues(accessValuesOf(track, new Map())),
    );
    return () => abort.abort();
  }, [sdk, open, track]);

  if (!open) {
    return (
      <button
        type="button"
        className="button-secondary"
        onClick={() => {
          setOpen(true);
          setState({ phase: 'idle' });
        }}
      >
        Edit access
      </button>
    );
  }
  if (!values) return <p role="status">Loading the access settings…</p>;
  const errors = validateAccess(values, ownerHandle);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasAccessErrors(errors)) return;
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'saving' });
    try {
      const changes = await accessMetadata(sdk, values, track.user, abort.signal);
      const after = await sdk.tracks.update(track.user.id, track.id, changes, {
        signal: abort.signal,
      });
      setState({ phase: 'saved' });
      setOpen(false);
      onSaved(after);
    } catch (error) {
      if (abort.signal.aborted) return;
      setState({
        phase: 'failed',
        message:
          error instanceof UnknownHandleError
            ? `${error.message} Check the collaborators.`
            : describeError(error),
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };

  return (
    <form
      className="form track-access-form"
      aria-label={`Access to ${track.title}`}
      onSubmit={(e) => void save(e)}
      noValidate
    >
      <AccessFields
        values={values}
        onChange={setValues}
        errors={submitted ? errors : {}}
        disabled={state.phase === 'saving'}
      />
      {state.phase === 'saving' && (
        <p role="status" aria-live="polite">
          Saving…
        </p>
      )}
      {state.phase === 'failed' && (
        <p className="error-text" role="alert">
          {state.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={state.phase === 'saving'}>
          Save access
        </button>
        <button
          type="button"
          disabled={state.phase === 'saving'}
          onClick={() => {
            setOpen(false);
            setValues(null);
            setSubmitted(false);
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
