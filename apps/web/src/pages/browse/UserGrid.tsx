import type { User } from '@coliving/sdk';
import { Artwork } from '../../components/Artwork.js';
import { formatCount } from '../../components/format.js';
import { Link } from '../../router.js';

/** Cards of landlords: picture, name (a link to the profile), handle and followers. */
export function UserGrid({ users, label }: { users: User[]; label: string }) {
  return (
    <ul className="card-grid" aria-label={label}>
      {users.map((user) => (
        <li key={user.id} className="card card-user">
          <Artwork
            image={user.profile_picture}
            size="480x480"
            alt={`Profile picture of ${user.name}`}
            className="artwork card-art round"
          />
          <Link to={`/${user.handle}`} className="card-title">
            {user.name}
          </Link>
          <span className="card-sub">@{user.handle}</span>
          <span className="card-sub">
            {formatCount(user.follower_count)}{' '}
            {user.follower_count === 1 ? 'follower' : 'followers'}
          </span>
        </li>
      ))}
    </ul>
  );
}
