-- Play counts kept beside the plays they count. A track's play count was `count(*)` over its rows
-- in `plays` on every read: free while the table is empty, but a hit track will have millions of
-- plays, and a read must not scan without bound (GET /v1/tracks/{id}, a playlist's total, a
-- landlord's tracks sorted by plays). A trigger keeps the count exact in the same transaction as
-- the rows, whoever writes them (the play log indexer, a test, a repair). Derived from `plays`,
-- which is in the state digest (since migration 0009), so the counts are not digested again.
create table aggregate_plays (
  track_id bigint primary key,
  play_count bigint not null default 0
);

insert into aggregate_plays (track_id, play_count)
select track_id, count(*) from plays group by track_id;

create function aggregate_plays_count() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into aggregate_plays as a (track_id, play_count)
    select track_id, count(*) from new_rows group by track_id
    on conflict (track_id) do update set play_count = a.play_count + excluded.play_count;
  elsif tg_op = 'DELETE' then
    update aggregate_plays a set play_count = a.play_count - d.n
    from (select track_id, count(*) as n from old_rows group by track_id) d
    where a.track_id = d.track_id;
  else -- UPDATE: a play may have moved to another track
    update aggregate_plays a set play_count = a.play_count - d.n
    from (select track_id, count(*) as n from old_rows group by track_id) d
    where a.track_id = d.track_id;
    insert into aggregate_plays as a (track_id, play_count)
    select track_id, count(*) from new_rows group by track_id
    on conflict (track_id) do update set play_count = a.play_count + excluded.play_count;
  end if;
  return null;
end $$;

create trigger plays_count_insert after insert on plays
  referencing new table as new_rows for each statement execute function aggregate_plays_count();
create trigger plays_count_delete after delete on plays
  referencing old table as old_rows for each statement execute function aggregate_plays_count();
create trigger plays_count_update after update on plays
  referencing old table as old_rows new table as new_rows
  for each statement execute function aggregate_plays_count();
-- TRUNCATE skips row triggers: it empties the counts with the rows.
create function aggregate_plays_truncate() returns trigger language plpgsql as $$
begin
  delete from aggregate_plays;
  return null;
end $$;
create trigger plays_count_truncate after truncate on plays
  for each statement execute function aggregate_plays_truncate();
