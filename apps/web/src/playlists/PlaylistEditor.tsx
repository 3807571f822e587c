// The owner's tools on their own playlist or album page: rename, describe, change artwork, make
// private or public; reorder (drag, Move up/down buttons, or Alt+Arrow keys on a row) and remove
// tracks, then save the list; make a playlist of their own tracks an album; delete it.
import type { Playlist, Track } from '@coliving/sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { formatDuration } from '../components/format.js';
import { ImagePicker } from '../pages/account/ImagePicker.js';
import { sayOnPage } from '../components/NextPageNotice.js';
import { navigate } from '../router.js';
import { useSdk } from '../sdk.js';
import { Dialog } from './Dialog.js';
import '../pages/forms.css';
import './playlists.css';

/** The longest name and description the form takes. */
const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;

type SaveState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'saved'; words: string }
  | { phase: 'failed'; message: string };

/** One save at a time: `run` says it is saving, then what was saved or why it failed. */
function useSave() {
  const [state, setState] = useState<SaveState>({ phase: 'idle' });
  const run = async (work: () => Promise<string>) => {
    setState({ phase: 'saving' });
    try {
      setState({ phase: 'saved', words: await work() });
    } catch (error) {
      setState({ phase: 'failed', message: describeError(error) });
    }
  };
  return { state, run, busy: state.phase === 'saving' };
}

function SaveStatus({ state, saving }: { state: SaveState; saving: string }) {
  return (
    <>
      <p role="status" aria-live="polite" className="form-status">
        {state.phase === 'saving' ? saving : state.phase === 'saved' ? state.words : null}
      </p>
      {state.phase === 'failed' && (
        <p role="alert" className="error-text">
          {state.message}
        </p>
      )}
    </>
  );
}

/**
 * What a change that moved the page said, by playlist id, until the page at the new address shows
 * it: the app remounts a page at every new path, so a status kept in the old page would be lost.
 */
const carriedNotices = new Map<string, { words: string; at: number }>();
/** A carried notice older than this is not shown (the new page never came). */
const CARRY_MS = 30_000;

/** The notice carried for this playlist, if it is fresh. */
function carriedNotice(playlistId: string): string | null {
  const carried = carriedNotices.get(playlistId);
  return carried && Date.now() - carried.at < CARRY_MS ? carried.words : null;
}

/** `list` with the item at `from` moved to `to`. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

export function PlaylistEditor({
  playlist,
  tracks,
  onSaved,
}: {
  playlist: Playlist;
  tracks: Track[];
  /** After a change was saved: the playlist as indexed. */
  onSaved: (playlist: Playlist) => void;
}) {
  const noun = playlist.is_album ? 'album' : 'playlist';
  const [notice, setNotice] = useState(() => carriedNotice(playlist.id));
  const noticeRef = useRef<HTMLParagraphElement>(null);
  // Shown once, by the editor the page mounts at the new address.
  useEffect(() => {
    if (!notice || carriedNotice(playlist.id) !== notice) return;
    carriedNotices.delete(playlist.id);
    // Brought here from the old address: the page may have scrolled while it loaded.
    noticeRef.current?.scrollIntoView?.({ block: 'center' });
  }, [playlist.id]);
  const carry = (words: string) => {
    carriedNotices.set(playlist.id, { words, at: Date.now() });
    setNotice(words);
  };
  return (
    <section className="page-section" aria-labelledby="playlist-edit">
      <h2 id="playlist-edit">Edit {noun}</h2>
      <p ref={noticeRef} role="status" aria-live="polite" className="form-status playlist-notice">
        {notice}
      </p>
      <div className="playlist-editor">
        <DetailsForm playlist={playlist} onSaved={onSaved} onMoved={carry} />
        <TrackOrder playlist={playlist} tracks={tracks} onSaved={onSaved} />
        {!playlist.is_album && (
          <MakeAlbum playlist={playlist} tracks={tracks} onSaved={onSaved} onMade={carry} />
        )}
        <DeletePlaylist playlist={playlist} />
      </div>
    </section>
  );
}

function DetailsForm({
  playlist,
  onSaved,
  onMoved,
}: {
  playlist: Playlist;
  onSaved: (playlist: Playlist) => void;
  /** Says it where the page shows it after a new name moved the page to a new address. */
  onMoved: (words: string) => void;
}) {
  const sdk = useSdk();
  const [name, setName] = useState(playlist.playlist_name);
  const [description, setDescription] = useState(playlist.description ?? '');
  const [isPrivate, setPrivate] = useState(playlist.is_private);
  const [artwork, setArtwork] = useState<File | null>(null);
  const save = useSave();
  const noun = playlist.is_album ? 'album' : 'playlist';
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || save.busy) return;
    void save.run(async () => {
      const after = await sdk.playlists.update(playlist.user.id, playlist.id, {
        ...(trimmed !== playlist.playlist_name ? { name: trimmed } : {}),
        ...(description.trim() !== (playlist.description ?? '')
          ? { description: description.trim() || null }
          : {}),
        ...(isPrivate !== playlist.is_private ? { isPrivate } : {}),
        ...(artwork ? { artwork } : {}),
      });
      setArtwork(null);
      const words = `Saved. ${after.is_private ? `Only you can see this ${noun}.` : `Anyone can see this ${noun}.`}`;
      // A new name is a new address: the page there is a new one, which says it instead.
      const moves = after.permalink !== playlist.permalink;
      if (moves) onMoved(words);
      onSaved(after);
      return moves ? '' : words;
    });
  };
  return (
    <form onSubmit={onSubmit} aria-labelledby="playlist-details" className="form">
      <h3 id="playlist-details">Details</h3>
      <div className="field">
        <label htmlFor="playlist-name">Name</label>
        <input
          id="playlist-name"
          value={name}
          required
          maxLength={NAME_MAX}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="playlist-description">Description</label>
        <textarea
          id="playlist-description"
          value={description}
          maxLength={DESCRIPTION_MAX}
          rows={3}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <ImagePicker
        id="playlist-artwork"
        label="Artwork"
        hint="A square image."
        file={artwork}
        onChange={setArtwork}
        disabled={save.busy}
      />
      <label className="check">
        <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />{' '}
        Private: only you can see it
      </label>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy || !name.trim()}>
          {save.busy ? 'Saving…' : 'Save details'}
        </button>
      </div>
      <SaveStatus state={save.state} saving="Saving the details…" />
    </form>
  );
}

function TrackOrder({
  playlist,
  tracks,
  onSaved,
}: {
  playlist: Playlist;
  tracks: Track[];
  onSaved: (playlist: Playlist) => void;
}) {
  const sdk = useSdk();
  const [order, setOrder] = useState<Track[]>(tracks);
  const [announce, setAnnounce] = useState('');
  const [dragging, setDragging] = useState<number | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const rows = useRef(new Map<string, HTMLLIElement>());
  const save = useSave();
  // A fresh read of the same list (the page reloads when the viewer becomes known) keeps the edits.
  const listed = tracks.map((t) => t.id).join(',');
  useEffect(() => setOrder(tracks), [listed]);
  useEffect(() => {
    if (focusId) rows.current.get(focusId)?.focus();
  }, [focusId, order]);
  const dirty = order.length !== tracks.length || order.some((t, i) => t.id !== tracks[i]!.id);

  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length || from === to) return;
    const track = order[from]!;
    setOrder(moved(order, from, to));
    setFocusId(track.id);
    setAnnounce(`Moved “${track.title}” to position ${to + 1} of ${order.length}.`);
  };
  const remove = (index: number) => {
    const track = order[index]!;
    const next = order.filter((_, i) => i !== index);
    setOrder(next);
    const neighbour = next[Math.min(index, next.length - 1)];
    setFocusId(neighbour?.id ?? null);
    setAnnounce(`Removed “${track.title}”. Save the tracks to keep this.`);
  };
  const onSave = () =>
    void save.run(async () => {
      // Entries the page does not list (deleted or unreleased tracks) keep their place at the end.
      const shown = new Set(tracks.map((t) => t.id));
      const hidden = playlist.playlist_contents
        .map((e) => e.track_id)
        .filter((id) => !shown.has(id));
      const after = await sdk.playlists.update(playlist.user.id, playlist.id, {
        trackIds: [...order.map((t) => t.id), ...hidden],
      });
      onSaved(after);
      return 'Tracks saved.';
    });

  return (
    <div aria-labelledby="playlist-order-title">
      <h3 id="playlist-order-title">Track order</h3>
      <p className="muted" id="playlist-order-help">
        Drag a track, use its buttons, or focus it and press Alt+Up or Alt+Down to move it.
      </p>
      {order.length === 0 ? (
        <p className="muted">No tracks.</p>
      ) : (
        <ol className="playlist-order" aria-describedby="playlist-order-help">
          {order.map((track, index) => (
            <li
              key={track.id}
              ref={(node) => {
                if (node) rows.current.set(track.id, node);
                else rows.current.delete(track.id);
              }}
              tabIndex={0}
              aria-label={`${track.title}, position ${index + 1} of ${order.length}`}
              draggable
              data-dragging={dragging === index}
              onDragStart={(e) => {
                setDragging(index);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', track.id);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                if (dragging !== null) move(dragging, index);
                setDragging(null);
              }}
              onKeyDown={(e) => {
                if (e.target !== e.currentTarget || !e.altKey) return;
                if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  move(index, index - 1);
                } else if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  move(index, index + 1);
                }
              }}
            >
              <span className="drag-handle" aria-hidden="true">
                ⠿
              </span>
              <span className="order-title">
                {index + 1}. {track.title}
                <span className="muted"> · {formatDuration(track.duration)}</span>
              </span>
              <button
                type="button"
                aria-label={`Move “${track.title}” up`}
                disabled={index === 0 || save.busy}
                onClick={() => move(index, index - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move “${track.title}” down`}
                disabled={index === order.length - 1 || save.busy}
                onClick={() => move(index, index + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                aria-label={`Remove “${track.title}”`}
                disabled={save.busy}
                onClick={() => remove(index)}
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
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={!dirty || save.busy}
          onClick={onSave}
        >
          {save.busy ? 'Saving…' : 'Save tracks'}
        </button>
        <button
          type="button"
          disabled={!dirty || save.busy}
          onClick={() => {
            setOrder(tracks);
            setAnnounce('Changes undone.');
          }}
        >
          Undo changes
        </button>
      </div>
      <SaveStatus state={save.state} saving="Saving the tracks…" />
    </div>
  );
}

/** Whose tracks keep a playlist from being an album: the titles of tracks not the owner's. */
export function foreignTracks(playlist: Playlist, tracks: Track[]): string[] {
  return tracks.filter((t) => t.user.id !== playlist.user.id).map((t) => t.title);
}

function MakeAlbum({
  playlist,
  tracks,
  onSaved,
  onMade,
}: {
  playlist: Playlist;
  tracks: Track[];
  onSaved: (playlist: Playlist) => void;
  /** Says it where the page shows it after this section is gone (an album has none). */
  onMade: (words: string) => void;
}) {
  const sdk = useSdk();
  const save = useSave();
  const others = foreignTracks(playlist, tracks);
  return (
    <div aria-labelledby="make-album-title">
      <h3 id="make-album-title">Album</h3>
      {others.length > 0 ? (
        <p className="muted">
          An album holds only your own tracks. Remove {others.map((t) => `“${t}”`).join(', ')} to
          make this an album.
        </p>
      ) : (
        <p className="muted">All its tracks are yours, so it can be an album.</p>
      )}
      <div className="form-actions">
        <button
          type="button"
          disabled={others.length > 0 || tracks.length === 0 || save.busy}
          onClick={() =>
            void save.run(async () => {
              const after = await sdk.playlists.update(playlist.user.id, playlist.id, {
                isAlbum: true,
                trackIds: playlist.playlist_contents.map((e) => e.track_id),
              });
              const words =
                `“${after.playlist_name}” is now an album, at ${after.permalink}. ` +
                'Links to it as a playlist still lead here.';
              onMade(words);
              onSaved(after);
              return ''; // said once, by the editor's notice above
            })
          }
        >
          Make this an album
        </button>
      </div>
      <SaveStatus state={save.state} saving="Making it an album…" />
    </div>
  );
}

function DeletePlaylist({ playlist }: { playlist: Playlist }) {
  const sdk = useSdk();
  const [confirming, setConfirming] = useState(false);
  const save = useSave();
  const noun = playlist.is_album ? 'album' : 'playlist';
  return (
    <div>
      <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
        Delete {noun}
      </button>
      {confirming && (
        <Dialog
          title={`Delete ${playlist.playlist_name}?`}
          onClose={save.busy ? undefined : () => setConfirming(false)}
        >
          <p>
            This deletes the {noun} for everyone. Its tracks stay on the network. This cannot be
            undone.
          </p>
          <SaveStatus state={save.state} saving={`Deleting the ${noun}…`} />
          <div className="form-actions">
            <button
              type="button"
              className="button-danger"
              disabled={save.busy}
              onClick={() =>
                void save.run(async () => {
                  await sdk.playlists.remove(playlist.user.id, playlist.id);
                  sayOnPage('/library', `Deleted “${playlist.playlist_name}”.`);
                  navigate('/library?tab=playlists');
                  return 'Deleted.';
                })
              }
            >
              {save.busy ? 'Deleting…' : `Delete ${noun}`}
            </button>
            <button
              type="button"
              autoFocus
              disabled={save.busy}
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
