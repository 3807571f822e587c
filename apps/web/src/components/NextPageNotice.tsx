// A line said on the page a navigation leads to, for what happened on the page it left: a delete
// lands on the profile or the library, where the deleted item is simply gone, so the new page
// says "Deleted …". One notice at a time, shown once, and only if the new page came soon.
import { useState } from 'react';

/** A notice older than this is dropped: its navigation never came. */
const FRESH_MS = 10_000;

let pending: { text: string; path: string; at: number } | undefined;

/** Says `text` on the page at `path` when it is the next one shown (call before navigating). */
export function sayOnPage(path: string, text: string): void {
  pending = { text, path, at: Date.now() };
}

/**
 * The notice for `path`, if one is waiting and fresh. It is said on that page only: the next
 * page shown drops it (reading it twice for one page, as React's strict mode does, is the same).
 */
function noticeFor(path: string): string | undefined {
  const notice = pending;
  if (!notice) return undefined;
  if (notice.path !== path || Date.now() - notice.at > FRESH_MS) {
    pending = undefined;
    return undefined;
  }
  return notice.text;
}

/** The waiting notice for the page at `path`, as a status line; mount it keyed by the path. */
export function NextPageNotice({ path }: { path: string }) {
  const [text] = useState(() => noticeFor(path));
  if (!text) return null;
  return (
    <p role="status" aria-live="polite" className="form-status next-page-notice">
      {text}
    </p>
  );
}
