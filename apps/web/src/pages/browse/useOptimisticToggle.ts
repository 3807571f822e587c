import { useCallback, useEffect, useRef, useState } from 'react';

export type ToggleState = {
  on: boolean;
  count: number;
  /** A write is on its way (signing, relaying, waiting for the index). */
  pending: boolean;
  error: unknown;
  toggle: () => void;
};

/**
 * A favorite, repost or follow: shows the new state at once (a write takes seconds to be
 * indexed), then settles on what the network answers, or goes back and keeps the error.
 */
export function useOptimisticToggle(
  initialOn: boolean,
  initialCount: number,
  commit: (next: boolean) => Promise<{ on: boolean; count: number }>,
): ToggleState {
  const [state, setState] = useState({ on: initialOn, count: initialCount });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // A reload of the item (another viewer, a retry) is the new truth.
  useEffect(() => setState({ on: initialOn, count: initialCount }), [initialOn, initialCount]);

  const busy = useRef(false);
  const toggle = useCallback(() => {
    if (busy.current) return;
    busy.current = true;
    const before = state;
    const next = !before.on;
    setState({ on: next, count: Math.max(0, before.count + (next ? 1 : -1)) });
    setPending(true);
    setError(null);
    commit(next).then(
      (after) => {
        busy.current = false;
        if (!mounted.current) return;
        setState(after);
        setPending(false);
      },
      (failure: unknown) => {
        busy.current = false;
        if (!mounted.current) return;
        setState(before);
        setPending(false);
        setError(failure);
      },
    );
  }, [state, commit]);

  return { ...state, pending, error, toggle };
}
