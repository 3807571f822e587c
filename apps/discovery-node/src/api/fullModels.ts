// What the full models (`/v1/full/...`, docs/api-v1.md "Full models") add to a plain Track, User
// and Playlist, from the same views: responses.ts appends these when the context is full. What a
// node cannot know (legacy images, DDEX data, credits splits) is null, as Audius's model allows.
import type { PlaylistView, TrackView, UserView } from '../core/catalog.js';

const SQUARE_SIZES = ['150x150', '480x480', '1000x1000'] as const;
const BACKDROP_SIZES = ['640x', '2000x'] as const;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** An image directory CID's files by size, as Audius's `*_cids` keys name them. */
function imageCids<Size extends string>(
  cid: unknown,
  sizes: readonly Size[],
): Partial<Record<Size, string>> | null {
  if (typeof cid !== 'string' || cid === '') return null;
  return Object.fromEntries(sizes.map((size) => [size, `${cid}/${size}.jpg`])) as Partial<
    Record<Size, string>
  >;
}

function jsonObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The keys `user_full` adds to a User. */
export function fullUserFields(user: UserView) {
  const m = user.metadata;
  return {
    // Storage v2: no per-user replica set; images are placed by rendezvous over all nodes.
    creator_node_endpoint: null,
    profile_picture_sizes: str(m.profile_picture_sizes),
    profile_picture_cids: imageCids(m.profile_picture_sizes, SQUARE_SIZES),
    profile_picture_legacy: str(m.profile_picture),
    cover_photo_sizes: str(m.cover_photo_sizes),
    cover_photo_cids: imageCids(m.cover_photo_sizes, BACKDROP_SIZES),
    cover_photo_legacy: str(m.cover_photo),
    metadata_multihash: null,
    playlist_library: jsonObject(m.playlist_library),
  };
}

/**
 * The keys `track_full` adds to a Track (its `user` is a full user through the context, and its
 * full `remix_of` is filled in by api/present.ts, which loads the parents).
 */
export function fullTrackFields(track: TrackView) {
  const m = track.metadata;
  return {
    create_date: str(m.create_date),
    cover_art: str(m.cover_art),
    cover_art_cids: imageCids(m.cover_art_sizes, SQUARE_SIZES),
    credits_splits: str(m.credits_splits),
    iswc: str(m.iswc),
    orig_filename: str(m.orig_filename),
    ai_attribution_user_id:
      typeof m.ai_attribution_user_id === 'number' ? m.ai_attribution_user_id : null,
    audio_upload_id: str(m.audio_upload_id),
    parental_warning_type: str(m.parental_warning_type),
    ddex_release_ids: null,
    artists: null,
    resource_contributors: null,
    indirect_resource_contributors: null,
    copyright_line: null,
    producer_copyright_line: null,
  };
}

/** The keys `playlist_full` adds to a Playlist, but its `tracks` (api/present.ts loads them). */
export function fullPlaylistFields(playlist: PlaylistView) {
  const m = playlist.metadata;
  return {
    cover_art: str(m.playlist_image_multihash),
    cover_art_sizes: str(m.playlist_image_sizes_multihash),
    cover_art_cids: imageCids(m.playlist_image_sizes_multihash, SQUARE_SIZES),
  };
}
