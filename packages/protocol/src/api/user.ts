// The API v1 User, in the order a discovery node writes its keys.
import { type Static, Type } from '@sinclair/typebox';
import { BackdropImage, HashId, JsonObject, Nullable, SquareImage } from './parts.js';

const int = Type.Integer();
const bool = Type.Boolean();
const str = Type.String();
const optionalText = Type.Optional(Nullable(Type.String()));

/** A user (`GET /v1/users/{id}`); extra keys may appear and clients ignore them. */
export const User = Type.Object(
  {
    id: HashId,
    handle: str,
    handle_lc: str,
    name: str,
    bio: optionalText,
    location: optionalText,
    website: optionalText,
    is_verified: bool,
    verified_with_twitter: bool,
    verified_with_instagram: bool,
    verified_with_tiktok: bool,
    follower_count: int,
    followee_count: int,
    track_count: int,
    playlist_count: int,
    album_count: int,
    repost_count: int,
    supporter_count: int,
    supporting_count: int,
    is_deactivated: bool,
    is_available: bool,
    wallet: str,
    erc_wallet: str,
    spl_wallet: str,
    spl_usdc_wallet: str,
    /** DGCO balances are decimal strings of wei. */
    balance: str,
    associated_wallets_balance: str,
    total_balance: str,
    waudio_balance: str,
    associated_sol_wallets_balance: str,
    total_audio_balance: int,
    artist_coin_badge: JsonObject,
    blocknumber: int,
    created_at: str,
    updated_at: str,
    is_storage_v2: bool,
    current_user_followee_follow_count: int,
    does_current_user_follow: bool,
    does_current_user_subscribe: bool,
    does_follow_current_user: bool,
    has_collectibles: bool,
    allow_ai_attribution: bool,
    profile_picture: Type.Optional(Nullable(SquareImage)),
    cover_photo: Type.Optional(Nullable(BackdropImage)),
    artist_pick_track_id: Type.Optional(Nullable(HashId)),
  },
  { $id: 'User', additionalProperties: true },
);
export type User = Static<typeof User>;
