import { useSession } from '../../session.js';

/** Who is looking at a page, as far as reads (viewer flags) and writes (actions) go. */
export type Viewer =
  | { kind: 'loading'; userId?: undefined }
  | { kind: 'anonymous'; userId?: undefined }
  /** Logged in with a wallet that has no profile yet: may read, must sign up to act. */
  | { kind: 'no-profile'; userId?: undefined }
  | { kind: 'user'; userId: string; handle: string };

/** The viewer from the session. */
export function useViewer(): Viewer {
  const session = useSession();
  if (session.status === 'loading') return { kind: 'loading' };
  if (session.status === 'anonymous') return { kind: 'anonymous' };
  if (!session.user) return { kind: 'no-profile' };
  return { kind: 'user', userId: session.user.id, handle: session.user.handle };
}

/**
 * For a read that carries the viewer: while the session is still loading, a promise that only
 * ends when the read is aborted (the viewer becoming known re-runs it), so flags are not read
 * twice; null once the viewer is known.
 */
export function untilKnown(viewer: Viewer, signal: AbortSignal): Promise<never> | null {
  if (viewer.kind !== 'loading') return null;
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error));
  });
}
