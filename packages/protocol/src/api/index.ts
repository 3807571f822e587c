// The API v1 wire models, each a JSON schema (TypeBox) and its TypeScript type: the discovery
// node's route schemas and OpenAPI document, the SDK's types and the SDK's test nodes derive
// from these. snake_case keys, ids as hashids, as Audius clients expect.
export {
  Access,
  BackdropImage,
  FolloweeFavorite,
  FolloweeRepost,
  HashId,
  SquareImage,
  UrlWithMirrors,
} from './parts.js';
export * from './user.js';
export * from './track.js';
export * from './playlist.js';
export * from './activity.js';
export * from './plays.js';
export * from './envelope.js';
export * from './developerApp.js';
export * from './full.js';
