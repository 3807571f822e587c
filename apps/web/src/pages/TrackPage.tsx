import type { Track } from '@coliving/sdk';
import { useEffect, useMemo, useRef, useState } from 'react';
import { DeleteTrackDialog } from '../catalog/DeleteTrackDialog.js';
import { EditTrackForm } from '../catalog/EditTrackForm.js';
import { isScheduled, releaseDay } from '../catalog/trackEdit.js';
import '../catalog/catalog.css';
import { Artwork } from '../components/Artwork.js';
import { ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { TrackMenu } from '../components/TrackMenu.js';
import { useAsync } from '../components/useAsync.js';
import { GateLock, buyableTrack, useLock } from '../money/Lock.js';
import { TrackAccessEditor } from '../money/TrackAccessEditor.js';
import { formatDgco } from '../money/dgco.js';
import { gateOf } from '../money/gates.js';
import { usePlayer } from '../player/PlayerContext.js';
import { Waveform } from '../player/Waveform.js';
import { listOpenedFrom, restOf } from '../player/fromList.js';
import { usePlayWithRest } from '../player/usePlayWithRest.js';
import { sayOnPage } from '../components/NextPageNotice.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { Missing, isNotFound } from './browse/Missing.js';
import { DownloadButton } from './browse/DownloadButton.js';
import { ShareButton } from './browse/ShareButton.js';
import { SocialButtons } from './browse/SocialButtons.js';
import { Counts, TrackFacts } from './browse/TrackFacts.js';
import { useKeptAsync } from './browse/useKeptAsync.js';
import { useOptimisticToggle } from './browse/useOptimisticToggle.js';
import { type Viewer, untilKnown, useViewer } from './browse/useViewer.js';
import './pages.css';

/** "More by" shows a handful; one more is read in case the track itself is among them. */
const MORE_LIMIT = 6;

export default function TrackPage({ handle = '', slug = '' }: Record<string, string>) {
  const sdk = useSdk();
  const viewer = useViewer();
  const track = useKeptAsync(
    (signal) =>
      untilKnown(viewer, signal) ??
      sdk.tracks.byPermalink(`/${handle}/${slug}`, { userId: viewer.userId, signal }),
    [sdk, handle, slug, viewer.kind, viewer.userId],
  );
  useTitle(
    track.status === 'ok'
      ? `${track.data.title} by ${track.data.user.name}`
      : track.status === 'error' && isNotFound(track.error)
        ? 'Track not found'
        : null,
  );

  if (track.status === 'loading') return <Loading label="Loading the track" />;
  if (track.status === 'error') {
    if (isNotFound(track.error)) {
      return (
        <Missing title="Track not found">
          There is no track at /{handle}/{slug}. It may have been renamed or deleted.
        </Missing>
      );
    }
    return (
      <div className="page">
        <h1>Track</h1>
        <ErrorState error={track.error} onRetry={() => track.reload()} />
      </div>
    );
  }
  if (track.data.is_delete) {
    return <Missing title="Track deleted">{track.data.title} was deleted by its landlord.</Missing>;
  }
  return (
    <TrackDetails
      track={track.data}
      viewer={viewer}
      onChanged={() => track.reload()}
      onSaved={(after) => {
        // A new title is a new permalink; the same one drops `?edit=1` and reads the track again.
        navigate(after.permalink, { replace: true });
        track.reload();
      }}
    />
  );
}

function TrackDetails({
  track,
  viewer,
  onChanged,
  onSaved,
}: {
  track: Track;
  viewer: Viewer;
  /** After the landlord changed the track (its access). */
  onChanged: () => void;
  /** After the landlord saved the edit form: the track as the network has it. */
  onSaved: (track: Track) => void;
}) {
  const sdk = useSdk();
  const { path, query } = useLocation();
  const isOwner = viewer.kind === 'user' && viewer.userId === track.user.id;
  // `?edit=1` (the track menu's "Edit track") opens the form; closing it drops the query.
  const editing = isOwner && query.get('edit') === '1';
  const setEditing = (on: boolean) => navigate(on ? `${path}?edit=1` : path, { replace: true });
  const [deleting, setDeleting] = useState(false);
  const player = usePlayer();
  const isCurrent = player.current?.id === track.id;
  const isPlaying = isCurrent && player.playing;
  const playerNow = useRef(player);
  playerNow.current = player;

  const favorite = useOptimisticToggle(
    track.has_current_user_saved,
    track.favorite_count,
    async (on) => {
      if (!viewer.userId) throw new Error('Log in to favorite.');
      const after = await (on ? sdk.tracks.save : sdk.tracks.unsave)(viewer.userId, track.id);
      return { on: after.has_current_user_saved, count: after.favorite_count };
    },
  );
  const repost = useOptimisticToggle(
    track.has_current_user_reposted,
    track.repost_count,
    async (on) => {
      if (!viewer.userId) throw new Error('Log in to repost.');
      const after = await (on ? sdk.tracks.repost : sdk.tracks.unrepost)(viewer.userId, track.id);
      return { on: after.has_current_user_reposted, count: after.repost_count };
    },
  );

  // Peaks are read once per track; a track without a waveform just has none drawn.
  const peaks = useAsync(
    (signal) =>
      sdk.tracks.waveform(track, signal).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      }),
    [sdk, track.id],
  );

  const more = useAsync(
    async (signal) => {
      const theirs = await sdk.users.tracks(track.user_id, {
        sort: 'plays',
        limit: MORE_LIMIT + 1,
        signal,
      });
      return theirs.filter((t) => t.id !== track.id).slice(0, MORE_LIMIT);
    },
    [sdk, track.user_id, track.id],
  );

  // Play goes on through the list the page was opened from (a playlist, search results, a chart),
  // or (a fresh visit, a reload, the list's last track) into the landlord's other tracks, so Next
  // keeps playing.
  const opened = listOpenedFrom(track.id);
  const listRest = useMemo(() => (opened ? restOf(opened) : []), [opened]);
  const fromList = listRest.length > 0 ? opened : null;
  const playFromHere = usePlayWithRest(
    track,
    fromList ? listRest : more.status === 'ok' ? more.data : null,
  );

  // A seek on a track that is not loaded starts it, then moves to the point. The player loads the
  // new track in its own effect, which runs after this (child) one, so the seek waits a tick.
  const pendingSeek = useRef<number | null>(null);
  useEffect(() => {
    if (!isCurrent || pendingSeek.current === null) return;
    const timer = setTimeout(() => {
      const fraction = pendingSeek.current;
      pendingSeek.current = null;
      if (fraction !== null) playerNow.current.seek(fraction * track.duration);
    }, 0);
    return () => clearTimeout(timer);
  }, [isCurrent, track.duration]);
  const onSeek = (fraction: number) => {
    if (isCurrent) {
      player.seek(fraction * (player.duration || track.duration));
      return;
    }
    pendingSeek.current = fraction;
    playFromHere();
  };
  const progress = isCurrent && player.duration > 0 ? player.position / player.duration : 0;

  const showPlays = track.field_visibility?.play_count !== false;
  const lock = useLock(track);
  return (
    <article className="page track-page">
      <header className="hero">
        <Artwork
          image={track.artwork}
          size="1000x1000"
          alt={`Artwork for ${track.title}`}
          className="artwork hero-art"
        />
        <div className="hero-body">
          <p className="kicker">Track</p>
          <h1>{track.title}</h1>
          {isScheduled(track) && track.release_date && (
            <p className="scheduled-note">
              <span className="badge-scheduled">Scheduled</span> Out on{' '}
              {releaseDay(track.release_date)}. Listeners cannot see it until then.
            </p>
          )}
          <p className="hero-owner">
            by <Link to={`/${track.user.handle}`}>{track.user.name}</Link>
          </p>
          <div className="hero-actions">
            <button
              type="button"
              className="play-big"
              aria-label={`${isPlaying ? 'Pause' : 'Play'} ${track.title}`}
              onClick={() => (isCurrent ? player.toggle() : playFromHere())}
            >
              <span aria-hidden="true">{isPlaying ? '❚❚' : '▶'}</span>
            </button>
            <SocialButtons viewer={viewer} favorite={favorite} repost={repost} />
            <ShareButton url={`${window.location.origin}${track.permalink}`} />
            <DownloadButton track={track} />
            <TrackMenu track={track} />
          </div>
          {fromList && <p className="muted play-from">Play goes on through {fromList.label}.</p>}
          <div className="hero-lock">
            <GateLock content={buyableTrack(track)} />
            {lock && (
              <span className="muted">
                {' '}
                Until then, Play plays a {previewSeconds(track.duration)}-second preview.
              </span>
            )}
          </div>
          <Counts
            items={[
              ...(showPlays ? [{ label: 'Plays', value: track.play_count }] : []),
              { label: 'Favorites', value: favorite.count },
              { label: 'Reposts', value: repost.count },
            ]}
          />
        </div>
      </header>

      {peaks.status === 'ok' && peaks.data && peaks.data.length > 0 && (
        <div className="track-waveform">
          <Waveform
            peaks={peaks.data}
            progress={progress}
            onSeek={onSeek}
            label={`Seek ${track.title}`}
            duration={isCurrent && player.duration > 0 ? player.duration : track.duration}
          />
        </div>
      )}

      <section className="page-section" aria-labelledby="track-about">
        <h2 id="track-about">About</h2>
        <TrackFacts track={track} />
        {track.description && <p className="description">{track.description}</p>}
      </section>

      {isOwner && viewer.kind === 'user' && (
        <section className="page-section" aria-labelledby="track-manage">
          <h2 id="track-manage">Your track</h2>
          {editing ? (
            <EditTrackForm
              track={track}
              owner={{ id: viewer.userId, handle: viewer.handle }}
              onSaved={onSaved}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <p className="form-actions">
              <button type="button" className="button-primary" onClick={() => setEditing(true)}>
                Edit track
              </button>
              <button type="button" className="button-danger" onClick={() => setDeleting(true)}>
                Delete track
              </button>
            </p>
          )}
          {deleting && (
            <DeleteTrackDialog
              track={track}
              userId={viewer.userId}
              onClose={() => setDeleting(false)}
              onDeleted={() => {
                sayOnPage(`/${track.user.handle}`, `Deleted “${track.title}”.`);
                navigate(`/${track.user.handle}`);
              }}
            />
          )}
        </section>
      )}

      {isOwner && viewer.kind === 'user' && !editing && (
        <section className="page-section" aria-labelledby="track-access">
          <h2 id="track-access">Access</h2>
          <p className="muted">{accessInWords(track)}</p>
          <TrackAccessEditor track={track} ownerHandle={viewer.handle} onSaved={onChanged} />
        </section>
      )}

      <section className="page-section" aria-labelledby="track-more">
        <h2 id="track-more">More by {track.user.name}</h2>
        {more.status === 'loading' ? (
          <Loading label={`Loading more by ${track.user.name}`} />
        ) : more.status === 'error' ? (
          <ErrorState error={more.error} onRetry={() => more.reload()} />
        ) : more.data.length === 0 ? (
          <p className="muted">This is the only track by {track.user.name} so far.</p>
        ) : (
          <TrackList tracks={more.data} label={`More by ${track.user.name}`} />
        )}
        <p>
          <Link to={`/${track.user.handle}`}>See all by {track.user.name}</Link>
        </p>
      </section>
    </article>
  );
}

/** The track's access as its landlord set it, in a sentence. */
export function accessInWords(track: Track): string {
  const gate = gateOf(track.stream_conditions);
  const who =
    gate === null
      ? 'Anyone can play it'
      : gate.kind === 'follow'
        ? 'Your followers can play it'
        : gate.kind === 'tip'
          ? 'Listeners who tipped you can play it'
          : `For sale at ${formatDgco(gate.price)}`;
  const extras = [
    track.is_unlisted ? 'unlisted' : null,
    track.is_downloadable ? 'downloadable' : null,
  ].filter(Boolean);
  return `${who}${extras.length > 0 ? `; ${extras.join(', ')}` : ''}.`;
}

/**
 * How long a gated track's preview is: 30 s, but at most half the track (the content node's
 * previewWindow), so a 40-second track's is 20 s.
 */
function previewSeconds(duration: number): number {
  return Math.max(1, Math.floor(Math.min(30, duration / 2)));
}
