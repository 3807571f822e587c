-- Slugs stored beside the titles they come from. coliving_slug (0004) costs about 0.2 ms a call
-- (translate over a long accent table, then a regex); a track read computed it up to three
-- times, which was most of the cost of GET /v1/tracks/{id}. As generated columns they are
-- computed once per write, stay a pure function of the title, and the permalink indexes compare
-- plain columns.

alter table tracks add column title_slug text generated always as (coliving_slug(title)) stored;
alter table playlists
  add column name_slug text generated always as (coliving_slug(playlist_name)) stored;

drop index tracks_owner_slug;
drop index playlists_owner_slug;
create index tracks_owner_slug on tracks (owner_id, title_slug, track_id);
create index playlists_owner_slug on playlists (owner_id, is_album, name_slug, playlist_id);
