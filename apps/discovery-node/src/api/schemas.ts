// The route schemas of API v1, derived from the models in @coliving/protocol (src/api/): the
// OpenAPI document is generated from them, and tests check every response against them.
import {
  AuthorizedApp,
  DeveloperApp,
  EnvelopeFields,
  ManagedUser,
  UserManager,
  Favorite,
  HashId,
  ListenCountsMonthly,
  Playlist,
  PlaylistFull,
  Repost,
  TopListener,
  Track,
  TrackActivity,
  TrackFull,
  User,
  UserFull,
} from '@coliving/protocol';
import type { FastifyInstance } from 'fastify';

/** A JSON schema as fastify and the OpenAPI document take it. */
export type JsonSchema = Record<string, unknown>;
/** A model registered under its `$id`, which routes `$ref` as `Track#`. */
export type JsonModel = JsonSchema & {
  $id: string;
  required: string[];
  properties: Record<string, JsonSchema>;
};

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `schema` as plain JSON: models nested in it (those with an `$id`) become `$ref`s, so each is
 * written once in the document, and `T | null` is written `type: [t, "null"]`, as OpenAPI 3.1 and
 * Ajv read it. TypeBox's symbol keys are left behind.
 */
function toJson(schema: unknown, nested: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJson(s, true));
  if (!isSchema(schema)) return schema;
  if (nested && typeof schema.$id === 'string') return { $ref: `${schema.$id}#` };
  const [value, empty, ...more] = Array.isArray(schema.anyOf) ? (schema.anyOf as unknown[]) : [];
  const nullable =
    more.length === 0 &&
    isSchema(value) &&
    isSchema(empty) &&
    empty.type === 'null' &&
    typeof value.type === 'string' &&
    value.$id === undefined;
  if (nullable) {
    const rest = Object.entries(schema).filter(([key]) => key !== 'anyOf');
    const nonNull = toJson(value, true) as JsonSchema;
    return { ...Object.fromEntries(rest), ...nonNull, type: [value.type, 'null'] };
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, toJson(value, true)]),
  );
}

function jsonOf(schema: object): JsonSchema {
  return toJson(schema, false) as JsonSchema;
}

const listOf = (model: object) => jsonOf({ type: 'array', items: model });

export const userSchema = jsonOf(User) as JsonModel;
export const trackSchema = jsonOf(Track) as JsonModel;
export const playlistSchema = jsonOf(Playlist) as JsonModel;
/** The full models of `/v1/full/...` (api/full.ts). */
export const userFullSchema = jsonOf(UserFull) as JsonModel;
export const trackFullSchema = jsonOf(TrackFull) as JsonModel;
export const playlistFullSchema = jsonOf(PlaylistFull) as JsonModel;

export const trackList = listOf(Track);
export const userList = listOf(User);
export const playlistList = listOf(Playlist);
export const repostList = listOf(Repost);
export const favoriteList = listOf(Favorite);
export const hashId = jsonOf(HashId);
export const topListenerList = listOf(TopListener);
export const trackActivityList = listOf(TrackActivity);
export const listenCountsMonthly = jsonOf(ListenCountsMonthly);
export const developerApp = jsonOf(DeveloperApp);
export const developerAppList = listOf(DeveloperApp);
export const authorizedAppList = listOf(AuthorizedApp);
export const userManagerList = listOf(UserManager);
export const managedUserList = listOf(ManagedUser);

const envelopeFields = jsonOf(EnvelopeFields) as { required: string[]; properties: JsonSchema };

/**
 * A response body `{"data": …}` in the API v1 envelope. Its keys' order is the order fastify's
 * serializer writes them in, for the few routes whose answers it serializes.
 */
export function dataOf(data: unknown) {
  return {
    type: 'object',
    required: ['data', ...envelopeFields.required],
    properties: { data, ...envelopeFields.properties },
  };
}

/**
 * Adds the model schemas so routes can `$ref` them (`Track#`, `User#`, `Playlist#`, and the full
 * ones `TrackFull#`, `UserFull#`, `PlaylistFull#`).
 */
export function registerModelSchemas(app: FastifyInstance): void {
  for (const schema of [
    userSchema,
    trackSchema,
    playlistSchema,
    userFullSchema,
    trackFullSchema,
    playlistFullSchema,
  ])
    app.addSchema(schema);
}
