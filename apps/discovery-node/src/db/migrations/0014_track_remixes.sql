-- A track's remixes (`GET /v1/tracks/{id}/remixes`): the tracks whose metadata names it in
-- remix_of.tracks[].parent_track_id, found with `@>` through this index rather than a scan of every
-- track. Few tracks are remixes; deleted ones are never listed.
create index tracks_remix_parents on tracks
  using gin ((metadata -> 'remix_of' -> 'tracks') jsonb_path_ops)
  where not is_deleted;
