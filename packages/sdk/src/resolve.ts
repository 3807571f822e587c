import { type SdkContext, withOwnerProof } from './context.js';
import { ColivingSdkError } from './errors.js';
import { buildUrl, requestJson } from './http.js';
import type { Envelope, Playlist, Track, User, Viewer } from './types.js';

export type ResolveReturnType =
  | { kind: 'user'; id: string; item: User }
  | { kind: 'track'; id: string; item: Track }
  | { kind: 'playlist'; id: string; item: Playlist };

const KINDS = { users: 'user', tracks: 'track', playlists: 'playlist' } as const;

/**
 * What a permalink (`/handle`, `/handle/slug`, `/handle/playlist/slug`, `/handle/album/slug`) or
 * a full app URL names. The node answers 302 to the item's API path, which fetch follows. With
 * `userId` (the current user) the item is read as they see it: their own private playlist or
 * scheduled track is found, and the current-user fields are filled in; without it, as anyone.
 */
export async function resolve(
  ctx: SdkContext,
  url: string,
  options: Viewer & { signal?: AbortSignal } = {},
): Promise<ResolveReturnType> {
  const query = await withOwnerProof(ctx, { url, user_id: options.userId });
  return ctx.discovery.read(async (endpoint, signal) => {
    const answer = await requestJson<Envelope<unknown>>(
      ctx.fetch,
      buildUrl(endpoint, '/v1/resolve', query),
      { signal },
    );
    const match = /\/v1\/(users|tracks|playlists)\/([^/?#]+)(?:[?#]|$)/.exec(answer.url);
    const data = answer.body.data;
    const kind = match ? KINDS[match[1] as keyof typeof KINDS] : kindOfShape(data);
    const item = (Array.isArray(data) ? data[0] : data) as { id?: unknown } | undefined;
    if (!kind || !item || typeof item.id !== 'string') {
      throw new ColivingSdkError('server', `The node resolved ${url} to something unknown`, {
        code: 'unknown_resolution',
      });
    }
    return { kind, id: item.id, item } as ResolveReturnType;
  }, options.signal);
}

/** The kind of an API item by its keys (when the final URL is not known). */
function kindOfShape(data: unknown): 'user' | 'track' | 'playlist' | undefined {
  const item = (Array.isArray(data) ? data[0] : data) as Record<string, unknown> | undefined;
  if (!item || typeof item !== 'object') return undefined;
  if ('playlist_name' in item) return 'playlist';
  if ('title' in item && 'track_segments' in item) return 'track';
  if ('handle' in item) return 'user';
  return undefined;
}
