// "Add to playlist…": the listener's own playlists (and, for their own track, their albums) to
// add a track to, or a new playlist named here; the result is said in words.
import type { Playlist, Track } from '@coliving/sdk';
import { type FormEvent, useState } from 'react';
import { describeError, Loading } from '../components/States.js';
import { useAsync } from '../components/useAsync.js';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { useViewer } from '../pages/browse/useViewer.js';
import { Dialog } from './Dialog.js';

/** How many of the listener's playlists the dialog offers. */
const LIST_LIMIT = 100;
/** The longest playlist name the dialog takes. */
const NAME_MAX = 100;

type Progress =
  | { phase: 'ready' }
  | { phase: 'saving'; words: string }
  | { phase: 'done'; playlist: Playlist; created: boolean }
  | { phase: 'failed'; message: string };

/** The playlists a track may go into: the user's playlists, and their albums when it is theirs. */
export function playlistsFor(track: Track, userId: string, lists: Playlist[]): Playlist[] {
  return lists.filter(
    (p) => !p.is_delete && p.user_id === userId && (!p.is_album || track.user.id === userId),
  );
}

export function AddToPlaylistDialog({ track, onClose }: { track: Track; onClose: () => void }) {
  const sdk = useSdk();
  const viewer = useViewer();
  const userId = viewer.kind === 'user' ? viewer.userId : undefined;
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<Progress>({ phase: 'ready' });
  const mine = useAsync(
    async (signal) => {
      if (!userId) return [];
      const [playlists, albums] = await Promise.all([
        sdk.users.playlists(userId, { userId, limit: LIST_LIMIT, signal }),
        track.user.id === userId
          ? sdk.users.albums(userId, { userId, limit: LIST_LIMIT, signal })
          : Promise.resolve([]),
      ]);
      return playlistsFor(track, userId, [...playlists, ...albums]);
    },
    [sdk, userId, track.id],
  );
  const saving = progress.phase === 'saving';

  const run = async (words: string, send: () => Promise<{ p: Playlist; created: boolean }>) => {
    setProgress({ phase: 'saving', words });
    try {
      const { p, created } = await send();
      setProgress({ phase: 'done', playlist: p, created });
    } catch (error) {
      setProgress({ phase: 'failed', message: describeError(error) });
    }
  };
  const addTo = (playlist: Playlist) =>
    run(`Adding to ${playlist.playlist_name}…`, async () => {
      const ids = playlist.playlist_contents.map((e) => e.track_id);
      const p = await sdk.playlists.update(userId!, playlist.id, {
        trackIds: [...ids, track.id],
      });
      return { p, created: false };
    });
  const create = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || saving || !userId) return;
    void run(`Creating ${trimmed}…`, async () => {
      const { playlist } = await sdk.playlists.create({
        userId,
        name: trimmed,
        isAlbum: false,
        trackIds: [track.id],
      });
      return { p: playlist, created: true };
    });
  };

  const title = `Add “${track.title}” to a playlist`;
  if (viewer.kind === 'loading') {
    return (
      <Dialog title={title} onClose={onClose}>
        <Loading label="Loading your playlists" />
      </Dialog>
    );
  }
  if (!userId) {
    return (
      <Dialog title={title} onClose={onClose}>
        <p>
          {viewer.kind === 'no-profile' ? (
            <>
              <Link to="/signup">Finish signing up</Link> to make playlists.
            </>
          ) : (
            <>
              <Link to={`/login?next=${encodeURIComponent(window.location.pathname)}`}>Log in</Link>{' '}
              to add tracks to your playlists.
            </>
          )}
        </p>
        <div className="form-actions">
          <button type="button" autoFocus onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  if (progress.phase === 'done') {
    const p = progress.playlist;
    return (
      <Dialog title={title} onClose={onClose}>
        <p role="status">
          {progress.created ? 'Created ' : 'Added to '}
          <Link to={p.permalink} onClick={onClose}>
            {p.playlist_name}
          </Link>
          {progress.created ? ` with “${track.title}”.` : '.'}
        </p>
        <div className="form-actions">
          <button type="button" className="button-primary" autoFocus onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title={title} onClose={saving ? undefined : onClose}>
      {mine.status === 'loading' ? (
        <Loading label="Loading your playlists" />
      ) : mine.status === 'error' ? (
        <p role="alert" className="error-text">
          {describeError(mine.error)}
        </p>
      ) : mine.data.length === 0 ? (
        <p className="muted">You have no playlists yet: name one below.</p>
      ) : (
        <ul className="playlist-choices" aria-label="Your playlists">
          {mine.data.map((p) => {
            const inIt = p.playlist_contents.some((e) => e.track_id === track.id);
            return (
              <li key={p.id}>
                <button
                  type="button"
                  disabled={saving || inIt}
                  onClick={() => void addTo(p)}
                  aria-label={
                    inIt ? `${p.playlist_name} (already has this track)` : p.playlist_name
                  }
                >
                  {p.playlist_name}
                  {p.is_album ? ' (album)' : ''}
                  {inIt ? ' · already in it' : ''}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={create} aria-labelledby="add-new-playlist">
        <h3 id="add-new-playlist">New playlist</h3>
        <div className="inline-field">
          <label htmlFor="add-new-playlist-name">Name</label>
          <input
            id="add-new-playlist-name"
            value={name}
            maxLength={NAME_MAX}
            disabled={saving}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={saving || !name.trim()}>
            Create and add
          </button>
        </div>
      </form>
      <p role="status" aria-live="polite" className="form-status">
        {progress.phase === 'saving' ? progress.words : null}
      </p>
      {progress.phase === 'failed' && (
        <p role="alert" className="error-text">
          {progress.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" disabled={saving} onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
