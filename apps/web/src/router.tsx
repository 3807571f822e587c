import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
  useEffect,
  useSyncExternalStore,
} from 'react';

// A small history router: the app has a dozen routes and needs no more than this.

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/**
 * Goes to `to` (a path with an optional query) without reloading. `state` rides on the history
 * entry (`window.history.state`), e.g. the list a track page was opened from.
 */
export function navigate(
  to: string,
  { replace = false, state = null }: { replace?: boolean; state?: unknown } = {},
): void {
  if (to === snapshot()) return;
  if (replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  for (const listener of listeners) listener();
  if (!replace) window.scrollTo(0, 0);
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot, () => '/');
  const url = new URL(href, 'http://x');
  let path = url.pathname;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // A malformed escape (`/50%off`) is matched as typed, and ends on the not-found page.
  }
  return { path, query: url.searchParams };
}

export type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & {
  to: string;
  children: ReactNode;
  /** History state for the in-app navigation (see `navigate`), made at the click. */
  state?: () => unknown;
};

/** An <a> that navigates in-app on a plain left click and behaves as a link otherwise. */
export function Link({ to, children, onClick, state, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to, { state: state?.() ?? null });
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/** Sets the document title for the page being shown. */
export function useTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} · Coliving` : 'Coliving';
  }, [title]);
}
