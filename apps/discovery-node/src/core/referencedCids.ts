// Which CIDs the catalog names: what a content node asks before it deletes an upload no one used
// (docs/design.md §7, retention).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

/** At most this many CIDs per question: one query, a few kilobytes of JSON. */
export const MAX_REFERENCED_CIDS = 500;

/**
 * The CIDs among `cids` that any track (its audio, preview, original, waveform or cover art),
 * user (profile picture, cover photo) or playlist (artwork) names, deleted and deactivated rows
 * included: a content node deletes on this answer, so it errs towards "referenced".
 */
export async function referencedCids(db: Kysely<DB>, cids: string[]): Promise<Set<string>> {
  if (cids.length === 0) return new Set();
  const asked = sql`(select unnest(${sql.val(cids)}::text[]) as cid)`;
  const { rows } = await sql<{ cid: string }>`
    select a.cid from ${asked} a
    where exists (
      select 1 from tracks t
      where t.track_cid = a.cid
         or t.metadata ->> 'preview_cid' = a.cid
         or t.metadata ->> 'orig_file_cid' = a.cid
         or t.metadata ->> 'waveform_cid' = a.cid
         or t.metadata ->> 'cover_art_sizes' = a.cid
    ) or exists (
      select 1 from users u
      where u.metadata ->> 'profile_picture_sizes' = a.cid
         or u.metadata ->> 'cover_photo_sizes' = a.cid
    ) or exists (
      select 1 from playlists p where p.metadata ->> 'playlist_image_sizes_multihash' = a.cid
    )`.execute(db);
  return new Set(rows.map((r) => r.cid));
}
