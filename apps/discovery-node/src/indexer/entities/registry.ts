// The one table of entity types the indexer applies. A new entity type is its module (its tables,
// what it needs loaded, its actions) and one entry here.
import type { EntityType } from '@coliving/protocol';
import type { TableSpec } from '../batchTables.js';
import type { EntityHandler } from './entityHandler.js';
import { developerAppHandler } from './developerApp.js';
import { grantHandler } from './grant.js';
import { playlistHandler } from './playlist.js';
import { trackHandler } from './track.js';
import { userHandler } from './user.js';

/** Every entity type, by the name ManageEntity events carry. */
export const ENTITY_HANDLERS: Readonly<Record<EntityType, EntityHandler>> = {
  User: userHandler,
  Track: trackHandler,
  Playlist: playlistHandler,
  DeveloperApp: developerAppHandler,
  Grant: grantHandler,
};

/** Every table the entity types declare, once each, in the order they declare them. */
export const ENTITY_TABLES: readonly TableSpec[] = [
  ...new Set(Object.values(ENTITY_HANDLERS).flatMap((handler) => handler.tables)),
];
