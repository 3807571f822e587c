-- Payments (docs/design.md §9): PaymentRouter's Payment events on the eth chain, judged against
-- the conditions content had on the data chain at the payment's time (core/payments.ts), and
-- the history of those conditions the judging reads. Every table here is in the state digest.

-- The access conditions of a track or playlist after each data-chain block that created, updated
-- or deleted it (the state at the end of that block: two changes in one block leave one row).
-- Written by the EntityManager indexer with the tracks and playlists themselves.
create table content_conditions (
  content_type text not null check (content_type in ('track', 'playlist')),
  content_id bigint not null,
  block_number bigint not null,
  block_time timestamptz not null,
  owner_id bigint not null,
  stream_conditions jsonb,
  download_conditions jsonb,
  is_deleted boolean not null,
  primary key (content_type, content_id, block_number)
);
-- "As of time T" reads the last row at or before T.
create index content_conditions_time on content_conditions (content_type, content_id, block_time);

-- Every Payment event, whatever it counts as: a purchase, a tip, or a plain transfer (and why).
create table payments (
  block_number bigint not null,
  log_index integer not null,
  block_time timestamptz not null,
  tx_hash text not null,
  -- lower-case addresses
  payer text not null,
  token text not null,
  -- the payer's user at the payment's time, if the payer is one's wallet
  payer_user_id bigint,
  -- DGCO wei
  amount numeric(78, 0) not null,
  ref text not null,
  nonce numeric(78, 0) not null,
  kind text not null check (kind in ('purchase', 'tip', 'transfer')),
  -- why a transfer is one (a stable code and words); null for a purchase or a tip
  reason_code text,
  reason text,
  primary key (block_number, log_index)
);

-- Who got what of each payment, in the event's order (the last recipient took the remainder).
create table payment_shares (
  block_number bigint not null,
  log_index integer not null,
  position integer not null,
  recipient text not null,
  -- the recipient's user at the payment's time, if any
  user_id bigint,
  basis_points integer not null,
  amount numeric(78, 0) not null,
  primary key (block_number, log_index, position)
);
create index payment_shares_user on payment_shares (user_id);

-- A payment that bought a track or a playlist (an album's purchase unlocks its tracks).
create table purchases (
  block_number bigint not null,
  log_index integer not null,
  buyer_user_id bigint not null,
  seller_user_id bigint not null,
  content_type text not null check (content_type in ('track', 'playlist')),
  content_id bigint not null,
  amount numeric(78, 0) not null,
  created_at timestamptz not null,
  tx_hash text not null,
  primary key (block_number, log_index)
);
create index purchases_buyer on purchases (buyer_user_id, content_type, content_id);
create index purchases_seller on purchases (seller_user_id, created_at);
create index purchases_content on purchases (content_type, content_id);

-- A payment that tipped a user.
create table tips (
  block_number bigint not null,
  log_index integer not null,
  sender_user_id bigint not null,
  receiver_user_id bigint not null,
  amount numeric(78, 0) not null,
  created_at timestamptz not null,
  tx_hash text not null,
  primary key (block_number, log_index)
);
create index tips_sender on tips (sender_user_id, receiver_user_id);
create index tips_receiver on tips (receiver_user_id);

-- The conditions tracks and playlists have now, as their first history rows.
insert into content_conditions
select 'track', track_id, updated_block, updated_at, owner_id, stream_conditions,
  download_conditions, is_deleted
from tracks;
insert into content_conditions
select 'playlist', playlist_id, updated_block, updated_at, owner_id, stream_conditions, null,
  is_deleted
from playlists;
