import type { User } from '@coliving/sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { useSdk } from '../sdk.js';
import { AccessFields } from './AccessFields.js';
import {
  type AccessOf,
  type AccessValues,
  UnknownHandleError,
  accessValuesOf,
  hasAccessErrors,
  splitUserIds,
  validateAccess,
} from './access.js';
import './money.css';

/**
 * The landlord's edit form for who may play a track or an album: behind "Edit access", the
 * current settings (collaborators by @handle), checked in words before anything is signed, then
 * `save` (which writes them on chain). Bad input never reaches `save`.
 */
export function AccessEditor({
  content,
  kind,
  title,
  ownerHandle,
  save,
}: {
  content: AccessOf;
  kind: 'track' | 'album';
  title: string;
  ownerHandle: string;
  /** Writes valid settings; an UnknownHandleError names a collaborator no one has. */
  save: (values: AccessValues, signal: AbortSignal) => Promise<void>;
}) {
  const sdk = useSdk();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<AccessValues | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [state, setState] = useState<
    { phase: 'idle' } | { phase: 'saving' } | { phase: 'failed'; message: string }
  >({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  // The collaborators' handles, to show the splits as they were entered.
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    const ids = splitUserIds(content);
    (ids.length > 0 ? sdk.users.bulk({ ids, signal: abort.signal }) : Promise.resolve([])).then(
      (users: User[]) => setValues(accessValuesOf(content, new Map(users.map((u) => [u.id, u])))),
      () => setValues(accessValuesOf(content, new Map())),
    );
    return () => abort.abort();
  }, [sdk, open, content]);

  const close = () => {
    setOpen(false);
    setValues(null);
    setSubmitted(false);
  };

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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasAccessErrors(errors)) return;
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'saving' });
    try {
      await save(values, abort.signal);
      setState({ phase: 'idle' });
      close();
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
      aria-label={`Access to ${title}`}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <AccessFields
        kind={kind}
        values={values}
        onChange={setValues}
        errors={submitted ? errors : {}}
        disabled={state.phase === 'saving'}
      />
      {submitted && hasAccessErrors(errors) && (
        <p className="error-text" role="alert">
          Nothing was saved: correct what is marked above.
        </p>
      )}
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
        <button type="button" disabled={state.phase === 'saving'} onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
