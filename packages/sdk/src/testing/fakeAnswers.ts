// What the stand-in discovery node answers (Node only; not exported by the package): the fake
// chain's rows as API v1 models, typed against the models in @coliving/protocol and held to the
// real node's answers by fakeNodes.compliance.test.ts. Values the fake chain does not track
// (balances, verification) are the ones a real node gives a new catalog; plays are counted from
// the chain's `plays`, as a real node counts the indexed play log.
import {
  DEFAULT_REPLICATION_FACTOR,
  type Envelope,
  type ErrorBody,
  type FolloweeFavorite,
  type FolloweeRepost,
  type ListenCountsMonthly,
  type Playlist,
  type Track,
  type TrackActivity,
  type UrlWithMirrors,
  type User,
  encodeHashId,
  rankNodes,
} from '@coliving/protocol';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, hashMessage, hexToBytes } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { type FakeChain, type Json, timeOf } from './fakeChain.js';

/** Who asks and where things are: what a real node reads from its request and its registry. */
export type FakeContext = {
  chain: FakeChain;
  /** The stand-in discovery node's endpoint (stream links point at it). */
  self: string;
  /** Content nodes, where images and waveforms are placed by rendezvous. */
  contentNodes: readonly string[];
  /** The current user (`?user_id=`). */
  viewer?: number | undefined;
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const SQUARE_SIZES = ['150x150', '480x480', '1000x1000'] as const;
const BACKDROP_SIZES = ['640x', '2000x'] as const;

/** Holders of `cid` in placement order, as many as keep a copy. */
function holders(ctx: FakeContext, cid: string): string[] {
  return rankNodes([...ctx.contentNodes], cid).slice(0, DEFAULT_REPLICATION_FACTOR);
}

function imageUrls<Size extends string>(
  ctx: FakeContext,
  cid: unknown,
  sizes: readonly Size[],
): (Partial<Record<Size, string>> & { mirrors: string[] }) | null {
  if (typeof cid !== 'string' || cid === '') return null;
  const [first, ...mirrors] = holders(ctx, cid);
  if (first === undefined) return null;
  const urls: Partial<Record<Size, string>> = {};
  for (const size of sizes) urls[size] = `${first}/content/${cid}/${size}.jpg`;
  return { ...urls, mirrors };
}

function blobUrl(ctx: FakeContext, cid: unknown): UrlWithMirrors {
  if (typeof cid !== 'string' || cid === '') return { url: null, mirrors: [] };
  const [first, ...mirrors] = holders(ctx, cid);
  return { url: first === undefined ? null : `${first}/content/${cid}`, mirrors };
}

const count = (keys: Iterable<string>, test: (key: string) => boolean) => {
  let n = 0;
  for (const key of keys) if (test(key)) n++;
  return n;
};

/** The users the current user follows. */
function followees(ctx: FakeContext): number[] {
  if (ctx.viewer === undefined) return [];
  const prefix = `${ctx.viewer}:`;
  return [...ctx.chain.follows]
    .filter((f) => f.startsWith(prefix))
    .map((f) => Number(f.slice(prefix.length)));
}

/** What the current user and the users they follow did to an item. */
function activity(ctx: FakeContext, kind: 'Track' | 'Playlist', id: number) {
  const { chain, viewer } = ctx;
  const key = `:${kind}:${id}`;
  const type = kind.toLowerCase();
  const reposters = followees(ctx).filter((u) => chain.reposts.has(`${u}${key}`));
  const savers = followees(ctx).filter((u) => chain.saves.has(`${u}${key}`));
  return {
    repost_count: count(chain.reposts, (r) => r.endsWith(key)),
    favorite_count: count(chain.saves, (s) => s.endsWith(key)),
    followee_reposts: reposters.map((u): FolloweeRepost => ({
      repost_item_id: encodeHashId(id),
      repost_type: type,
      user_id: encodeHashId(u),
    })),
    followee_favorites: savers.map((u): FolloweeFavorite => ({
      favorite_item_id: encodeHashId(id),
      favorite_type: type,
      user_id: encodeHashId(u),
      created_at: timeOf(chain.indexed),
    })),
    has_current_user_reposted: chain.reposts.has(`${viewer}${key}`),
    has_current_user_saved: chain.saves.has(`${viewer}${key}`),
  };
}

/** A user as `GET /v1/users/{id}` answers it; undefined for none or a deactivated one. */
export function presentUser(ctx: FakeContext, id: number): User | undefined {
  const { chain, viewer } = ctx;
  const user = chain.users.get(id);
  if (!user || user.deactivated) return undefined;
  const d = user.data;
  const owned = (rows: Map<number, { owner: number; deleted: boolean; data: Json }>) =>
    [...rows.values()].filter((r) => r.owner === id && !r.deleted);
  const playlists = owned(chain.playlists);
  const albums = playlists.filter((p) => p.data.is_album === true).length;
  const followsViewer = (u: number) => chain.follows.has(`${u}:${id}`);
  return {
    id: encodeHashId(id),
    handle: String(d.handle),
    handle_lc: String(d.handle).toLowerCase(),
    name: String(d.name),
    bio: text(d.bio),
    location: text(d.location),
    website: text(d.website),
    is_verified: false,
    verified_with_twitter: false,
    verified_with_instagram: false,
    verified_with_tiktok: false,
    follower_count: count(chain.follows, (f) => f.endsWith(`:${id}`)),
    followee_count: count(chain.follows, (f) => f.startsWith(`${id}:`)),
    // As the real node: the owner counts all their tracks, anyone else the listed, released ones.
    track_count: owned(chain.tracks).filter(
      (t) =>
        viewer === id ||
        (t.data.is_unlisted !== true &&
          !(
            typeof t.data.release_date === 'string' && Date.parse(t.data.release_date) > Date.now()
          )),
    ).length,
    playlist_count: playlists.length - albums,
    album_count: albums,
    repost_count: count(chain.reposts, (r) => r.startsWith(`${id}:`)),
    supporter_count: 0,
    supporting_count: 0,
    is_deactivated: false,
    is_available: true,
    wallet: user.wallet,
    erc_wallet: user.wallet,
    spl_wallet: '',
    spl_usdc_wallet: '',
    balance: '0',
    associated_wallets_balance: '0',
    total_balance: '0',
    waudio_balance: '0',
    associated_sol_wallets_balance: '0',
    total_audio_balance: 0,
    artist_coin_badge: {},
    blocknumber: user.updated,
    created_at: timeOf(1),
    updated_at: timeOf(user.updated),
    is_storage_v2: true,
    current_user_followee_follow_count: followees(ctx).filter(followsViewer).length,
    does_current_user_follow: viewer !== undefined && chain.follows.has(`${viewer}:${id}`),
    does_current_user_subscribe: false,
    does_follow_current_user: viewer !== undefined && chain.follows.has(`${id}:${viewer}`),
    has_collectibles: false,
    allow_ai_attribution: d.allow_ai_attribution === true,
    profile_picture: imageUrls(ctx, d.profile_picture_sizes, SQUARE_SIZES),
    cover_photo: imageUrls(ctx, d.cover_photo_sizes, BACKDROP_SIZES),
    artist_pick_track_id:
      typeof d.artist_pick_track_id === 'number' ? encodeHashId(d.artist_pick_track_id) : null,
  };
}

/** The slug of a track's permalink: its title, lowercased, with dashes. */
export function slugOf(title: unknown): string {
  return String(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}

/** A track as `GET /v1/tracks/{id}` answers it; undefined for none, a deleted one or no owner. */
export function presentTrack(ctx: FakeContext, id: number): Track | undefined {
  const track = ctx.chain.tracks.get(id);
  if (!track || track.deleted) return undefined;
  const owner = presentUser({ ...ctx, viewer: undefined }, track.owner);
  if (!owner) return undefined;
  const d = track.data;
  const hashId = encodeHashId(id);
  const streamUrl = `${ctx.self}/v1/tracks/${hashId}/stream`;
  const slug = slugOf(d.title);
  const visibility = (d.field_visibility ?? {}) as Record<string, boolean | undefined>;
  const remixOf = (d.remix_of as { tracks?: { parent_track_id: number }[] } | undefined)?.tracks;
  const streamConditions = (d.stream_conditions as Json | undefined) ?? null;
  const downloadConditions = (d.download_conditions as Json | undefined) ?? null;
  const releaseDate = text(d.release_date);
  const { repost_count, favorite_count, ...viewed } = activity(ctx, 'Track', id);
  return {
    id: hashId,
    title: String(d.title),
    description: text(d.description),
    genre: String(d.genre),
    mood: text(d.mood),
    tags: text(d.tags),
    user: owner,
    user_id: encodeHashId(track.owner),
    duration: Math.round(Number(d.duration)),
    permalink: `/${owner.handle}/${slug}`,
    route_id: `${owner.handle}/${slug}`,
    artwork: imageUrls(ctx, d.cover_art_sizes, SQUARE_SIZES) ?? { mirrors: [] },
    cover_art_sizes: text(d.cover_art_sizes),
    is_original_available: d.is_original_available === true,
    remix_of: {
      tracks: (remixOf ?? []).map((t) => ({ parent_track_id: encodeHashId(t.parent_track_id) })),
    },
    repost_count,
    favorite_count,
    comment_count: 0,
    play_count: playCount(ctx.chain, id),
    is_downloadable: d.is_downloadable === true,
    access: { stream: streamConditions === null || ctx.viewer === track.owner, download: false },
    blocknumber: track.updated,
    created_at: timeOf(1),
    updated_at: timeOf(track.updated),
    release_date: releaseDate,
    field_visibility: {
      mood: visibility.mood ?? true,
      tags: visibility.tags ?? true,
      genre: visibility.genre ?? true,
      share: visibility.share ?? true,
      play_count: visibility.play_count ?? true,
      remixes: visibility.remixes ?? true,
    },
    followee_reposts: viewed.followee_reposts,
    followee_favorites: viewed.followee_favorites,
    has_current_user_reposted: viewed.has_current_user_reposted,
    has_current_user_saved: viewed.has_current_user_saved,
    is_scheduled_release: releaseDate !== null && Date.parse(releaseDate) > Date.now(),
    is_unlisted: d.is_unlisted === true,
    track_segments: [],
    is_delete: false,
    is_available: true,
    is_stream_gated: streamConditions !== null,
    is_download_gated: downloadConditions !== null,
    is_owned_by_user: ctx.viewer === track.owner,
    stream_conditions: streamConditions,
    download_conditions: downloadConditions,
    track_cid: text(d.track_cid),
    preview_cid: text(d.preview_cid),
    preview_start_seconds:
      typeof d.preview_start_seconds === 'number' ? d.preview_start_seconds : null,
    orig_file_cid: text(d.orig_file_cid),
    waveform_cid: text(d.waveform_cid),
    waveform: blobUrl(ctx, d.waveform_cid),
    bpm: typeof d.bpm === 'number' ? d.bpm : null,
    musical_key: text(d.musical_key),
    license: text(d.license),
    isrc: text(d.isrc),
    stream: { url: streamUrl, mirrors: [] },
    preview: { url: d.preview_cid ? `${streamUrl}?preview=true` : null, mirrors: [] },
    download: { url: null, mirrors: [] },
  };
}

/** A playlist as `GET /v1/playlists/{id}` lists it; undefined for none or a deleted one. */
export function presentPlaylist(ctx: FakeContext, id: number): Playlist | undefined {
  const playlist = ctx.chain.playlists.get(id);
  if (!playlist || playlist.deleted) return undefined;
  const owner = presentUser({ ...ctx, viewer: undefined }, playlist.owner);
  if (!owner) return undefined;
  const d = playlist.data;
  const isAlbum = d.is_album === true;
  const contents = (d.playlist_contents as { track_ids: { track: number; time: number }[] })
    .track_ids;
  const entries = contents.map((c) => ({
    timestamp: c.time,
    track_id: encodeHashId(c.track),
    metadata_timestamp: c.time,
  }));
  const streamConditions = (d.stream_conditions as Json | undefined) ?? null;
  const releaseDate = text(d.release_date);
  const { repost_count, favorite_count, ...viewed } = activity(ctx, 'Playlist', id);
  return {
    id: encodeHashId(id),
    playlist_name: String(d.playlist_name),
    description: text(d.description),
    permalink: `/${owner.handle}/${isAlbum ? 'album' : 'playlist'}/${slugOf(d.playlist_name)}`,
    is_album: isAlbum,
    is_image_autogenerated: false,
    artwork: imageUrls(ctx, d.playlist_image_sizes_multihash, SQUARE_SIZES) ?? { mirrors: [] },
    playlist_contents: entries,
    added_timestamps: entries,
    repost_count,
    favorite_count,
    total_play_count: contents.reduce((sum, c) => sum + playCount(ctx.chain, c.track), 0),
    // The tracks a listener can play, as a real node counts them: deleted ones left out.
    track_count: contents.filter((c) => {
      const track = ctx.chain.tracks.get(c.track);
      return track !== undefined && !track.deleted;
    }).length,
    user: owner,
    user_id: encodeHashId(playlist.owner),
    access: { stream: streamConditions === null || ctx.viewer === playlist.owner, download: false },
    blocknumber: playlist.updated,
    created_at: timeOf(1),
    updated_at: timeOf(playlist.updated),
    release_date: releaseDate,
    upc: text(d.upc),
    followee_reposts: viewed.followee_reposts,
    followee_favorites: viewed.followee_favorites,
    has_current_user_reposted: viewed.has_current_user_reposted,
    has_current_user_saved: viewed.has_current_user_saved,
    is_delete: false,
    is_private: d.is_private === true,
    is_stream_gated: streamConditions !== null,
    stream_conditions: streamConditions,
    is_scheduled_release: releaseDate !== null && Date.parse(releaseDate) > Date.now(),
  };
}

/** A track's counted plays. */
export function playCount(chain: FakeChain, trackId: number): number {
  return chain.plays.filter((p) => p.trackId === trackId).length;
}

/** `GET /v1/tracks/{id}/top_listeners`: listeners by their plays, most first, ties by id. */
export function presentTopListeners(
  ctx: FakeContext,
  trackId: number,
  page: { limit: number; offset: number },
): { user: User; count: number }[] {
  const counts = new Map<number, number>();
  for (const p of ctx.chain.plays)
    if (p.trackId === trackId && p.userId !== undefined)
      counts.set(p.userId, (counts.get(p.userId) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || a - b)
    .flatMap(([userId, count]) => {
      const user = presentUser(ctx, userId);
      return user ? [{ user, count }] : [];
    })
    .slice(page.offset, page.offset + page.limit);
}

/** `GET /v1/users/{id}/listen_counts_monthly` over plays from `start` to `end` (ms, end excluded). */
export function presentListenCountsMonthly(
  chain: FakeChain,
  ownerId: number,
  start: number,
  end: number,
): ListenCountsMonthly {
  const byMonthTrack = new Map<string, Map<number, number>>();
  for (const p of [...chain.plays].sort((a, b) => a.at - b.at || a.trackId - b.trackId)) {
    if (chain.tracks.get(p.trackId)?.owner !== ownerId || p.at < start || p.at >= end) continue;
    const d = new Date(p.at);
    const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01T00:00:00 Z`;
    const tracks = byMonthTrack.get(month) ?? new Map<number, number>();
    tracks.set(p.trackId, (tracks.get(p.trackId) ?? 0) + 1);
    byMonthTrack.set(month, tracks);
  }
  const out: ListenCountsMonthly = {};
  for (const [month, tracks] of byMonthTrack) {
    const ids = [...tracks.keys()].sort((a, b) => a - b);
    out[month] = {
      totalListens: ids.reduce((sum, id) => sum + tracks.get(id)!, 0),
      trackIds: ids,
      listenCounts: ids.map((trackId) => ({ trackId, date: month, listens: tracks.get(trackId)! })),
    };
  }
  return out;
}

/** `GET /v1/users/{id}/history/tracks`: each track the user played once, last played first. */
export function presentHistory(
  ctx: FakeContext,
  userId: number,
  page: { limit: number; offset: number },
): TrackActivity[] {
  const last = new Map<number, number>();
  for (const p of ctx.chain.plays)
    if (p.userId === userId) last.set(p.trackId, Math.max(last.get(p.trackId) ?? 0, p.at));
  return [...last]
    .sort(([a, x], [b, y]) => y - x || b - a)
    .flatMap(([trackId, at]): TrackActivity[] => {
      const item = presentTrack({ ...ctx, viewer: userId }, trackId);
      return item
        ? [
            {
              class: 'track_activity_full',
              item_type: 'track',
              item_id: item.id,
              timestamp: new Date(at).toISOString(),
              item,
            },
          ]
        : [];
    })
    .slice(page.offset, page.offset + page.limit);
}

/** The stand-in's own key: it signs its answers as a real discovery node signs its own. */
const ANSWER_KEY = secp256k1.utils.randomPrivateKey();
const ANSWER_SIGNER = privateKeyToAddress(bytesToHex(ANSWER_KEY));

/**
 * `signer` and `signature` for an answer, as docs/api-v1.md says a node makes them: SHA-256 of
 * the JSON text `{"data","signer","timestamp"}`, signed with personal_sign (EIP-191).
 */
function signAnswer(data: unknown, timestamp: string): { signer: string; signature: string } {
  const text = JSON.stringify({ data, signer: ANSWER_SIGNER, timestamp });
  const digest = hashMessage({ raw: sha256(new TextEncoder().encode(text)) });
  const signed = secp256k1.sign(hexToBytes(digest), ANSWER_KEY);
  const v = (27 + signed.recovery).toString(16);
  return { signer: ANSWER_SIGNER, signature: `0x${signed.toCompactHex()}${v}` };
}

/** `data` in the API v1 envelope, signed, at the fake chain's heights. */
export function envelope<T>(chain: FakeChain, data: T): Envelope<T> {
  const timestamp = new Date().toISOString();
  return {
    data,
    ...signAnswer(data, timestamp),
    timestamp,
    latest_chain_block: chain.head,
    latest_indexed_block: chain.indexed,
    latest_chain_slot_plays: 0,
    latest_indexed_slot_plays: 0,
    version: { service: 'discovery-node', version: 'fake' },
  };
}

/** The body of an error answer. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** A 404's body. */
export const notFound = (code: string): ErrorBody => errorBody(code, `Not found (${code})`);
