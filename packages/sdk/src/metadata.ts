// The SDK's camelCase inputs as the snake_case metadata the indexer reads
// (packages/protocol/src/metadata.ts). Ids come in as hashids and go on chain as numbers.
import type { Genre, Mood, UploadReceipt } from '@coliving/protocol';
import { toEntityId } from './context.js';
import { toWei } from './payments.js';

/** A genre from the fixed list (any string is accepted here and checked before signing). */
export type GenreInput = Genre | (string & {});
export type MoodInput = Mood | (string & {});

/** Who may stream (or download) a gated track (docs/design.md §9). */
export type AccessConditionsInput =
  | { followUserId: string }
  | { tipUserId: string }
  | {
      purchase: {
        /** The price: a bigint of DGCO wei, or a decimal string of DGCO ("2.5"). */
        price: bigint | string;
        /**
         * Who gets what share of each sale: user ids and percentages (at most two decimals)
         * summing to 100. Unset or empty: all to the owner.
         */
        splits?: { userId: string; percentage: number }[];
      };
    };

/** A track's descriptive fields, as an app gives them. */
export type TrackFieldsInput = {
  title: string;
  genre: GenreInput;
  mood?: MoodInput;
  description?: string;
  tags?: string;
  /** ISO-8601, or a Date; a date ahead schedules the release. */
  releaseDate?: string | Date;
  isUnlisted?: boolean;
  isDownloadable?: boolean;
  isOriginalAvailable?: boolean;
  license?: string;
  isrc?: string;
  iswc?: string;
  bpm?: number;
  musicalKey?: string;
  fieldVisibility?: Partial<
    Record<'mood' | 'tags' | 'genre' | 'share' | 'playCount' | 'remixes', boolean>
  >;
  /** The ids of the tracks this one remixes. */
  remixOf?: string[];
  streamConditions?: AccessConditionsInput | null;
  downloadConditions?: AccessConditionsInput | null;
  /** Where the preview (at most 30 s and half the track) starts, in seconds. */
  previewStartSeconds?: number;
};

/** The files of a track, by CID: what an upload produces. */
export type TrackFilesInput = {
  /** The 320 kbps stream file (`results['320']` of the upload). */
  trackCid: string;
  previewCid?: string;
  origFileCid?: string;
  origFilename?: string;
  /** Waveform peaks (`results.peaks`). */
  waveformCid?: string;
  /** Seconds. */
  duration: number;
  /** The artwork image's CID (its original; nodes render the sizes). */
  coverArtCid?: string;
  /**
   * The upload's receipt (`receipt` of its finished upload record): discovery nodes refuse a
   * track whose audio has no receipt for its owner's wallet.
   */
  uploadReceipt: UploadReceipt;
};

/** A track's metadata at creation. */
export type TrackMetadataInput = TrackFieldsInput & TrackFilesInput;

/** Clearable fields take null in updates. */
type Nullable<T> = { [K in keyof T]?: T[K] | null };
/** A track update: any fields; `null` clears an optional one. */
export type TrackUpdateInput = Nullable<TrackMetadataInput>;

const TRACK_KEYS: Record<string, string> = {
  title: 'title',
  genre: 'genre',
  mood: 'mood',
  description: 'description',
  tags: 'tags',
  isUnlisted: 'is_unlisted',
  isDownloadable: 'is_downloadable',
  isOriginalAvailable: 'is_original_available',
  license: 'license',
  isrc: 'isrc',
  iswc: 'iswc',
  bpm: 'bpm',
  musicalKey: 'musical_key',
  previewStartSeconds: 'preview_start_seconds',
  trackCid: 'track_cid',
  previewCid: 'preview_cid',
  origFileCid: 'orig_file_cid',
  origFilename: 'orig_filename',
  waveformCid: 'waveform_cid',
  duration: 'duration',
  coverArtCid: 'cover_art_sizes',
  uploadReceipt: 'upload_receipt',
};

function isoDate(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

/** Access conditions as metadata (user ids as numbers). */
export function toAccessConditions(input: AccessConditionsInput): Record<string, unknown> {
  if ('followUserId' in input) return { follow_user_id: toEntityId(input.followUserId, 'user id') };
  if ('tipUserId' in input) return { tip_user_id: toEntityId(input.tipUserId, 'user id') };
  const { price, splits } = input.purchase;
  return {
    dgco_purchase: {
      // Wei as a decimal string: lossless, as the indexer reads it.
      price: toWei(price).toString(),
      ...(splits && splits.length > 0
        ? {
            splits: splits.map((s) => ({
              user_id: toEntityId(s.userId, 'user id'),
              percentage: s.percentage,
            })),
          }
        : {}),
    },
  };
}

/** Track fields as metadata; unknown keys are dropped, `null` kept (it clears in updates). */
export function toTrackMetadata(input: TrackUpdateInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const wire = TRACK_KEYS[key];
    if (wire !== undefined) out[wire] = value;
  }
  if (input.releaseDate !== undefined)
    out.release_date = input.releaseDate === null ? null : isoDate(input.releaseDate);
  if (input.fieldVisibility !== undefined) {
    const v = input.fieldVisibility;
    out.field_visibility =
      v === null
        ? null
        : Object.fromEntries(
            Object.entries(v)
              .filter(([, on]) => on !== undefined)
              .map(([k, on]) => [k === 'playCount' ? 'play_count' : k, on]),
          );
  }
  if (input.remixOf !== undefined) {
    out.remix_of =
      input.remixOf === null
        ? null
        : {
            tracks: input.remixOf.map((id) => ({
              parent_track_id: toEntityId(id, 'parent track id'),
            })),
          };
  }
  for (const [key, wire] of [
    ['streamConditions', 'stream_conditions'],
    ['downloadConditions', 'download_conditions'],
  ] as const) {
    const value = input[key];
    if (value !== undefined) out[wire] = value === null ? null : toAccessConditions(value);
  }
  return out;
}

/** A user's profile fields, as an app gives them (images go by CID; the SDK uploads files). */
export type UserFieldsInput = {
  name?: string;
  bio?: string | null;
  location?: string | null;
  website?: string | null;
  profilePictureCid?: string | null;
  coverPhotoCid?: string | null;
  /** The track shown first on the profile. */
  artistPickTrackId?: string | null;
  allowAiAttribution?: boolean | null;
  /** Deactivates (or reactivates) the account: updates only. */
  isDeactivated?: boolean;
};

/** User fields as metadata. */
export function toUserMetadata(input: UserFieldsInput & { handle?: string }) {
  const out: Record<string, unknown> = {};
  const keys: Record<string, string> = {
    handle: 'handle',
    name: 'name',
    bio: 'bio',
    location: 'location',
    website: 'website',
    profilePictureCid: 'profile_picture_sizes',
    coverPhotoCid: 'cover_photo_sizes',
    allowAiAttribution: 'allow_ai_attribution',
    isDeactivated: 'is_deactivated',
  };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const wire = keys[key];
    if (wire !== undefined) out[wire] = value;
  }
  if (input.artistPickTrackId !== undefined) {
    out.artist_pick_track_id =
      input.artistPickTrackId === null ? null : toEntityId(input.artistPickTrackId, 'track id');
  }
  return out;
}

/** A playlist's fields, as an app gives them. */
export type PlaylistFieldsInput = {
  name?: string;
  description?: string | null;
  isAlbum?: boolean | null;
  isPrivate?: boolean | null;
  artworkCid?: string | null;
  releaseDate?: string | Date | null;
  upc?: string | null;
  streamConditions?: AccessConditionsInput | null;
};

/** Playlist fields as metadata (the track list is built separately). */
export function toPlaylistMetadata(input: PlaylistFieldsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys: Record<string, string> = {
    name: 'playlist_name',
    description: 'description',
    isAlbum: 'is_album',
    isPrivate: 'is_private',
    artworkCid: 'playlist_image_sizes_multihash',
    upc: 'upc',
  };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const wire = keys[key];
    if (wire !== undefined) out[wire] = value;
  }
  if (input.releaseDate !== undefined)
    out.release_date = input.releaseDate === null ? null : isoDate(input.releaseDate);
  if (input.streamConditions !== undefined)
    out.stream_conditions =
      input.streamConditions === null ? null : toAccessConditions(input.streamConditions);
  return out;
}

/** One entry of a playlist's track list on chain; `time` (when it was added) is unix seconds. */
export type PlaylistContentsEntry = { track: number; time: number };

/**
 * The on-chain track list for `trackIds` in that order: tracks already in `current` keep the time
 * they were added, new ones are added now.
 */
export function playlistContents(
  trackIds: readonly string[],
  current: readonly { track_id: string; timestamp: number }[] = [],
  now = Math.floor(Date.now() / 1000),
): { track_ids: PlaylistContentsEntry[] } {
  const added = new Map<number, number>();
  for (const entry of current) {
    const id = toEntityId(entry.track_id, 'track id');
    if (!added.has(id)) added.set(id, entry.timestamp);
  }
  return {
    track_ids: trackIds.map((id) => {
      const track = toEntityId(id, 'track id');
      return { track, time: added.get(track) ?? now };
    }),
  };
}
