-- Trending (src/core/trending.ts): plays, and the scores recomputeTrending writes from them and
-- from the entity tables. The score tables are derived and node-local (they depend on when they
-- were computed), so the state digest leaves them out.

-- One listen of a track. Migration 0009 makes this table again, keyed by the play's own id, as
-- the play log indexer fills it from the chain; from then on it is in the state digest.
create table plays (
  play_id bigserial primary key,
  track_id bigint not null,
  -- null for an anonymous listener
  user_id bigint,
  created_at timestamptz not null
);
create index plays_track on plays (track_id, created_at);

-- The score tables. recomputeTrending rebuilds each one whole beside it and swaps it in (see
-- SCORE_TABLES in trending.ts, which must create them exactly as here): no primary keys, only
-- the rank indexes reads use. Text in the C collation: byte order sorts several times faster, and
-- these columns are only matched exactly.
-- One row per time range per eligible track (a score of 0 included).
create table trending_track_scores (
  time_range text collate "C" not null,
  track_id bigint not null,
  genre text collate "C" not null,
  score double precision not null
);
create index trending_track_scores_rank on trending_track_scores (time_range, score desc, track_id desc);
create index trending_track_scores_genre_rank
  on trending_track_scores (time_range, genre, score desc, track_id desc);

create table underground_trending_scores (
  track_id bigint not null,
  score double precision not null
);
create index underground_trending_scores_rank on underground_trending_scores (score desc, track_id desc);

create table trending_playlist_scores (
  time_range text collate "C" not null,
  playlist_id bigint not null,
  score double precision not null
);
create index trending_playlist_scores_rank
  on trending_playlist_scores (time_range, score desc, playlist_id desc);

-- One row once the scores have been computed: the instant they are as of.
create table trending_state (
  singleton boolean primary key default true check (singleton),
  computed_at timestamptz not null
);
