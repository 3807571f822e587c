-- The most popular visible tracks of each common title word, for track search. A word in tens of
-- thousands of titles ("love", "sunset") cannot have all its titles ranked per query, and the
-- word index hands them over in storage order (the oldest first), not by popularity: a search for
-- "sunset" on a million tracks ranked 400 old, little-played ones and missed the popular ones.
-- Search now also takes the top of each query word's list here. Derived from the tracks and
-- their counts, rebuilt with search_words (refreshSearchWords): a track's place may lag by one
-- refresh. Only words in more titles than a list holds are listed; a rarer word's titles are all
-- reached through the word index.
create table search_word_tracks (
  word text not null,
  rank integer not null,
  track_id bigint not null,
  primary key (word, rank)
);
