import type { ReactNode } from 'react';
import { describeRefusal } from '@coliving/sdk';

/** A polite loading indicator for a region that is fetching. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </div>
  );
}

/** What a list shows when it has nothing in it. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** Says what went wrong in words and offers to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A sentence for any error the SDK (or the browser) throws. */
export function describeError(error: unknown): string {
  const e = error as {
    type?: string;
    message?: string;
    code?: string;
    retryAfterSeconds?: number;
  } | null;
  // A relay refusal or limit, in words (the node's own message names ids and wallets).
  const refusal = e ? describeRefusal(e) : undefined;
  if (refusal) return refusal;
  switch (e?.type) {
    case 'not_found':
      return 'We could not find that.';
    case 'no_healthy_node':
    case 'network':
    case 'timeout':
      return 'The network cannot be reached right now.';
    case 'wrong_credentials':
      return 'That email and password do not match an account.';
    case 'rate_limited':
      return 'Too many actions at once. Wait a moment and try again.';
    default:
      return e?.message ? e.message : 'Something went wrong.';
  }
}
