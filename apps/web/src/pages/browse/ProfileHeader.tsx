import type { User } from '@coliving/sdk';
import type { ReactNode } from 'react';
import { Artwork } from '../../components/Artwork.js';
import { formatCount } from '../../components/format.js';
import { FollowButton } from './FollowButton.js';
import type { ToggleState } from './useOptimisticToggle.js';
import type { Viewer } from './useViewer.js';

/** Only http(s) links are shown as links: a profile's website is whatever its owner typed. */
export function safeWebsite(website: string | null | undefined): string | null {
  if (!website) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(website) ? website : `https://${website}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A phone gets the 640-wide cover, a wider screen the 2000-wide one. */
function coverSize(): '640x' | '2000x' {
  return typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 700px)').matches
    ? '640x'
    : '2000x';
}

/** The top of a landlord's page: cover, picture, names, bio, counts and the follow button. */
export function ProfileHeader({
  user,
  viewer,
  follow,
  tip,
  trackCount,
}: {
  user: User;
  viewer: Viewer;
  follow: ToggleState;
  /** The Tip button (the page's, which talks to the network). */
  tip?: ReactNode;
  /** The Tracks count as the page lists them (defaults to the user's `track_count`). */
  trackCount?: number;
}) {
  const website = safeWebsite(user.website);
  const counts = [
    { label: 'Followers', value: follow.count },
    { label: 'Following', value: user.followee_count },
    { label: 'Tracks', value: trackCount ?? user.track_count },
  ];
  return (
    <header className="profile-header">
      <Artwork image={user.cover_photo} size={coverSize()} alt="" className="profile-cover" />
      <div className="profile-identity">
        <Artwork
          image={user.profile_picture}
          size="480x480"
          alt={`Profile picture of ${user.name}`}
          className="artwork profile-picture"
        />
        <div className="profile-names">
          <h1>
            {user.name}
            {user.is_verified && (
              <span className="verified" title="Verified">
                {' '}
                <span aria-hidden="true">✔</span>
                <span className="visually-hidden">Verified</span>
              </span>
            )}
          </h1>
          <p className="profile-handle">@{user.handle}</p>
        </div>
        <div className="profile-actions">
          <FollowButton name={user.name} handle={user.handle} viewer={viewer} follow={follow} />
          {viewer.kind !== 'loading' && tip}
        </div>
      </div>
      <dl className="stats" aria-label="Counts">
        {counts.map((c) => (
          <div key={c.label}>
            <dt>{c.label}</dt>
            <dd title={String(c.value)}>{formatCount(c.value)}</dd>
          </div>
        ))}
      </dl>
      {(user.bio || user.location || website) && (
        <div className="profile-about">
          {user.bio && <p className="profile-bio">{user.bio}</p>}
          <p className="profile-meta">
            {user.location && <span>{user.location}</span>}
            {website && (
              <a href={website} target="_blank" rel="noopener noreferrer nofollow ugc">
                {user.website}
              </a>
            )}
          </p>
        </div>
      )}
    </header>
  );
}
