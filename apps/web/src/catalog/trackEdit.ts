// The track edit form's values and the changes they make, as pure functions (tested without a
// page). The upload form's rules (validateTrack) decide what is valid.
import type { Track, UpdateTrackChanges } from '@coliving/sdk';
import { type TrackValues, normalizeTags } from '../pages/account/validation.js';

/**
 * Edit values: the upload form's. A new preview start has a content node cut the preview again
 * from the track's stream (sdk.tracks.update).
 */
export type EditValues = TrackValues;

/** yyyy-mm-dd of an ISO time in the viewer's own calendar (what a date input shows). */
export function localDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The form's starting values: the track as it is now. */
export function editValuesOf(track: Track): EditValues {
  return {
    title: track.title,
    genre: track.genre ?? '',
    mood: track.mood ?? '',
    tags: (track.tags ?? '').split(',').filter(Boolean).join(', '),
    description: track.description ?? '',
    releaseDate: localDate(track.release_date),
    previewStartSeconds:
      typeof track.preview_start_seconds === 'number' ? String(track.preview_start_seconds) : '',
  };
}

/**
 * Only what changed: trimmed, an emptied optional field as `null` (which clears it), a release
 * date as the viewer's local midnight. An empty object means there is nothing to save.
 */
export function trackChanges(track: Track, values: EditValues): UpdateTrackChanges {
  const before = editValuesOf(track);
  const out: UpdateTrackChanges = {};
  const title = values.title.trim();
  if (title !== before.title) out.title = title;
  if (values.genre !== before.genre) out.genre = values.genre;
  if (values.mood !== before.mood) out.mood = values.mood === '' ? null : values.mood;
  const tags = normalizeTags(values.tags);
  if (tags !== normalizeTags(before.tags)) out.tags = tags === '' ? null : tags;
  const description = values.description.trim();
  if (description !== before.description.trim())
    out.description = description === '' ? null : description;
  if (values.releaseDate !== before.releaseDate)
    out.releaseDate =
      values.releaseDate === '' ? null : new Date(`${values.releaseDate}T00:00:00`).toISOString();
  const previewStart = values.previewStartSeconds.trim();
  // Emptied, the preview starts at the beginning again (the SDK cuts it at 0).
  if (previewStart !== before.previewStartSeconds)
    out.previewStartSeconds = previewStart === '' ? null : Number(previewStart);
  return out;
}

/**
 * The edit form's word on a preview start beyond the track (the upload form cannot know the
 * length; here it is known): undefined when it starts before the end.
 */
export function previewStartPastEnd(
  track: Pick<Track, 'duration'>,
  previewStartSeconds: string,
): string | undefined {
  const start = previewStartSeconds.trim();
  if (start === '' || !(Number(start) >= track.duration)) return undefined;
  return `The preview must start before the end of the track (${track.duration} seconds).`;
}

/** True while the track's release date is ahead: listeners do not see it yet. */
export function isScheduled(track: Pick<Track, 'release_date'>, now = Date.now()): boolean {
  if (!track.release_date) return false;
  const at = Date.parse(track.release_date);
  return Number.isFinite(at) && at > now;
}

/** "Scheduled for 1 June 2027": the release date in the viewer's words. */
export function scheduledFor(releaseDate: string): string {
  return `Scheduled for ${releaseDay(releaseDate)}`;
}

/** "March 1, 2027": a release date as people write it, in their locale. */
export function releaseDay(releaseDate: string): string {
  return new Date(releaseDate).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}
