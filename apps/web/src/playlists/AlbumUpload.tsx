// Upload several files at once as an album: one name, one genre, one artwork, the tracks in the
// order chosen here with a title each. Each file is uploaded as a track (the SDK's track upload),
// then the album is created from them. AlbumModeSwitch puts it beside the one-track uploader.
import type { Playlist, User } from '@coliving/sdk';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { ImagePicker } from '../pages/account/ImagePicker.js';
import { GENRE_OPTIONS } from '../pages/account/validation.js';
import { describeUploadError } from '../pages/account/uploadProgress.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSdk } from '../sdk.js';
import { moved } from './PlaylistEditor.js';
import '../pages/forms.css';
import './playlists.css';

/** The most files one album upload takes. */
const MAX_FILES = 50;

type Item = { key: number; file: File; title: string };

type Progress =
  | { phase: 'ready' }
  | { phase: 'uploading'; words: string }
  | { phase: 'done'; album: Playlist }
  | { phase: 'failed'; message: string };

/** A file's name without its extension, as a first title. */
export function titleOf(fileName: string): string {
  return (
    fileName
      .replace(/\.[^.]+$/, '')
      .replace(/[_]+/g, ' ')
      .trim() || fileName
  );
}

/** "One track" or "Album" on the upload page (?mode=album), with the uploader each one shows. */
export function AlbumModeSwitch({ user, single }: { user: User; single: ReactNode }) {
  const { query } = useLocation();
  const album = query.get('mode') === 'album';
  return (
    <>
      <nav className="upload-modes" aria-label="What to upload">
        <Link to="/upload" aria-current={album ? undefined : 'page'}>
          One track
        </Link>{' '}
        ·{' '}
        <Link to="/upload?mode=album" aria-current={album ? 'page' : undefined}>
          An album
        </Link>
      </nav>
      {album ? <AlbumUpload user={user} /> : single}
    </>
  );
}

/** Why an album upload stopped: the file it was on (null when making the album itself failed). */
export type AlbumFailure = {
  failed: { title: string; fileName: string } | null;
  /** The upload's words (`describeUploadError`), or "Cancelled.". */
  why: string;
  /** The titles of the tracks published before it stopped. */
  published: string[];
};

/**
 * What a stopped album upload says: which file, why, that no album was made, and which of its
 * tracks were published all the same (they stay on the profile), or that nothing was.
 */
export function albumFailureWords({ failed, why, published }: AlbumFailure): string {
  // A single upload's words end with "Nothing was published.", not true of the album's others.
  const reason = why.replace(/\s*Nothing was published\.$/, '');
  const where = failed ? `“${failed.title}” (${failed.fileName}): ` : '';
  const kept =
    published.length === 0
      ? 'Nothing was published.'
      : `${published.length === 1 ? 'This track was' : `These ${published.length} tracks were`} ` +
        `published and ${published.length === 1 ? 'is' : 'are'} on your profile: ` +
        `${published.map((t) => `“${t}”`).join(', ')}.`;
  return `${where}${reason} The album was not made. ${kept}`;
}

export function AlbumUpload({ user }: { user: User }) {
  const sdk = useSdk();
  const [name, setName] = useState('');
  const [genre, setGenre] = useState('');
  const [artwork, setArtwork] = useState<File | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress>({ phase: 'ready' });
  const [announce, setAnnounce] = useState('');
  const nextKey = useRef(0);
  const filesInput = useRef<HTMLInputElement>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const busy = progress.phase === 'uploading';

  const addFiles = (files: FileList | null) => {
    const chosen = [...(files ?? [])].filter(
      (f) =>
        f.type.startsWith('audio/') ||
        f.type === '' ||
        /\.(mp3|wav|flac|ogg|m4a|aiff?)$/i.test(f.name),
    );
    const added = chosen.map((file) => ({
      key: nextKey.current++,
      file,
      title: titleOf(file.name),
    }));
    setItems((list) => [...list, ...added].slice(0, MAX_FILES));
    setProblem(null);
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= items.length) return;
    setItems(moved(items, from, to));
    setAnnounce(`Moved “${items[from]!.title}” to position ${to + 1} of ${items.length}.`);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const albumName = name.trim();
    const missing = !albumName
      ? 'Name the album.'
      : !GENRE_OPTIONS.includes(genre)
        ? 'Choose a genre.'
        : items.length < 2
          ? 'Choose at least two audio files.'
          : items.some((i) => !i.title.trim())
            ? 'Give every track a title.'
            : null;
    setProblem(missing);
    if (missing) return;
    const abort = new AbortController();
    controller.current = abort;
    void (async () => {
      const trackIds: string[] = [];
      const published: string[] = [];
      let failed: AlbumFailure['failed'] = null;
      try {
        for (const [index, item] of items.entries()) {
          const title = item.title.trim();
          failed = { title, fileName: item.file.name };
          setProgress({
            phase: 'uploading',
            words: `Uploading track ${index + 1} of ${items.length}: ${title}…`,
          });
          const { trackId } = await sdk.tracks.upload({
            userId: user.id,
            file: item.file,
            fileName: item.file.name,
            ...(artwork ? { artwork } : {}),
            metadata: { title, genre: genre },
            signal: abort.signal,
          });
          trackIds.push(trackId);
          published.push(title);
        }
        failed = null;
        setProgress({ phase: 'uploading', words: `Creating the album ${albumName}…` });
        const { playlist } = await sdk.playlists.create({
          userId: user.id,
          name: albumName,
          isAlbum: true,
          trackIds,
          ...(artwork ? { artwork } : {}),
          signal: abort.signal,
        });
        setProgress({ phase: 'done', album: playlist });
      } catch (error) {
        const why = abort.signal.aborted ? 'Cancelled.' : describeUploadError(error);
        setProgress({ phase: 'failed', message: albumFailureWords({ failed, why, published }) });
      } finally {
        if (controller.current === abort) controller.current = null;
      }
    })();
  };

  if (progress.phase === 'done') {
    const album = progress.album;
    return (
      <div className="upload-page">
        <h1>Upload an album</h1>
        <p role="status">
          Published <Link to={album.permalink}>{album.playlist_name}</Link>, an album of{' '}
          {items.length} tracks.
        </p>
        <div className="form-actions">
          <button type="button" onClick={() => navigate(album.permalink)}>
            Open the album
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="upload-page form" onSubmit={onSubmit} aria-labelledby="album-upload-title">
      <h1 id="album-upload-title">Upload an album</h1>
      <p className="form-lead">
        Publishing as <strong>{user.name}</strong> (@{user.handle}). Each file becomes a track of
        the album, in the order below.
      </p>
      <div className="field">
        <label htmlFor="album-name">Album name</label>
        <input
          id="album-name"
          value={name}
          maxLength={100}
          disabled={busy}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="album-genre">Genre</label>
        <select
          id="album-genre"
          value={genre}
          disabled={busy}
          onChange={(e) => setGenre(e.target.value)}
        >
          <option value="">Choose a genre</option>
          {GENRE_OPTIONS.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </div>
      <ImagePicker
        id="album-artwork"
        label="Artwork"
        hint="A square image, for the album and its tracks."
        file={artwork}
        onChange={setArtwork}
        disabled={busy}
      />
      <div className="field">
        <label htmlFor="album-files">Audio files (choose several)</label>
        <div className="album-files-picker">
          <button
            type="button"
            disabled={busy || items.length >= MAX_FILES}
            aria-describedby="album-files-chosen"
            onClick={() => filesInput.current?.click()}
          >
            {items.length === 0 ? 'Choose audio files' : 'Add more files'}
          </button>
          <span className="field-hint" id="album-files-chosen">
            {items.length === 0
              ? `None chosen yet: MP3, WAV, FLAC, AIFF, OGG or M4A, up to ${MAX_FILES}.`
              : `${items.length} ${items.length === 1 ? 'file' : 'files'} chosen, listed below in album order.`}
          </span>
        </div>
        {/* The picker itself, behind the button: the browser's own says "No file chosen" even
            when files are listed below. */}
        <input
          ref={filesInput}
          id="album-files"
          type="file"
          accept="audio/*"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          disabled={busy}
          onChange={(e) => {
            addFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {items.length > 0 && (
        <ol className="album-files" aria-label="Album tracks">
          {items.map((item, index) => (
            <li key={item.key}>
              <label htmlFor={`album-track-${item.key}`}>Track {index + 1} title</label>
              <input
                id={`album-track-${item.key}`}
                value={item.title}
                maxLength={100}
                disabled={busy}
                onChange={(e) =>
                  setItems(
                    items.map((i) => (i.key === item.key ? { ...i, title: e.target.value } : i)),
                  )
                }
              />
              <span className="muted">{item.file.name}</span>
              <button
                type="button"
                aria-label={`Move “${item.title}” up`}
                disabled={busy || index === 0}
                onClick={() => move(index, index - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move “${item.title}” down`}
                disabled={busy || index === items.length - 1}
                onClick={() => move(index, index + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                aria-label={`Remove “${item.title}”`}
                disabled={busy}
                onClick={() => setItems(items.filter((i) => i.key !== item.key))}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <p className="visually-hidden" role="status" aria-live="assertive">
        {announce}
      </p>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
      <p role="status" aria-live="polite" className="form-status">
        {progress.phase === 'uploading' ? progress.words : null}
      </p>
      {progress.phase === 'failed' && (
        <p role="alert" className="error-text">
          {progress.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Publishing…' : 'Publish album'}
        </button>
        {busy && (
          <button type="button" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
