-- Track search by words instead of trigrams over every title. A trigram scan of a million titles
-- reads posting lists that hold most of the table (common trigrams like "  s" are in nearly every
-- title), so a typo cost hundreds of milliseconds. Now a query's words are looked up in a small
-- dictionary of the words titles use (search_words, refreshed periodically from the titles),
-- where trigrams find the likely spellings of a typo; the titles are then found through their
-- word index (tracks_search_words), which reads only the posting lists of those words.

create table search_words (
  word text primary key,
  -- how many visible titles use the word: among equally close spellings, the common one wins
  ndoc integer not null
);
create index search_words_trgm on search_words using gin (word gin_trgm_ops);

create index tracks_search_tag_words
  on tracks using gin (to_tsvector('simple', search_fold(metadata ->> 'tags')))
  where not is_deleted and not is_unlisted and metadata ->> 'tags' <> '';
create index users_search_name_words on users using gin (to_tsvector('simple', search_fold(name)))
  where not is_deactivated;

-- Replaced by the word indexes above.
drop index tracks_search_title;
drop index tracks_search_tags;

-- "is the last word of the query the start of a known word?" (a word still being typed)
create index search_words_prefix on search_words (word text_pattern_ops);
