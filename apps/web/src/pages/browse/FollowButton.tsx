import { describeError } from '../../components/States.js';
import { Link } from '../../router.js';
import { AuthLink } from '../account/AccountGate.js';
import type { ToggleState } from './useOptimisticToggle.js';
import type { Viewer } from './useViewer.js';

/**
 * Follow / Unfollow for a signed-in viewer, "Edit profile" on one's own profile, and a way to
 * log in (or finish signing up) for everyone else.
 */
export function FollowButton({
  name,
  handle,
  viewer,
  follow,
}: {
  name: string;
  handle: string;
  viewer: Viewer;
  follow: ToggleState;
}) {
  if (viewer.kind === 'loading') return null;
  if (viewer.kind === 'user' && viewer.handle.toLowerCase() === handle.toLowerCase()) {
    return (
      <>
        <Link to="/settings" className="button-secondary">
          Edit profile
        </Link>
        <Link to="/dashboard" className="button-secondary">
          Your stats
        </Link>
      </>
    );
  }
  if (viewer.kind !== 'user') {
    return (
      <AuthLink
        to={viewer.kind === 'no-profile' ? '/signup' : '/login'}
        className="button-primary"
        aria-label={`Follow ${name}`}
        title={viewer.kind === 'no-profile' ? 'Create your profile to follow' : 'Log in to follow'}
      >
        Follow
      </AuthLink>
    );
  }
  return (
    <span className="follow">
      <button
        type="button"
        className={follow.on ? 'follow-button following' : 'follow-button button-primary'}
        aria-label={`${follow.on ? 'Unfollow' : 'Follow'} ${name}`}
        aria-busy={follow.pending || undefined}
        onClick={follow.toggle}
      >
        {follow.on ? 'Following' : 'Follow'}
      </button>
      {follow.error != null && (
        <span className="error-text" role="alert">
          {describeError(follow.error)}
        </span>
      )}
    </span>
  );
}
