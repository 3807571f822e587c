-- What the API's read paths need: permalink slugs, and indexes that let every list route read
-- one page (newest first) without scanning or sorting everything before it.

-- A title as a URL slug: accents folded, lower-case ASCII letters and digits joined by "-".
create function coliving_slug(title text) returns text
language sql immutable strict parallel safe as $$
  select coalesce(
    nullif(trim(both '-' from regexp_replace(lower(translate(title,
      'ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćČčĎďÈÉÊËèéêëĒēĖėĘęĚěÌÍÎÏìíîïĪīĮįŁłÑñŃńŇňÒÓÔÕÖØòóôõöøŌōŐőŔŕŘřŚśŠšŞşŤťÙÚÛÜùúûüŪūŮůŰűÝýÿŸŹźŻżŽž',
      'AAAAAAaaaaaaAaAaAaCcCcCcDdEEEEeeeeEeEeEeEeIIIIiiiiIiIiLlNnNnNnOOOOOOooooooOoOoRrRrSsSsSsTtUUUUuuuuUuUuUuYyyYZzZzZz')),
      '[^a-z0-9]+', '-', 'g')), ''),
    'untitled')
$$;

create index tracks_owner_slug on tracks (owner_id, coliving_slug(title), track_id);
create index tracks_owner_created on tracks (owner_id, created_at desc, track_id desc);
create index playlists_owner_slug
  on playlists (owner_id, is_album, coliving_slug(playlist_name), playlist_id);
create index playlists_owner_created
  on playlists (owner_id, is_album, created_block desc, playlist_id desc);

create index follows_followee_recent on follows (followee_id, created_block desc, follower_id desc);
create index follows_follower_recent on follows (follower_id, created_block desc, followee_id desc);
create index saves_item_recent on saves (item_type, item_id, created_block desc, user_id desc);
create index reposts_item_recent on reposts (item_type, item_id, created_block desc, user_id desc);
create index saves_user_recent on saves (user_id, created_block desc);
create index reposts_user_recent on reposts (user_id, created_block desc);
