-- Plays from the data chain's PlayLog (indexer/sources/playLog.ts, docs/design.md §11). Until now
-- `plays` was written only by test fixtures (nothing on a live node filled it), so it is made
-- again in the shape the play log decides: keyed by the play's own 16-byte id (a batch sent twice
-- counts once), with where on the chain it was counted. Both tables are in the state digest.
drop table plays;
-- Dropping the table dropped its triggers but not the counts they kept.
delete from aggregate_plays;

-- One counted listen.
create table plays (
  play_id bytea primary key,
  track_id bigint not null,
  -- null for an anonymous listener
  user_id bigint,
  -- the listen's time, as the serving content node stated it
  created_at timestamptz not null,
  block_number bigint not null,
  log_index integer not null,
  -- the content node that submitted it
  node_id bigint not null
);
create index plays_track on plays (track_id, created_at);
-- The per-(track, user) limits read a batch's listeners' recent plays (and a user's history reads
-- them too).
create index plays_user on plays (user_id, track_id, created_at);

-- The counts in aggregate_plays follow the rows, as before (migration 0007).
create trigger plays_count_insert after insert on plays
  referencing new table as new_rows for each statement execute function aggregate_plays_count();
create trigger plays_count_delete after delete on plays
  referencing old table as old_rows for each statement execute function aggregate_plays_count();
create trigger plays_count_update after update on plays
  referencing old table as old_rows new table as new_rows
  for each statement execute function aggregate_plays_count();
create trigger plays_count_truncate after truncate on plays
  for each statement execute function aggregate_plays_truncate();

-- A batch or a play the play log carried that counts nowhere, and why (a stable code).
create table skipped_plays (
  block_number bigint not null,
  log_index integer not null,
  -- the play's place in its batch; -1 when the whole batch was skipped
  play_index integer not null,
  -- null when the whole batch was skipped
  play_id bytea,
  reason_code text not null,
  reason text not null,
  primary key (block_number, log_index, play_index)
);
