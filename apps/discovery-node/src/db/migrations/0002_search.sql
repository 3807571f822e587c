-- Search (core/search.ts): trigram indexes over accent-folded, lower-cased text. Everything here is
-- derived by the database from the base tables, so rows written by any means (the indexer, a bulk
-- COPY) are searchable at once. No column is added: the state digest hashes whole rows, and search
-- keys are this node's business, not the chain's, so they live in expression indexes only.

create extension if not exists pg_trgm;

-- Lower case with accents folded (Beyoncé -> beyonce, Straße -> strasse); combining marks are
-- dropped. unaccent() cannot be indexed (it is only STABLE: its rules file can change), so this is
-- translate() over Latin letters, which is immutable and, being plain SQL, is inlined by the
-- planner: cheap on every row an index recheck reads.
create function search_fold(value text) returns text
  language sql immutable strict parallel safe
  return case
    -- ASCII needs no folding, and most text is ASCII: skip the letter-by-letter translate
    when octet_length(value) = char_length(value) then lower(value)
    else lower(
      replace(replace(replace(replace(replace(replace(replace(
        translate(
          value,
          'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳØøĐđĦħŁłıŦŧÐð̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡',
          'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzsOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyOoDdHhLliTtDd'
        ),
        'ß', 'ss'), 'Æ', 'AE'), 'æ', 'ae'), 'Œ', 'OE'), 'œ', 'oe'), 'Þ', 'TH'), 'þ', 'th')
    )
  end;

-- Each search finds candidates through these indexes, each probe bounded, then ranks them. The
-- predicates are the visibility rules a search applies, so hidden rows cost no index space.
create index tracks_search_title on tracks using gin (search_fold(title) gin_trgm_ops)
  where not is_deleted and not is_unlisted;
-- whole words, exact: a rare word's index entries are few however large the table
create index tracks_search_words on tracks using gin (to_tsvector('simple', search_fold(title)))
  where not is_deleted and not is_unlisted;
-- titles that start with the query (and one-letter queries, which have no whole trigram)
create index tracks_search_title_prefix on tracks (search_fold(title) text_pattern_ops)
  where not is_deleted and not is_unlisted;
create index tracks_search_tags on tracks using gin (search_fold(metadata ->> 'tags') gin_trgm_ops)
  where not is_deleted and not is_unlisted and metadata ->> 'tags' <> '';

create index users_search_handle on users using gin (search_fold(handle) gin_trgm_ops)
  where not is_deactivated;
create index users_search_name on users using gin (search_fold(name) gin_trgm_ops)
  where not is_deactivated;
create index users_search_handle_prefix on users (search_fold(handle) text_pattern_ops)
  where not is_deactivated;

create index playlists_search_name on playlists using gin (search_fold(playlist_name) gin_trgm_ops)
  where not is_deleted and not is_private;
create index playlists_search_name_prefix on playlists (search_fold(playlist_name) text_pattern_ops)
  where not is_deleted and not is_private;

-- "popular" ordering and the popularity term of the ranking read these by primary key, so no
-- further index is needed. Plays (migration 0003) will join the same way.
