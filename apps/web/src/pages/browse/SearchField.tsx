import { useEffect, useRef, useState } from 'react';

/** How long typing must pause before a search runs: one request per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 250;

/**
 * The search box: reports what is typed once typing pauses, and takes on a query that changes
 * from outside (back/forward) without losing what is being typed.
 */
export function SearchField({
  value,
  onSearch,
  delay = SEARCH_DEBOUNCE_MS,
}: {
  /** The query in force (the URL's). */
  value: string;
  onSearch: (query: string) => void;
  delay?: number;
}) {
  const [text, setText] = useState(value);
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text === sent.current) return;
    const timer = setTimeout(() => {
      // Enter may have sent it already.
      if (text === sent.current) return;
      sent.current = text;
      onSearch(text);
    }, delay);
    return () => clearTimeout(timer);
  }, [text, delay, onSearch]);
  return (
    <form
      role="search"
      className="search-form"
      onSubmit={(e) => {
        e.preventDefault();
        sent.current = text;
        onSearch(text);
      }}
    >
      <label htmlFor="search-input" className="visually-hidden">
        Search
      </label>
      <input
        id="search-input"
        type="search"
        role="searchbox"
        placeholder="Tracks, landlords, playlists"
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
        // The page is for searching: the box takes the focus as it opens.
        autoFocus
      />
    </form>
  );
}
