// `/v1/full/...`: the track, user and playlist routes again, answering Audius's full models
// (`TrackFull`, `UserFull`, `PlaylistFull`; docs/api-v1.md "Full models"). Each is the plain route's
// own handler, registered a second time under `/v1/full` with components whose `full` flag the
// presenters read (api/present.ts, api/responses.ts), and with a response schema naming the full
// models; so a full answer is the plain one with more keys, and bad input gets the same answers.
import type { FastifyInstance } from 'fastify';
import type { ApiComponents } from './common.js';
import { registerFullSearchRoutes } from './fullSearch.js';
import { registerPlaylistLookupRoutes } from './playlistLookups.js';
import { registerPlaylistRoutes } from './playlists.js';
import { registerTrackLookupRoutes } from './trackLookups.js';
import { registerTrackRoutes } from './tracks.js';
import { registerUserLookupRoutes } from './userLookups.js';
import { registerUserRoutes } from './users.js';

/** The plain routes that have a full twin (Audius's `full` namespace, where we serve the route). */
export const FULL_ROUTES: readonly string[] = [
  '/v1/tracks',
  '/v1/tracks/:id',
  '/v1/tracks/trending',
  '/v1/tracks/trending/underground',
  '/v1/tracks/search',
  '/v1/tracks/:id/favorites',
  '/v1/tracks/:id/reposts',
  '/v1/tracks/:id/remixes',
  '/v1/users',
  '/v1/users/search',
  '/v1/users/handle/:handle',
  '/v1/users/:id',
  '/v1/users/:id/tracks',
  '/v1/users/:id/playlists',
  '/v1/users/:id/albums',
  '/v1/users/:id/followers',
  '/v1/users/:id/following',
  '/v1/users/:id/reposts',
  '/v1/users/:id/related',
  '/v1/users/:id/mutuals',
  '/v1/playlists',
  '/v1/playlists/trending',
  '/v1/playlists/search',
  '/v1/playlists/by_permalink/:handle/:slug',
  '/v1/playlists/:id',
  '/v1/playlists/:id/tracks',
  '/v1/playlists/:id/favorites',
  '/v1/playlists/:id/reposts',
];

/** The full route of a plain one: `/v1/tracks/:id` → `/v1/full/tracks/:id`. */
export const fullPath = (path: string) => `/v1/full/${path.slice('/v1/'.length)}`;

const FULL_REFS: Record<string, string> = {
  'Track#': 'TrackFull#',
  'User#': 'UserFull#',
  'Playlist#': 'PlaylistFull#',
};

/** `schema` with every model it names by `$ref` replaced by the full one. */
function fullSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(fullSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? (FULL_REFS[value] ?? value) : fullSchema(value),
    ]),
  );
}

type RouteOptions = { schema?: Record<string, unknown> & { summary?: string; response?: unknown } };

function fullOptions(options: RouteOptions): RouteOptions {
  const schema = options.schema;
  if (!schema) return options;
  return {
    ...options,
    schema: {
      ...schema,
      ...(schema.summary ? { summary: `${schema.summary} (full models)` } : {}),
      ...(schema.response ? { response: fullSchema(schema.response) } : {}),
    },
  };
}

/**
 * `app` as the plain route modules see it, registering only the routes in FULL_ROUTES, under
 * `/v1/full`, with the full models' response schemas. `seen` collects what was registered.
 */
function fullRoutesOf(app: FastifyInstance, seen: Set<string>): FastifyInstance {
  const facade: FastifyInstance = new Proxy(app, {
    get(target, property) {
      if (property === 'get')
        return (path: string, options: RouteOptions, handler: unknown) => {
          if (FULL_ROUTES.includes(path)) {
            seen.add(path);
            (target.get as (p: string, o: RouteOptions, h: unknown) => unknown)(
              fullPath(path),
              fullOptions(options),
              handler,
            );
          }
          return facade;
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return facade;
}

/** Registers the `/v1/full/...` routes, search among them (api/fullSearch.ts); server.ts. */
export function registerFullRoutes(app: FastifyInstance, components: ApiComponents): void {
  const full: ApiComponents = { ...components, full: true };
  const seen = new Set<string>();
  const facade = fullRoutesOf(app, seen);
  registerTrackRoutes(facade, full);
  registerUserRoutes(facade, full);
  registerPlaylistRoutes(facade, full);
  registerPlaylistLookupRoutes(facade, full);
  registerUserLookupRoutes(facade, full);
  registerTrackLookupRoutes(facade, full);
  // A plain route renamed or gone must not leave its full twin silently missing.
  const missing = FULL_ROUTES.filter((path) => !seen.has(path));
  if (missing.length > 0) throw new Error(`No plain route for the full ${missing.join(', ')}`);
  registerFullSearchRoutes(app, components);
}
