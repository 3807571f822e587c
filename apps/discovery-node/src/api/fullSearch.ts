// `GET /v1/full/search/full` and `/v1/full/search/autocomplete` (Audius's `search_model`): users,
// tracks, playlists and albums matching a query, as full models, from the same searches as
// `/v1/{users,tracks,playlists}/search`. Playlists come without their tracks, as Audius's
// `playlist_full_without_tracks`. Both routes answer the same (docs/api-v1.md "Full models").
import type { FastifyInstance } from 'fastify';
import { GENRES, MOODS } from '@coliving/protocol';
import { searchPlaylists, searchTracks, searchUsers } from '../core/search.js';
import { respond } from './answer/respond.js';
import { type ApiComponents, pageParams, query, userIdParam, viewerOf } from './common.js';
import { presentPlaylists, presentTracks, presentUsers } from './present.js';
import { dataOf } from './schemas.js';
import { SEARCH_SORTS } from './tracks.js';

export const SEARCH_KINDS = ['all', 'users', 'tracks', 'playlists', 'albums'] as const;
type Kind = (typeof SEARCH_KINDS)[number];

type SearchQuery = {
  query: string;
  kind: Kind;
  limit: number;
  offset: number;
  user_id?: string;
  genre?: string[];
  mood?: string[];
  sort_method?: (typeof SEARCH_SORTS)[number];
};

const listOf = (ref: string) => ({ type: 'array', items: { $ref: ref } }) as const;
const stringList = (items: readonly string[]) =>
  ({ type: 'array', items: { type: 'string', enum: items }, maxItems: 20 }) as const;

/** The answer: Audius's `search_model` (its optional saved_* and followed_users left out). */
const searchModel = {
  type: 'object',
  required: ['users', 'tracks', 'playlists', 'albums'],
  properties: {
    users: listOf('UserFull#'),
    tracks: listOf('TrackFull#'),
    playlists: listOf('PlaylistFull#'),
    albums: listOf('PlaylistFull#'),
  },
} as const;

/** Registers `/v1/full/search/full` and `/v1/full/search/autocomplete`. */
export function registerFullSearchRoutes(app: FastifyInstance, components: ApiComponents): void {
  const full: ApiComponents = { ...components, full: true };
  const { db } = components;
  for (const route of ['full', 'autocomplete'] as const) {
    app.get<{ Querystring: SearchQuery }>(
      `/v1/full/search/${route}`,
      {
        schema: {
          summary:
            route === 'full'
              ? 'Search users, tracks, playlists and albums (full models)'
              : 'Search users, tracks, playlists and albums as one types (full models)',
          tags: ['search'],
          querystring: query(
            {
              ...pageParams,
              ...userIdParam,
              query: { type: 'string', minLength: 1, maxLength: 200 },
              kind: { type: 'string', enum: SEARCH_KINDS, default: 'all' },
              genre: stringList(GENRES),
              mood: stringList(MOODS),
              sort_method: { type: 'string', enum: SEARCH_SORTS },
              includePurchaseable: { type: 'boolean' },
            },
            ['query'],
          ),
          response: { 200: dataOf(searchModel) },
        },
      },
      async function serveFullSearch(request, reply) {
        const q = request.query;
        const viewerId = viewerOf(q);
        const wants = (kind: Kind) => q.kind === 'all' || q.kind === kind;
        const params = {
          query: q.query,
          ...(q.sort_method ? { sortMethod: q.sort_method } : {}),
          limit: q.limit,
          offset: q.offset,
        };
        return respond(components, request, reply, async () => {
          const [users, tracks, playlists, albums] = await Promise.all([
            wants('users') ? searchUsers(db, params) : [],
            wants('tracks')
              ? searchTracks(
                  db,
                  {
                    ...params,
                    ...(q.genre ? { genres: q.genre } : {}),
                    ...(q.mood ? { moods: q.mood } : {}),
                  },
                  components.trackSearch,
                )
              : [],
            wants('playlists') ? searchPlaylists(db, { ...params, albums: false }) : [],
            wants('albums') ? searchPlaylists(db, { ...params, albums: true }) : [],
          ]);
          return {
            users: await presentUsers(full, users, viewerId),
            tracks: await presentTracks(full, tracks, viewerId),
            playlists: await presentPlaylists(full, playlists, viewerId, undefined, false),
            albums: await presentPlaylists(full, albums, viewerId, undefined, false),
          };
        });
      },
    );
  }
}
