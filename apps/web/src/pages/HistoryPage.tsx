import type { Track } from '@coliving/sdk';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { useViewer } from './browse/useViewer.js';
import './pages.css';

/** The newest plays shown: a long evening's worth; the API pages further with offset. */
const HISTORY_LIMIT = 100;

/** "3 hours ago", "yesterday", in the reader's language. */
export function playedAgo(iso: string, now = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 7],
    ['week', 4.35],
    ['month', 12],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return format.format(Math.trunc(value), unit);
    value /= size;
  }
  return format.format(Math.trunc(value), 'year');
}

/** The signed-in resident's recently played tracks; playing one plays on through the rest. */
export default function HistoryPage() {
  const viewer = useViewer();
  useTitle('History');
  if (viewer.kind === 'loading') return <Loading label="Loading your history" />;
  if (viewer.kind !== 'user') {
    return (
      <div className="page history-page">
        <h1>History</h1>
        <div className="state state-empty">
          {viewer.kind === 'anonymous' ? (
            <p>
              <Link to="/login?next=/history">Log in</Link> to see the tracks you played. Only you
              can see your history.
            </p>
          ) : (
            <p>
              Your account has no profile yet.{' '}
              <Link to="/signup?next=/history">Create your profile</Link>, and the tracks you play
              while logged in show here.
            </p>
          )}
        </div>
      </div>
    );
  }
  return <History userId={viewer.userId} />;
}

function History({ userId }: { userId: string }) {
  const sdk = useSdk();
  const history = useAsync(
    async (signal) => {
      const items = await sdk.users.history(userId, { limit: HISTORY_LIMIT, signal });
      // Each track once (the API sends it so; kept if a node does not), deleted ones left out.
      const seen = new Set<string>();
      const played: { track: Track; at: string }[] = [];
      for (const item of items) {
        if (!item.item || item.item.is_delete || seen.has(item.item.id)) continue;
        seen.add(item.item.id);
        played.push({ track: item.item, at: item.timestamp });
      }
      return played;
    },
    [sdk, userId],
  );
  const now = Date.now();
  return (
    <div className="page history-page">
      <h1>History</h1>
      {history.status === 'loading' ? (
        <Loading label="Loading your history" />
      ) : history.status === 'error' ? (
        <ErrorState error={history.error} onRetry={() => history.reload()} />
      ) : history.data.length === 0 ? (
        <Empty>
          Nothing played yet. Tracks you play while logged in show here: find some on{' '}
          <Link to="/trending">Trending</Link>.
        </Empty>
      ) : (
        <TrackList
          tracks={history.data.map((p) => p.track)}
          label="Recently played"
          detail={(_, i) => {
            const at = history.data[i]!.at;
            return (
              <time dateTime={at} title={new Date(at).toLocaleString()}>
                {playedAgo(at, now)}
              </time>
            );
          }}
        />
      )}
    </div>
  );
}
