-- The tracks listeners do not see: unlisted ones, and ones with a release date (scheduled until
-- it passes). A user's track_count is read as the indexed count (aggregate_user, every undeleted
-- track) less those of them that are unlisted or not yet released at read time (core/catalog.ts),
-- so a scheduled track counts from its release date on with no indexer write. Most tracks have
-- neither flag, so this index holds few rows and the count reads a handful per user.
create index tracks_owner_hidden on tracks (owner_id, release_date)
  where not is_deleted and (is_unlisted or release_date is not null);
