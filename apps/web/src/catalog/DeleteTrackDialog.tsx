import type { Track } from '@coliving/sdk';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { describeError } from '../components/States.js';
import { useSdk } from '../sdk.js';
import '../money/money.css';

/**
 * Asks before deleting a track, naming it. Cancel, Escape or a click outside keep it; Delete
 * removes it (`sdk.tracks.remove`) and calls `onDeleted` once the network shows it gone.
 * Focus starts on Cancel, so a stray Enter keeps the track.
 */
export function DeleteTrackDialog({
  track,
  userId,
  onClose,
  onDeleted,
}: {
  track: Pick<Track, 'id' | 'title'>;
  userId: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const sdk = useSdk();
  const [state, setState] = useState<
    { phase: 'asking' } | { phase: 'deleting' } | { phase: 'failed'; message: string }
  >({ phase: 'asking' });
  const cancelRef = useRef<HTMLButtonElement>(null);
  const controller = useRef<AbortController | null>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    cancelRef.current?.focus();
    return () => {
      controller.current?.abort();
      if (opener.current instanceof HTMLElement) opener.current.focus();
    };
  }, []);
  const deleting = state.phase === 'deleting';
  const close = () => {
    if (!deleting) onClose();
  };

  const remove = async () => {
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'deleting' });
    try {
      await sdk.tracks.remove(userId, track.id, { signal: abort.signal });
      opener.current = null;
      onDeleted();
    } catch (error) {
      if (abort.signal.aborted) return;
      setState({ phase: 'failed', message: `The track was not deleted. ${describeError(error)}` });
    }
  };

  return createPortal(
    <div
      className="money-dialog-backdrop"
      onClick={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="money-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="delete-track-title"
        aria-describedby="delete-track-words"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          }
          // Focus stays in the dialog: Tab from the last button goes back to the first.
          if (e.key === 'Tab') {
            const buttons = [...e.currentTarget.querySelectorAll('button:not(:disabled)')];
            const first = buttons[0] as HTMLElement | undefined;
            const last = buttons[buttons.length - 1] as HTMLElement | undefined;
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last?.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <h2 id="delete-track-title">Delete “{track.title}”?</h2>
        <p id="delete-track-words">
          It disappears from your profile, playlists and search for everyone. This cannot be undone.
        </p>
        {deleting && (
          <p role="status" aria-live="polite">
            Deleting…
          </p>
        )}
        {state.phase === 'failed' && (
          <p className="error-text" role="alert">
            {state.message}
          </p>
        )}
        <div className="form-actions">
          <button type="button" ref={cancelRef} onClick={close} disabled={deleting}>
            Keep it
          </button>
          <button
            type="button"
            className="button-danger"
            onClick={() => void remove()}
            disabled={deleting}
          >
            Delete track
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
