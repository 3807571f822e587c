import type { Track } from '@coliving/sdk';
import { formatCount, formatDuration } from '../../components/format.js';
import { Link } from '../../router.js';

/** "4 Mar 2025" in the reader's own format. */
export function formatDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date);
}

/** Tags as the API sends them ("synth,night"), without blanks or repeats. */
export function splitTags(tags: string | null | undefined): string[] {
  if (!tags) return [];
  return [
    ...new Set(
      tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** Genre, mood, tags and the release date, each linking to more like it; hidden fields stay hidden. */
export function TrackFacts({ track }: { track: Track }) {
  const visible = track.field_visibility;
  const tags = visible?.tags === false ? [] : splitTags(track.tags);
  const released = formatDate(track.release_date ?? track.created_at);
  return (
    <dl className="facts">
      {visible?.genre !== false && track.genre && (
        <div>
          <dt>Genre</dt>
          <dd>
            <Link to={`/genre/${encodeURIComponent(track.genre)}`}>{track.genre}</Link>
          </dd>
        </div>
      )}
      {visible?.mood !== false && track.mood && (
        <div>
          <dt>Mood</dt>
          <dd>
            <Link to={`/mood/${encodeURIComponent(track.mood)}`}>{track.mood}</Link>
          </dd>
        </div>
      )}
      {released && (
        <div>
          <dt>Released</dt>
          <dd>
            <time dateTime={track.release_date ?? track.created_at}>{released}</time>
          </dd>
        </div>
      )}
      <div>
        <dt>Length</dt>
        <dd>{formatDuration(track.duration)}</dd>
      </div>
      {tags.length > 0 && (
        <div>
          <dt>Tags</dt>
          <dd>
            <ul className="tags">
              {tags.map((tag) => (
                <li key={tag}>
                  <Link to={`/search?${new URLSearchParams({ q: tag }).toString()}`}>#{tag}</Link>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}

/** Plays, favorites and reposts, exact in the title and shortened on screen. */
export function Counts({ items }: { items: { label: string; value: number }[] }) {
  return (
    <dl className="stats" aria-label="Counts">
      {items.map((c) => (
        <div key={c.label}>
          <dt>{c.label}</dt>
          <dd title={c.value.toLocaleString()}>{formatCount(c.value)}</dd>
        </div>
      ))}
    </dl>
  );
}
