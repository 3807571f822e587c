import type { Track, UpdateTrackChanges, User } from '@coliving/sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { AccessFields } from '../money/AccessFields.js';
import {
  type AccessValues,
  UnknownHandleError,
  accessMetadata,
  accessValuesOf,
  hasAccessErrors,
  splitUserIds,
  validateAccess,
} from '../money/access.js';
import { Field, FormError, countOf, focusFirstError } from '../pages/account/Field.js';
import { ImagePicker } from '../pages/account/ImagePicker.js';
import { MAX_TITLE, isValid, validateTrack } from '../pages/account/validation.js';
import { useSdk } from '../sdk.js';
import {
  type EditValues,
  editValuesOf,
  isScheduled,
  previewStartPastEnd,
  trackChanges,
} from './trackEdit.js';
import { TrackDetailFields } from './TrackDetailFields.js';
import '../pages/forms.css';

const IDS: Record<keyof EditValues, string> = {
  title: 'edit-title',
  genre: 'edit-genre',
  mood: 'edit-mood',
  tags: 'edit-tags',
  description: 'edit-description',
  releaseDate: 'edit-release-date',
  previewStartSeconds: 'edit-preview-start',
};

/**
 * The landlord's edit form for a track: its words, artwork, release date and access. Checked in
 * words before anything is signed; only what changed is sent (`sdk.tracks.update`), and `onSaved`
 * gets the track as the network has it after.
 */
export function EditTrackForm({
  track,
  owner,
  onSaved,
  onCancel,
}: {
  track: Track;
  owner: Pick<User, 'id' | 'handle'>;
  onSaved: (track: Track) => void;
  onCancel: () => void;
}) {
  const sdk = useSdk();
  const [values, setValues] = useState<EditValues>(() => editValuesOf(track));
  const [artwork, setArtwork] = useState<File | null>(null);
  const [access, setAccess] = useState<AccessValues | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [state, setState] = useState<
    { phase: 'idle' } | { phase: 'saving' } | { phase: 'failed'; message: string }
  >({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  // Opened, the form takes focus at its first field (and scrolls to it).
  useEffect(() => document.getElementById(IDS.title)?.focus(), []);

  // The access settings, with the collaborators by @handle as they were entered.
  useEffect(() => {
    const abort = new AbortController();
    const ids = splitUserIds(track);
    (ids.length > 0 ? sdk.users.bulk({ ids, signal: abort.signal }) : Promise.resolve([])).then(
      (users: User[]) => setAccess(accessValuesOf(track, new Map(users.map((u) => [u.id, u])))),
      () => setAccess(accessValuesOf(track, new Map())),
    );
    return () => abort.abort();
  }, [sdk, track]);

  const checked = validateTrack(values);
  const errors = {
    ...checked,
    previewStartSeconds:
      checked.previewStartSeconds ?? previewStartPastEnd(track, values.previewStartSeconds),
  };
  const accessErrors = access ? validateAccess(access, owner.handle) : {};
  const shown = (field: keyof EditValues) => (submitted ? errors[field] : undefined);
  const set = (field: keyof EditValues) => (value: string) =>
    setValues((v) => ({ ...v, [field]: value }));
  const saving = state.phase === 'saving';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving || !access) return;
    setSubmitted(true);
    if (!isValid(errors)) {
      focusFirstError(IDS, errors);
      return;
    }
    if (hasAccessErrors(accessErrors)) {
      document.querySelector<HTMLElement>('.access-fields [aria-invalid="true"]')?.focus();
      return;
    }
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'saving' });
    try {
      const gate = await accessMetadata(sdk, access, track.user, abort.signal);
      const changes: UpdateTrackChanges = {
        ...trackChanges(track, values),
        ...gate,
        ...(artwork ? { artwork } : {}),
      };
      const after = await sdk.tracks.update(owner.id, track.id, changes, {
        signal: abort.signal,
      });
      setState({ phase: 'idle' });
      onSaved(after);
    } catch (error) {
      if (abort.signal.aborted) return;
      setState({
        phase: 'failed',
        message:
          error instanceof UnknownHandleError
            ? `${error.message} Check the collaborators under Access.`
            : `Nothing was saved. ${describeError(error)}`,
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };

  const scheduled =
    values.releaseDate !== '' && isScheduled({ release_date: `${values.releaseDate}T00:00:00` });
  return (
    <form
      className="form edit-track-form"
      aria-label={`Edit ${track.title}`}
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-busy={saving}
    >
      <fieldset disabled={saving} className="upload-grid">
        <legend className="visually-hidden">The track</legend>
        <div className="upload-files">
          <ImagePicker
            id="edit-artwork"
            label="Artwork"
            file={artwork}
            onChange={setArtwork}
            currentUrl={track.artwork?.['480x480'] ?? track.artwork?.['150x150']}
            disabled={saving}
            hint="A square image, at least 1000×1000 looks best. Leave it to keep the current one."
          />
        </div>
        <div className="upload-fields">
          <Field
            id={IDS.title}
            label="Title"
            error={shown('title')}
            counter={countOf(values.title, MAX_TITLE)}
          >
            {(control) => (
              <input
                {...control}
                type="text"
                required
                maxLength={MAX_TITLE}
                value={values.title}
                onChange={(e) => set('title')(e.target.value)}
              />
            )}
          </Field>
          <TrackDetailFields ids={IDS} values={values} shown={shown} set={set} />
          <Field
            id={IDS.releaseDate}
            label="Release date"
            optional
            error={shown('releaseDate')}
            hint={
              scheduled
                ? 'Ahead: listeners will not see the track until then.'
                : 'A date ahead schedules the release.'
            }
          >
            {(control) => (
              <input
                {...control}
                type="date"
                value={values.releaseDate}
                onChange={(e) => set('releaseDate')(e.target.value)}
              />
            )}
          </Field>
          <Field
            id={IDS.previewStartSeconds}
            label="Preview starts at (seconds)"
            optional
            error={shown('previewStartSeconds')}
            hint="Where the preview (up to 30 seconds) begins. A new start cuts a new preview from the track."
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                value={values.previewStartSeconds}
                onChange={(e) => set('previewStartSeconds')(e.target.value)}
              />
            )}
          </Field>
          {access ? (
            <AccessFields
              values={access}
              onChange={setAccess}
              errors={submitted ? accessErrors : {}}
              disabled={saving}
            />
          ) : (
            <p role="status">Loading the access settings…</p>
          )}
          {submitted && (!isValid(errors) || hasAccessErrors(accessErrors)) && (
            <p className="error-text" role="alert">
              Nothing was saved: correct what is marked above.
            </p>
          )}
          {saving && (
            <p role="status" aria-live="polite">
              Saving…
            </p>
          )}
          <FormError>{state.phase === 'failed' ? state.message : null}</FormError>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={saving || !access}>
              Save changes
            </button>
            <button type="button" disabled={saving} onClick={onCancel}>
              Cancel
            </button>
          </div>
        </div>
      </fieldset>
    </form>
  );
}
