import { Component, type ErrorInfo, type ReactNode } from 'react';

type Props = { children: ReactNode };
type State = { error: unknown };

/**
 * Keeps a page's failure to the page: a chunk that no longer loads (a redeploy, a dropped
 * connection) or a render error shows a message with a reload, while the navigation and the
 * player bar (and the music) go on. Keyed by path, so another page starts clean.
 */
export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <h1>This page could not be shown</h1>
        <p>It may have been updated since you opened Coliving. Reloading fetches the new one.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
