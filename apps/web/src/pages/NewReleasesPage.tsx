import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import './pages.css';

const LIMIT = 50;

/** `/new-releases`: the newest tracks of the landlords you follow. */
export default function NewReleasesPage() {
  useTitle('New releases');
  const session = useSession();
  const userId = session.user?.id;
  return (
    <div className="page new-releases-page">
      <h1>New releases</h1>
      {session.status === 'signed-in' && userId ? (
        <Releases userId={userId} />
      ) : session.status === 'anonymous' ? (
        <Empty>
          <Link to="/login">Log in</Link> to see the newest tracks of the landlords you follow.
        </Empty>
      ) : (
        <Loading />
      )}
    </div>
  );
}

function Releases({ userId }: { userId: string }) {
  const sdk = useSdk();
  const tracks = useAsync(
    (signal) => sdk.users.newReleases(userId, { userId, limit: LIMIT, signal }),
    [sdk, userId],
  );
  if (tracks.status === 'loading') return <Loading />;
  if (tracks.status === 'error') return <ErrorState error={tracks.error} onRetry={tracks.reload} />;
  if (tracks.data.length === 0) {
    return (
      <Empty>
        Nothing new yet. Follow landlords you like and their new tracks show up here.{' '}
        <Link to="/trending">See what is trending</Link>
      </Empty>
    );
  }
  return <TrackList tracks={tracks.data} label="New releases" />;
}
