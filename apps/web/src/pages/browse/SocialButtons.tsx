import { useState } from 'react';
import { describeError } from '../../components/States.js';
import { AuthLink } from '../account/AccountGate.js';
import type { ToggleState } from './useOptimisticToggle.js';
import type { Viewer } from './useViewer.js';

/** Favorite and repost toggles; an anonymous viewer is told how to be able to use them. */
export function SocialButtons({
  viewer,
  favorite,
  repost,
}: {
  viewer: Viewer;
  favorite: ToggleState;
  repost: ToggleState;
}) {
  const [hint, setHint] = useState(false);
  const canAct = viewer.kind === 'user';
  const press = (state: ToggleState) => () => {
    if (canAct) state.toggle();
    else setHint(true);
  };
  const error = favorite.error ?? repost.error;
  return (
    <div className="social-buttons">
      <button
        type="button"
        className={favorite.on ? 'toggle on' : 'toggle'}
        aria-pressed={favorite.on}
        aria-busy={favorite.pending || undefined}
        onClick={press(favorite)}
      >
        <span aria-hidden="true">{favorite.on ? '♥' : '♡'}</span>{' '}
        {favorite.on ? 'Unfavorite' : 'Favorite'}
      </button>
      <button
        type="button"
        className={repost.on ? 'toggle on' : 'toggle'}
        aria-pressed={repost.on}
        aria-busy={repost.pending || undefined}
        onClick={press(repost)}
      >
        <span aria-hidden="true">↻</span> {repost.on ? 'Unrepost' : 'Repost'}
      </button>
      <p className="social-status" role="status" aria-live="polite">
        {hint && viewer.kind === 'no-profile' ? (
          <>
            <AuthLink to="/signup">Create your profile</AuthLink> to favorite and repost.
          </>
        ) : hint && !canAct ? (
          <>
            <AuthLink to="/login">Log in</AuthLink> to favorite and repost.
          </>
        ) : error ? (
          <span className="error-text">{describeError(error)}</span>
        ) : null}
      </p>
    </div>
  );
}
