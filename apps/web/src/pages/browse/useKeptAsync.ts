import { type DependencyList, useRef } from 'react';
import { type AsyncState, useAsync } from '../../components/useAsync.js';

/**
 * useAsync that keeps showing the last answer while a new one loads, for reads that run again
 * with the same subject (the viewer's profile arriving, a retry) so the page does not blank out.
 */
export function useKeptAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
): AsyncState<T> & { reload: () => void; refreshing: boolean } {
  const state = useAsync(load, deps);
  const last = useRef<{ data: T } | null>(null);
  if (state.status === 'ok') last.current = { data: state.data };
  if (state.status === 'loading' && last.current) {
    const reload = () => state.reload();
    return { status: 'ok', data: last.current.data, reload, refreshing: true };
  }
  return { ...state, refreshing: false };
}
