// What one indexing transaction changed, as the indexer reports it and the views kept in memory
// (kept track JSON, the track search index) consume it. It lives in core so that both the
// indexer and the API can name it without importing each other.

/** The entities a transaction changed, in their rows or in their counts, by id. */
export type EntityChanges = {
  users: ReadonlySet<number>;
  tracks: ReadonlySet<number>;
  playlists: ReadonlySet<number>;
};

/** The kinds of entity a change report names. */
export type ChangedKind = keyof EntityChanges;
