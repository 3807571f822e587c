import type { Playlist } from '@coliving/sdk';
import { type FormEvent, useState } from 'react';
import { describeError } from '../../components/States.js';
import { Link } from '../../router.js';

/** The longest playlist name the form takes (the protocol's limit is far above any real one). */
const NAME_MAX = 100;

/** Names a new playlist; creating one takes a few seconds (signed, relayed, indexed). */
export function NewPlaylistForm({ onCreate }: { onCreate: (name: string) => Promise<Playlist> }) {
  const [name, setName] = useState('');
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'creating' }
    | { status: 'done'; playlist: Playlist }
    | { status: 'error'; error: unknown }
  >({ status: 'idle' });
  const creating = state.status === 'creating';
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || creating) return;
    setState({ status: 'creating' });
    onCreate(trimmed).then(
      (playlist) => {
        setName('');
        setState({ status: 'done', playlist });
      },
      (error: unknown) => setState({ status: 'error', error }),
    );
  };
  return (
    <form className="new-playlist" onSubmit={onSubmit} aria-labelledby="new-playlist-title">
      <h3 id="new-playlist-title">New playlist</h3>
      <div className="inline-field">
        <label htmlFor="new-playlist-name">Name</label>
        <input
          id="new-playlist-name"
          value={name}
          maxLength={NAME_MAX}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button-primary" disabled={creating || !name.trim()}>
          {creating ? 'Creating…' : 'Create playlist'}
        </button>
      </div>
      <p role="status" aria-live="polite" className="form-status">
        {state.status === 'creating' ? 'Creating your playlist…' : null}
        {state.status === 'done' ? (
          <>
            Created <Link to={state.playlist.permalink}>{state.playlist.playlist_name}</Link>.
          </>
        ) : null}
      </p>
      {state.status === 'error' && (
        <p role="alert" className="error-text">
          {describeError(state.error)}
        </p>
      )}
    </form>
  );
}
