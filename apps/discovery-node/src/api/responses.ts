// Wire shapes of API v1 (docs/api-v1.md): the catalog's views turned into the JSON
// that Audius clients parse. Domain views (core/catalog.ts) stay separate from these.
import {
  type Access,
  type FolloweeFavorite,
  type FolloweeRepost,
  type Playlist,
  type Track,
  type UrlWithMirrors,
  type User,
  encodeHashId,
  rankNodes,
} from '@coliving/protocol';
import type { ItemActivity, PlaylistView, TrackView, UserView } from '../core/catalog.js';
import { isScheduled } from '../core/visibility.js';
import { fullPlaylistFields, fullTrackFields, fullUserFields } from './fullModels.js';

/** What a response needs beyond the views: where this node and the content nodes are. */
export type ResponseContext = {
  /** This discovery node's public base URL (stream links point here). */
  publicUrl: string;
  /** Registered content-node endpoints; images are placed on them by rendezvous. */
  contentNodes: readonly string[];
  /** The current user, for `access` and the `has_current_user_*` flags. */
  viewerId?: number;
  /** The current user when proven (common.ts ownerOf): they see their own hidden items. */
  ownerId?: number;
  /** How many nodes hold each image (the first serves, the rest are mirrors). */
  replicationFactor: number;
  /** Answer the full models (`/v1/full/...`, api/full.ts): the plain keys and more. */
  full?: boolean;
};

const SQUARE_SIZES = ['150x150', '480x480', '1000x1000'] as const;
const BACKDROP_SIZES = ['640x', '2000x'] as const;

/** Image URLs on the node that ranks first for the CID, with the next ones as mirrors. */
function imageUrls<Size extends string>(
  ctx: ResponseContext,
  cid: unknown,
  sizes: readonly Size[],
): (Partial<Record<Size, string>> & { mirrors: string[] }) | null {
  if (typeof cid !== 'string' || cid === '') return null;
  const [first, ...mirrors] = rankNodes(ctx.contentNodes, cid).slice(0, ctx.replicationFactor);
  if (first === undefined) return null;
  const urls: Record<string, unknown> = {};
  for (const size of sizes) urls[size] = `${first}/content/${cid}/${size}.jpg`;
  urls.mirrors = mirrors;
  return urls as Partial<Record<Size, string>> & { mirrors: string[] };
}

/**
 * A JSON blob (waveform peaks) on the content node ranked first for it; `mirrors` are the other
 * holders' endpoints, where the same path answers.
 */
function blobUrl(ctx: ResponseContext, cid: unknown): UrlWithMirrors {
  if (typeof cid !== 'string' || cid === '') return { url: null, mirrors: [] };
  const [first, ...mirrors] = rankNodes(ctx.contentNodes, cid).slice(0, ctx.replicationFactor);
  return { url: first === undefined ? null : `${first}/content/${cid}`, mirrors };
}

function iso(date: Date): string {
  return date.toISOString();
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A User (docs/api-v1.md, "User — required keys"). */
export function toUser(user: UserView, ctx: ResponseContext): User {
  const m = user.metadata;
  return {
    id: encodeHashId(user.userId),
    handle: user.handle,
    handle_lc: user.handleLc,
    name: user.name,
    bio: str(m.bio),
    location: str(m.location),
    website: str(m.website),
    is_verified: false,
    verified_with_twitter: false,
    verified_with_instagram: false,
    verified_with_tiktok: false,
    follower_count: user.followerCount,
    followee_count: user.followingCount,
    // What the viewer can list: a listener their listed, released tracks; the owner all of them
    // (their own list shows unlisted and scheduled ones too). Read time, not indexed state.
    track_count:
      ctx.ownerId === user.userId ? user.trackCount : user.trackCount - user.hiddenTrackCount,
    playlist_count: user.playlistCount,
    album_count: user.albumCount,
    repost_count: user.repostCount,
    supporter_count: user.supporterCount,
    supporting_count: user.supportingCount,
    is_deactivated: user.isDeactivated,
    is_available: !user.isDeactivated,
    wallet: user.wallet,
    erc_wallet: user.wallet,
    spl_wallet: '',
    spl_usdc_wallet: '',
    // The wallet's DGCO as indexed from the token's Transfer logs, wherever the user appears; no
    // associated wallets, so the total is the same (docs/api-v1.md).
    balance: user.balance,
    associated_wallets_balance: '0',
    total_balance: user.balance,
    waudio_balance: '0',
    associated_sol_wallets_balance: '0',
    total_audio_balance: 0,
    artist_coin_badge: {},
    blocknumber: user.updatedBlock,
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    is_storage_v2: true,
    current_user_followee_follow_count: user.viewer?.followeeFollowCount ?? 0,
    does_current_user_follow: user.viewer?.doesFollow ?? false,
    does_current_user_subscribe: false,
    does_follow_current_user: user.viewer?.isFollowedBy ?? false,
    has_collectibles: false,
    allow_ai_attribution: m.allow_ai_attribution === true,
    profile_picture: imageUrls(ctx, m.profile_picture_sizes, SQUARE_SIZES),
    cover_photo: imageUrls(ctx, m.cover_photo_sizes, BACKDROP_SIZES),
    artist_pick_track_id:
      typeof m.artist_pick_track_id === 'number' ? encodeHashId(m.artist_pick_track_id) : null,
    ...(ctx.full ? fullUserFields(user) : {}),
  };
}

function reposts(activity: readonly ItemActivity[]): FolloweeRepost[] {
  return activity.map((a) => ({
    repost_item_id: encodeHashId(a.itemId),
    repost_type: a.itemType,
    user_id: encodeHashId(a.userId),
  }));
}

function favorites(activity: readonly ItemActivity[]): FolloweeFavorite[] {
  return activity.map((a) => ({
    favorite_item_id: encodeHashId(a.itemId),
    favorite_type: a.itemType,
    user_id: encodeHashId(a.userId),
    created_at: iso(a.createdAt),
  }));
}

/**
 * A Track (docs/api-v1.md, "Track — required keys"). `access` says whether the current user may
 * stream and download it; the caller decides (core/streamAccess.ts holds the rules).
 */
export function toTrack(track: TrackView, ctx: ResponseContext, access: Access): Track {
  const m = track.metadata;
  const id = encodeHashId(track.trackId);
  const streamUrl = `${ctx.publicUrl}/v1/tracks/${id}/stream`;
  const visibility = (m.field_visibility ?? {}) as Record<string, boolean | undefined>;
  const isDownloadable = m.is_downloadable === true;
  const remixOf = (m.remix_of as { tracks?: { parent_track_id: number }[] } | undefined)?.tracks;
  return {
    id,
    title: track.title,
    description: str(m.description),
    genre: track.genre,
    mood: track.mood,
    tags: str(m.tags),
    user: toUser(track.owner, ctx),
    user_id: encodeHashId(track.ownerId),
    duration: Math.round(track.duration),
    permalink: `/${track.owner.handle}/${track.slug}`,
    route_id: `${track.owner.handle}/${track.slug}`,
    artwork: imageUrls(ctx, m.cover_art_sizes, SQUARE_SIZES) ?? { mirrors: [] },
    cover_art_sizes: str(m.cover_art_sizes),
    is_original_available: m.is_original_available === true,
    remix_of: {
      tracks: (remixOf ?? []).map((t) => ({ parent_track_id: encodeHashId(t.parent_track_id) })),
    },
    repost_count: track.repostCount,
    favorite_count: track.saveCount,
    comment_count: 0,
    play_count: track.playCount,
    is_downloadable: isDownloadable,
    access,
    blocknumber: track.updatedBlock,
    created_at: iso(track.createdAt),
    updated_at: iso(track.updatedAt),
    release_date: track.releaseDate ? iso(track.releaseDate) : null,
    field_visibility: {
      mood: visibility.mood ?? true,
      tags: visibility.tags ?? true,
      genre: visibility.genre ?? true,
      share: visibility.share ?? true,
      play_count: visibility.play_count ?? true,
      remixes: visibility.remixes ?? true,
    },
    followee_reposts: reposts(track.viewer?.followeeReposts ?? []),
    followee_favorites: favorites(track.viewer?.followeeSaves ?? []),
    has_current_user_reposted: track.viewer?.hasReposted ?? false,
    has_current_user_saved: track.viewer?.hasSaved ?? false,
    is_scheduled_release: isScheduled(track.releaseDate),
    is_unlisted: track.isUnlisted,
    track_segments: [],
    is_delete: track.isDeleted,
    is_available: !track.isDeleted && !track.owner.isDeactivated,
    is_stream_gated: track.streamConditions !== null,
    is_download_gated: track.downloadConditions !== null,
    is_owned_by_user: ctx.viewerId === track.ownerId,
    stream_conditions: track.streamConditions,
    download_conditions: track.downloadConditions,
    track_cid: track.trackCid,
    preview_cid: str(m.preview_cid),
    preview_start_seconds:
      typeof m.preview_start_seconds === 'number' ? m.preview_start_seconds : null,
    orig_file_cid: str(m.orig_file_cid),
    // Not in Audius's model: the player draws its waveform from these peaks (a JSON array).
    waveform_cid: str(m.waveform_cid),
    waveform: blobUrl(ctx, m.waveform_cid),
    bpm: typeof m.bpm === 'number' ? m.bpm : null,
    musical_key: str(m.musical_key),
    license: str(m.license),
    isrc: str(m.isrc),
    stream: { url: streamUrl, mirrors: [] },
    preview: { url: m.preview_cid ? `${streamUrl}?preview=true` : null, mirrors: [] },
    // Downloads of the original get their own route with the download gates; until then none.
    download: { url: null, mirrors: [] },
    ...(ctx.full ? fullTrackFields(track) : {}),
  };
}

/** A Playlist (docs/api-v1.md, "Playlist — required keys"); albums are playlists with is_album. */
export function toPlaylist(playlist: PlaylistView, ctx: ResponseContext, access: Access): Playlist {
  const m = playlist.metadata;
  const kind = playlist.isAlbum ? 'album' : 'playlist';
  const contents = playlist.contents.map((c) => ({
    timestamp: c.addedAt,
    track_id: encodeHashId(c.trackId),
    metadata_timestamp: c.metadataAt,
  }));
  return {
    id: encodeHashId(playlist.playlistId),
    playlist_name: playlist.playlistName,
    description: str(m.description),
    permalink: `/${playlist.owner.handle}/${kind}/${playlist.slug}`,
    is_album: playlist.isAlbum,
    is_image_autogenerated: false,
    artwork: imageUrls(ctx, m.playlist_image_sizes_multihash, SQUARE_SIZES) ?? { mirrors: [] },
    playlist_contents: contents,
    added_timestamps: contents,
    repost_count: playlist.repostCount,
    favorite_count: playlist.saveCount,
    total_play_count: playlist.totalPlayCount,
    // The tracks the viewer can play (as /v1/playlists/{id}/tracks lists them), not every entry
    // of playlist_contents: a deleted or scheduled track stays listed there.
    track_count: playlist.playableTrackCount,
    user: toUser(playlist.owner, ctx),
    user_id: encodeHashId(playlist.ownerId),
    access,
    blocknumber: playlist.updatedBlock,
    created_at: iso(playlist.createdAt),
    updated_at: iso(playlist.updatedAt),
    release_date: str(m.release_date),
    upc: str(m.upc),
    followee_reposts: reposts(playlist.viewer?.followeeReposts ?? []),
    followee_favorites: favorites(playlist.viewer?.followeeSaves ?? []),
    has_current_user_reposted: playlist.viewer?.hasReposted ?? false,
    has_current_user_saved: playlist.viewer?.hasSaved ?? false,
    is_delete: playlist.isDeleted,
    is_private: playlist.isPrivate,
    is_stream_gated: playlist.streamConditions !== null,
    stream_conditions: playlist.streamConditions,
    is_scheduled_release:
      typeof m.release_date === 'string' && isScheduled(new Date(m.release_date)),
    ...(ctx.full ? fullPlaylistFields(playlist) : {}),
  };
}
