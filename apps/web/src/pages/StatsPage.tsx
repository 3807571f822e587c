import type { Track, User } from '@coliving/sdk';
import { decodeHashId } from '@coliving/protocol';
import { useId, useState } from 'react';
import { Artwork } from '../components/Artwork.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { playsInWords } from '../components/TrackList.js';
import { formatCount } from '../components/format.js';
import { useAsync } from '../components/useAsync.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { AccountGate } from './account/AccountGate.js';
import { useAccount } from './account/useAccount.js';
import { PlaysChart } from './stats/PlaysChart.js';
import {
  DAY_MS,
  type MonthListens,
  WINDOWS,
  monthsBetween,
  perTrack,
  series,
  toMonths,
  totalOf,
} from './stats/listens.js';
import './pages.css';
import './stats/stats.css';

/** The tracks the page breaks down: the landlord's most played, as many as one read returns. */
const TRACK_LIMIT = 100;
const TOP_LISTENERS = 10;

const TITLE = 'Your stats';

/** The signed-in landlord's plays: totals, plays per month and track, and who listens most. */
export default function StatsPage() {
  const account = useAccount();
  useTitle(TITLE);
  if (account.status !== 'ready') {
    return (
      <div className="page stats-page">
        <AccountGate
          account={account}
          title={TITLE}
          next="/dashboard"
          needsProfile
          why="to see who listens to your tracks"
        />
      </div>
    );
  }
  return <Stats user={account.user} />;
}

type Windows = { days: number; label: string; months: MonthListens[] }[];

function Stats({ user }: { user: User }) {
  const sdk = useSdk();
  // One "now" per visit, so the three windows and the chart end at the same instant.
  const [now] = useState(() => Date.now());
  const loaded = useAsync(
    async (signal) => {
      const endTime = new Date(now);
      const [tracks, ...windows] = await Promise.all([
        sdk.users.tracks(user.id, { sort: 'plays', limit: TRACK_LIMIT, signal }),
        ...WINDOWS.map(async (w) => ({
          ...w,
          months: toMonths(
            await sdk.users.listenCountsMonthly(user.id, {
              startTime: new Date(now - w.days * DAY_MS),
              endTime,
              signal,
            }),
          ),
        })),
      ]);
      return { tracks: tracks.filter((t) => !t.is_delete), windows: windows };
    },
    [sdk, user.id, now],
  );

  return (
    <div className="page stats-page">
      <header>
        <h1>{TITLE}</h1>
        <p className="muted">
          Plays of the tracks by <Link to={`/${user.handle}`}>@{user.handle}</Link>, as counted on
          the chain.
        </p>
      </header>
      {loaded.status === 'loading' ? (
        <Loading label="Counting your plays" />
      ) : loaded.status === 'error' ? (
        <ErrorState error={loaded.error} onRetry={() => loaded.reload()} />
      ) : loaded.data.tracks.length === 0 ? (
        <Empty>
          You have not uploaded a track yet. <Link to="/upload">Upload one</Link>, and its plays
          show here.
        </Empty>
      ) : (
        <StatsBody tracks={loaded.data.tracks} windows={loaded.data.windows} now={now} />
      )}
    </div>
  );
}

function StatsBody({ tracks, windows, now }: { tracks: Track[]; windows: Windows; now: number }) {
  const selectId = useId();
  const [selected, setSelected] = useState<string>('all');
  const year = windows[windows.length - 1]!;
  const months = monthsBetween(now - year.days * DAY_MS, now);
  const track = tracks.find((t) => t.id === selected) ?? null;
  const byWindow = windows.map((w) => perTrack(w.months));
  const values = series(year.months, months, track ? numericId(track) : null);

  return (
    <>
      <section className="page-section" aria-labelledby="stats-totals">
        <h2 id="stats-totals">Plays</h2>
        <dl className="stats stats-totals">
          {windows.map((w) => {
            const total = totalOf(w.months);
            return (
              <div key={w.days}>
                <dt>{w.label}</dt>
                <dd title={playsInWords(total)}>{formatCount(total)}</dd>
              </div>
            );
          })}
        </dl>
      </section>

      <section className="page-section" aria-labelledby="stats-chart">
        <h2 id="stats-chart">Plays by month</h2>
        <label className="select-label" htmlFor={selectId}>
          Track
        </label>{' '}
        <select id={selectId} value={selected} onChange={(e) => setSelected(e.target.value)}>
          <option value="all">All your tracks</option>
          {tracks.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
        </select>
        <PlaysChart
          months={months}
          values={values}
          label={track ? `Plays of ${track.title} by month` : 'Plays of all your tracks by month'}
        />
      </section>

      <section className="page-section" aria-labelledby="stats-tracks">
        <h2 id="stats-tracks">Plays per track</h2>
        <div className="stats-table-wrap">
          <table className="stats-table" aria-labelledby="stats-tracks">
            <thead>
              <tr>
                <th scope="col">Track</th>
                {windows.map((w) => (
                  <th scope="col" key={w.days}>
                    {w.label}
                  </th>
                ))}
                <th scope="col">All time</th>
              </tr>
            </thead>
            <tbody>
              {tracks.map((t) => {
                const id = numericId(t);
                return (
                  <tr key={t.id} className={t.id === selected ? 'selected' : undefined}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link-button"
                        aria-pressed={t.id === selected}
                        onClick={() => setSelected(t.id)}
                        title={`Chart and top listeners of ${t.title}`}
                      >
                        {t.title}
                      </button>
                    </th>
                    {byWindow.map((counts, i) => (
                      <td key={windows[i]!.days}>{(counts.get(id) ?? 0).toLocaleString()}</td>
                    ))}
                    <td>{t.play_count.toLocaleString()}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="page-section" aria-labelledby="stats-listeners">
        <h2 id="stats-listeners">{track ? `Top listeners of ${track.title}` : 'Top listeners'}</h2>
        {track ? (
          <TopListeners key={track.id} track={track} />
        ) : (
          <p className="muted">Choose a track above to see who listens to it most.</p>
        )}
      </section>
    </>
  );
}

/** The track's numeric id, as the monthly counts name tracks; 0 (no track) if it is not one. */
function numericId(track: Track): number {
  try {
    return decodeHashId(track.id);
  } catch {
    return 0;
  }
}

function TopListeners({ track }: { track: Track }) {
  const sdk = useSdk();
  const listeners = useAsync(
    (signal) => sdk.tracks.topListeners(track.id, { limit: TOP_LISTENERS, signal }),
    [sdk, track.id],
  );
  if (listeners.status === 'loading') return <Loading label="Loading the top listeners" />;
  if (listeners.status === 'error') {
    return <ErrorState error={listeners.error} onRetry={() => listeners.reload()} />;
  }
  if (listeners.data.length === 0) {
    return (
      <Empty>
        No signed-in listener has played {track.title} yet. Plays by listeners who are not logged in
        count, but name no one.
      </Empty>
    );
  }
  return (
    <ol className="top-listeners" aria-label={`Top listeners of ${track.title}`}>
      {listeners.data.map(({ user, count }) => (
        <li key={user.id}>
          <Artwork
            image={user.profile_picture}
            size="150x150"
            alt=""
            className="artwork artwork-sm avatar"
          />
          <Link to={`/${user.handle}`}>{user.name}</Link>
          <span className="muted">@{user.handle}</span>
          <span className="top-listener-count">{playsInWords(count)}</span>
        </li>
      ))}
    </ol>
  );
}
