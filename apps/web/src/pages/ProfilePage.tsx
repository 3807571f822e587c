import type { Track, User } from '@coliving/sdk';
import { isScheduled } from '../catalog/trackEdit.js';
import '../catalog/catalog.css';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { type AsyncState, useAsync } from '../components/useAsync.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { Supporters, TipButton } from '../money/TipButton.js';
import { useWallet } from '../money/wallet.js';
import { useSdk } from '../sdk.js';
import { Missing, isNotFound } from './browse/Missing.js';
import { PlaylistGrid } from './browse/PlaylistGrid.js';
import { ProfileHeader } from './browse/ProfileHeader.js';
import { RepostList } from './browse/RepostList.js';
import { TabPanel, Tabs } from './browse/Tabs.js';
import { useKeptAsync } from './browse/useKeptAsync.js';
import { useOptimisticToggle } from './browse/useOptimisticToggle.js';
import { type Viewer, untilKnown, useViewer } from './browse/useViewer.js';
import './pages.css';

/** Items per tab: a page of them; the API pages further with offset. */
const TAB_LIMIT = 50;
/** The top supporters shown on a profile. */
const SUPPORTERS_LIMIT = 10;

const TABS = [
  { key: 'tracks', label: 'Tracks' },
  { key: 'albums', label: 'Albums' },
  { key: 'playlists', label: 'Playlists' },
  { key: 'reposts', label: 'Reposts' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

export default function ProfilePage({ handle = '' }: Record<string, string>) {
  const sdk = useSdk();
  const viewer = useViewer();
  const user = useKeptAsync(
    (signal) =>
      untilKnown(viewer, signal) ?? sdk.users.byHandle(handle, { userId: viewer.userId, signal }),
    [sdk, handle, viewer.kind, viewer.userId],
  );
  useTitle(
    user.status === 'ok'
      ? `${user.data.name} (@${user.data.handle})`
      : user.status === 'error' && isNotFound(user.error)
        ? 'Profile not found'
        : null,
  );
  if (user.status === 'loading') return <Loading label="Loading the profile" />;
  if (user.status === 'error') {
    if (isNotFound(user.error)) {
      return (
        <Missing title="Profile not found">There is no one called @{handle} on Coliving.</Missing>
      );
    }
    return (
      <div className="page">
        <h1>@{handle}</h1>
        <ErrorState error={user.error} onRetry={() => user.reload()} />
      </div>
    );
  }
  return <Profile user={user.data} viewer={viewer} />;
}

function Profile({ user, viewer }: { user: User; viewer: Viewer }) {
  const sdk = useSdk();
  const { path, query } = useLocation();
  const tab: TabKey = TABS.find((t) => t.key === query.get('tab'))?.key ?? 'tracks';
  const wallet = useWallet();
  const follow = useOptimisticToggle(
    user.does_current_user_follow,
    user.follower_count,
    async (on) => {
      if (!viewer.userId) throw new Error('Log in to follow.');
      const after = await (on ? sdk.users.follow : sdk.users.unfollow)(viewer.userId, user.id);
      // A follow opens this landlord's follow gates at once, everywhere; an unfollow closes them.
      wallet.recordFollow(user.id, after.does_current_user_follow);
      return { on: after.does_current_user_follow, count: after.follower_count };
    },
  );
  const supporters = useAsync(
    (signal) => sdk.users.supporters(user.id, { limit: SUPPORTERS_LIMIT, signal }),
    [sdk, user.id],
  );
  // The tracks are read here, not in their tab, so the header's count is what the list shows.
  // The owner's list (user_id naming them) also holds their unlisted and scheduled tracks.
  const tracks = useAsync(
    (signal) => sdk.users.tracks(user.id, { limit: TAB_LIMIT, userId: viewer.userId, signal }),
    [sdk, user.id, viewer.userId],
  );
  const isOwner = viewer.kind === 'user' && viewer.userId === user.id;
  const select = (key: TabKey) =>
    navigate(key === 'tracks' ? path : `${path}?tab=${key}`, { replace: true });
  return (
    <div className="page profile-page">
      <ProfileHeader
        user={user}
        viewer={viewer}
        follow={follow}
        tip={<TipButton user={user} onTipped={() => supporters.reload()} />}
        trackCount={shownTrackCount(user, tracks)}
      />
      <section className="page-section" aria-labelledby="profile-supporters">
        <h2 id="profile-supporters">Supporters</h2>
        {supporters.status === 'loading' ? (
          <Loading label="Loading supporters" />
        ) : supporters.status === 'error' ? (
          <p className="muted">Supporters cannot be read right now.</p>
        ) : (
          <Supporters supporters={supporters.data} />
        )}
      </section>
      <Tabs
        id="profile"
        label={`${user.name}'s music`}
        tabs={TABS}
        selected={tab}
        onSelect={select}
      />
      <TabPanel id="profile" selected={tab}>
        <ProfileTab key={tab} tab={tab} user={user} tracks={tracks} isOwner={isOwner} />
      </TabPanel>
    </div>
  );
}

/**
 * The Tracks count: what the list shows. The network's `track_count` already counts what the one
 * asking can list (a listener the listed, released tracks; the owner, named by `user_id`, all of
 * theirs), so it is exact past a page too; a list read whole (shorter than a page) is counted as
 * shown, which is the same number, and follows the list at once when it is read again.
 */
export function shownTrackCount(
  user: Pick<User, 'track_count'>,
  tracks: AsyncState<Track[]>,
): number {
  return tracks.status === 'ok' && tracks.data.length < TAB_LIMIT
    ? tracks.data.length
    : user.track_count;
}

function ProfileTab({
  tab,
  user,
  tracks,
  isOwner,
}: {
  tab: TabKey;
  user: User;
  tracks: AsyncState<Track[]> & { reload: () => void };
  isOwner: boolean;
}) {
  const sdk = useSdk();
  const page = { limit: TAB_LIMIT };
  const items = useAsync(
    async (signal) => {
      switch (tab) {
        case 'tracks':
          return { tab, tracks: [] as Track[] };
        case 'albums':
          return { tab, playlists: await sdk.users.albums(user.id, { ...page, signal }) };
        case 'playlists':
          return { tab, playlists: await sdk.users.playlists(user.id, { ...page, signal }) };
        case 'reposts':
          return { tab, reposts: await sdk.users.reposts(user.id, { ...page, signal }) };
      }
    },
    [sdk, tab, user.id],
  );
  const label = TABS.find((t) => t.key === tab)!.label;
  const heading = <h2 className="visually-hidden">{label}</h2>;
  if (tab === 'tracks') {
    if (tracks.status === 'loading')
      return (
        <>
          {heading}
          <Loading label="Loading tracks" />
        </>
      );
    if (tracks.status === 'error')
      return (
        <>
          {heading}
          <ErrorState error={tracks.error} onRetry={() => tracks.reload()} />
        </>
      );
    return (
      <>
        {heading}
        {tracks.data.length === 0 ? (
          <Empty>{user.name} has no tracks yet.</Empty>
        ) : (
          <TrackList
            tracks={tracks.data}
            label={`Tracks by ${user.name}`}
            {...(isOwner ? { detail: ownTrackBadges } : {})}
          />
        )}
      </>
    );
  }
  if (items.status === 'loading')
    return (
      <>
        {heading}
        <Loading label={`Loading ${label.toLowerCase()}`} />
      </>
    );
  if (items.status === 'error') {
    return (
      <>
        {heading}
        <ErrorState error={items.error} onRetry={() => items.reload()} />
      </>
    );
  }
  const data = items.data;
  const count = data.tracks?.length ?? data.playlists?.length ?? data.reposts?.length ?? 0;
  return (
    <>
      {heading}
      {count === 0 ? (
        <Empty>
          {user.name} has no {label.toLowerCase()} yet.
        </Empty>
      ) : data.tracks ? (
        <TrackList tracks={data.tracks} label={`Tracks by ${user.name}`} />
      ) : data.playlists ? (
        <PlaylistGrid playlists={data.playlists} label={`${label} by ${user.name}`} />
      ) : (
        <RepostList reposts={data.reposts ?? []} label={`Reposted by ${user.name}`} />
      )}
    </>
  );
}

/** On the owner's own list: what listeners do not see (yet). */
function ownTrackBadges(track: Track) {
  const scheduled = isScheduled(track);
  if (!scheduled && !track.is_unlisted) return null;
  return (
    <>
      {scheduled && (
        <span
          className="badge-scheduled"
          title={
            track.release_date
              ? `Out on ${new Date(track.release_date).toLocaleDateString()}`
              : undefined
          }
        >
          Scheduled
        </span>
      )}
      {track.is_unlisted && <span className="badge-scheduled">Unlisted</span>}
    </>
  );
}
