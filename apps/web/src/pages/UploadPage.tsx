import type { User } from '@coliving/sdk';
import { type FormEvent, useEffect, useReducer, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { AccessFields } from '../money/AccessFields.js';
import {
  PUBLIC_ACCESS,
  UnknownHandleError,
  accessMetadata,
  hasAccessErrors,
  validateAccess,
} from '../money/access.js';
import { useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { AccountGate } from './account/AccountGate.js';
import { AudioDropzone } from './account/AudioDropzone.js';
import { Field, countOf, focusFirstError } from './account/Field.js';
import { ImagePicker } from './account/ImagePicker.js';
import { UploadProgressView } from './account/UploadProgressView.js';
import { useAccount } from './account/useAccount.js';
import { initialUploadState, isBusy, uploadReducer } from './account/uploadProgress.js';
import {
  MAX_TITLE,
  type TrackField,
  type TrackValues,
  isValid,
  titleFromFileName,
  trackMetadata,
  validateTrack,
} from './account/validation.js';
import './forms.css';
import { AlbumModeSwitch } from '../playlists/AlbumUpload.js';
import { TrackDetailFields } from '../catalog/TrackDetailFields.js';

/** Upload a track: choose the audio, describe it, and follow it to published. */
export default function UploadPage() {
  useTitle('Upload');
  const account = useAccount();
  if (account.status !== 'ready') {
    return (
      <AccountGate
        account={account}
        title="Upload"
        next="/upload"
        needsProfile
        why="to upload a track"
      />
    );
  }
  return <AlbumModeSwitch user={account.user} single={<Uploader user={account.user} />} />;
}

const EMPTY: TrackValues = {
  title: '',
  genre: '',
  mood: '',
  tags: '',
  description: '',
  releaseDate: '',
  previewStartSeconds: '',
};

const IDS: Record<TrackField | 'file', string> = {
  file: 'upload-choose',
  title: 'track-title',
  genre: 'track-genre',
  mood: 'track-mood',
  tags: 'track-tags',
  description: 'track-description',
  releaseDate: 'track-release-date',
  previewStartSeconds: 'track-preview-start',
};

function Uploader({ user }: { user: User }) {
  const sdk = useSdk();
  const session = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [values, setValues] = useState<TrackValues>(EMPTY);
  const [titleEdited, setTitleEdited] = useState(false);
  const [artwork, setArtwork] = useState<File | null>(null);
  const [access, setAccess] = useState(PUBLIC_ACCESS);
  const [accessProblem, setAccessProblem] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [state, dispatch] = useReducer(uploadReducer, initialUploadState);
  const controller = useRef<AbortController | null>(null);
  const busy = isBusy(state);

  // Leaving the page (an in-app link) stops the upload rather than leaving it running unseen.
  useEffect(() => () => controller.current?.abort(), []);

  // A file dropped beside the zone would otherwise make the browser open it and leave the page.
  useEffect(() => {
    const stop = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  // Closing or reloading the tab mid-upload asks first.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  const errors = validateTrack(values);
  const accessErrors = validateAccess(access, user.handle);
  const fileError = file ? undefined : 'Choose an audio file to upload.';
  const shown = (field: TrackField) => (submitted ? errors[field] : undefined);
  const set = (field: TrackField) => (value: string) =>
    setValues((v) => ({ ...v, [field]: value }));

  const chooseFile = (chosen: File) => {
    setFile(chosen);
    if (!titleEdited || values.title.trim() === '') {
      setValues((v) => ({ ...v, title: titleFromFileName(chosen.name) }));
      setTitleEdited(false);
    }
    if (state.phase === 'failed' || state.phase === 'cancelled') dispatch({ type: 'reset' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    if (!file) {
      document.querySelector<HTMLElement>(`#${IDS.file} button`)?.focus();
      return;
    }
    if (!isValid(errors)) {
      focusFirstError(IDS, errors);
      return;
    }
    if (hasAccessErrors(accessErrors)) {
      document.querySelector<HTMLElement>('.access-fields [aria-invalid="true"]')?.focus();
      return;
    }
    setAccessProblem(null);
    const abort = new AbortController();
    controller.current = abort;
    let gate: Awaited<ReturnType<typeof accessMetadata>>;
    try {
      gate = await accessMetadata(sdk, access, user, abort.signal);
    } catch (error) {
      if (controller.current === abort) controller.current = null;
      setAccessProblem(
        error instanceof UnknownHandleError
          ? `${error.message} Check the collaborators under Access.`
          : describeError(error),
      );
      return;
    }
    dispatch({ type: 'start', total: file.size });
    try {
      const { track } = await sdk.tracks.upload({
        userId: user.id,
        file,
        fileName: file.name,
        ...(artwork ? { artwork } : {}),
        metadata: { ...trackMetadata(values), ...gate },
        onProgress: (progress) => dispatch({ type: 'progress', event: progress }),
        signal: abort.signal,
      });
      dispatch({ type: 'published', track });
      // The profile's track count changed.
      session.refresh().catch(() => {});
    } catch (error) {
      dispatch({ type: 'failed', error });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };

  const again = () => {
    dispatch({ type: 'reset' });
    setFile(null);
    setArtwork(null);
    setValues(EMPTY);
    setAccess(PUBLIC_ACCESS);
    setAccessProblem(null);
    setTitleEdited(false);
    setSubmitted(false);
  };

  const published = state.phase === 'published';
  return (
    <div className="upload-page">
      <h1>Upload a track</h1>
      <p className="form-lead">
        Publishing as <strong>{user.name}</strong> (@{user.handle}). The file is transcoded to a 320
        kbps stream with a 30-second preview.
      </p>
      <UploadProgressView
        state={state}
        onCancel={() => controller.current?.abort()}
        onAgain={again}
      />
      {!published && (
        <form
          className="form upload-form"
          onSubmit={(e) => void submit(e)}
          noValidate
          aria-busy={busy}
          aria-label="Upload a track"
        >
          <fieldset disabled={busy} className="upload-grid">
            <legend className="visually-hidden">The track</legend>
            <div className="upload-files">
              <div id={IDS.file}>
                <AudioDropzone file={file} onFile={chooseFile} disabled={busy} />
              </div>
              {submitted && fileError && (
                <p className="field-error" role="alert">
                  {fileError}
                </p>
              )}
              <ImagePicker
                id="track-artwork"
                label="Artwork"
                file={artwork}
                onChange={setArtwork}
                disabled={busy}
                hint="Optional. A square image, at least 1000×1000 looks best."
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
                    onChange={(e) => {
                      setTitleEdited(true);
                      set('title')(e.target.value);
                    }}
                  />
                )}
              </Field>
              <TrackDetailFields ids={IDS} values={values} shown={shown} set={set} />
              <div className="field-pair">
                <Field
                  id={IDS.releaseDate}
                  label="Release date"
                  optional
                  error={shown('releaseDate')}
                  hint="A date ahead schedules the release."
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
                  hint="Where the 30-second preview begins."
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
              </div>
              <AccessFields
                values={access}
                onChange={setAccess}
                errors={submitted ? accessErrors : {}}
              />
              {accessProblem && (
                <p className="field-error" role="alert">
                  {accessProblem}
                </p>
              )}
              <div className="form-actions">
                <button type="submit" className="button-primary">
                  Upload
                </button>
              </div>
            </div>
          </fieldset>
        </form>
      )}
    </div>
  );
}
