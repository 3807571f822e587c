-- The discovery node's state: entities indexed from EntityManager on the data chain, nodes from
-- NodeRegistry on the eth chain, and where each indexer stands. Every entity column is a pure
-- function of the chain (block numbers and block times, never this node's clock), so two nodes
-- at the same block hold the same rows (see stateDigest.ts).

create table users (
  user_id bigint primary key,
  -- lower-case 0x address: the signer every action of this user must come from
  wallet text not null unique,
  handle text not null,
  handle_lc text not null unique,
  name text not null,
  is_deactivated boolean not null default false,
  -- the whole current profile, as validated (the handle included)
  metadata jsonb not null,
  metadata_cid text not null default '',
  created_block bigint not null,
  created_at timestamptz not null,
  updated_block bigint not null,
  updated_at timestamptz not null,
  tx_hash text not null
);

create table tracks (
  track_id bigint primary key,
  owner_id bigint not null references users (user_id),
  title text not null,
  genre text not null,
  mood text,
  track_cid text not null,
  duration double precision not null,
  release_date timestamptz,
  is_unlisted boolean not null default false,
  is_deleted boolean not null default false,
  stream_conditions jsonb,
  download_conditions jsonb,
  metadata jsonb not null,
  metadata_cid text not null default '',
  created_block bigint not null,
  created_at timestamptz not null,
  updated_block bigint not null,
  updated_at timestamptz not null,
  tx_hash text not null
);
create index tracks_owner on tracks (owner_id, track_id);

create table playlists (
  playlist_id bigint primary key,
  owner_id bigint not null references users (user_id),
  playlist_name text not null,
  is_album boolean not null default false,
  is_private boolean not null default false,
  is_deleted boolean not null default false,
  stream_conditions jsonb,
  -- every field but the track list, which is playlist_tracks
  metadata jsonb not null,
  metadata_cid text not null default '',
  created_block bigint not null,
  created_at timestamptz not null,
  updated_block bigint not null,
  updated_at timestamptz not null,
  tx_hash text not null
);
create index playlists_owner on playlists (owner_id, playlist_id);

create table playlist_tracks (
  playlist_id bigint not null references playlists (playlist_id),
  position integer not null,
  track_id bigint not null,
  -- when the track was added, in unix seconds, as the playlist's metadata says
  added_at bigint not null,
  primary key (playlist_id, position)
);
create index playlist_tracks_track on playlist_tracks (track_id);

create table follows (
  follower_id bigint not null references users (user_id),
  followee_id bigint not null references users (user_id),
  created_block bigint not null,
  created_at timestamptz not null,
  primary key (follower_id, followee_id)
);
create index follows_followee on follows (followee_id, follower_id);

-- item_type is 'track' or 'playlist' (albums are playlists)
create table saves (
  user_id bigint not null references users (user_id),
  item_type text not null check (item_type in ('track', 'playlist')),
  item_id bigint not null,
  created_block bigint not null,
  created_at timestamptz not null,
  primary key (user_id, item_type, item_id)
);
create index saves_item on saves (item_type, item_id);

create table reposts (
  user_id bigint not null references users (user_id),
  item_type text not null check (item_type in ('track', 'playlist')),
  item_id bigint not null,
  created_block bigint not null,
  created_at timestamptz not null,
  primary key (user_id, item_type, item_id)
);
create index reposts_item on reposts (item_type, item_id);

-- Counts kept exact by the indexer in the same transaction as the rows they count.
create table aggregate_user (
  user_id bigint primary key references users (user_id),
  -- tracks and playlists that are not deleted; albums counted apart from playlists
  track_count bigint not null default 0,
  playlist_count bigint not null default 0,
  album_count bigint not null default 0,
  follower_count bigint not null default 0,
  following_count bigint not null default 0,
  -- reposts and saves this user made
  repost_count bigint not null default 0,
  save_count bigint not null default 0
);

create table aggregate_track (
  track_id bigint primary key references tracks (track_id),
  save_count bigint not null default 0,
  repost_count bigint not null default 0
);

create table aggregate_playlist (
  playlist_id bigint primary key references playlists (playlist_id),
  save_count bigint not null default 0,
  repost_count bigint not null default 0
);

-- Actions the indexer refused, each with why; they changed nothing.
create table skipped_actions (
  block_number bigint not null,
  log_index integer not null,
  tx_hash text not null,
  -- as emitted (uint256, so text: an id out of range is itself a reason to skip)
  user_id text not null,
  signer text not null,
  entity_type text not null,
  entity_id text not null,
  action text not null,
  reason_code text not null,
  reason text not null,
  primary key (block_number, log_index)
);

-- Blocks of the data chain that carried actions, with their hashes (block confirmation).
create table entity_blocks (
  block_number bigint primary key,
  block_hash text not null,
  block_time timestamptz not null
);

-- Nodes registered on NodeRegistry (eth chain).
create table nodes (
  node_id bigint primary key,
  service_type text not null,
  owner text not null,
  endpoint text not null,
  delegate_wallet text not null,
  is_registered boolean not null,
  registered_block bigint not null,
  updated_block bigint not null
);
create index nodes_type on nodes (service_type, is_registered);

-- Each node owner's deployer stake, in DGCO wei.
create table node_owners (
  owner text primary key,
  stake numeric(78, 0) not null,
  updated_block bigint not null
);

-- Where each indexer stands: the last block applied and its hash.
create table indexing_checkpoints (
  chain text primary key,
  block_number bigint not null,
  block_hash text not null
);
