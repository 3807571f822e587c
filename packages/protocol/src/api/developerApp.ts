// Developer apps and grants as API v1 serves them (docs/api-v1.md), in Audius's shapes:
// `GET /v1/developer_apps/{address}`, `/v1/users/{id}/developer_apps`, `/authorized_apps`,
// `/managers` and `/managed_users`.
import { type Static, Type } from '@sinclair/typebox';
import { HashId, Nullable } from './parts.js';
import { User } from './user.js';

/** A developer app: its address is its API key. */
export const DeveloperApp = Type.Object({
  address: Type.String(),
  user_id: HashId,
  name: Type.String(),
  description: Nullable(Type.String()),
  image_url: Nullable(Type.String()),
  redirect_uris: Type.Array(Type.String()),
});
export type DeveloperApp = Static<typeof DeveloperApp>;

/** An app a user authorized to act for it, with when the grant was made and last changed. */
export const AuthorizedApp = Type.Object({
  address: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  image_url: Nullable(Type.String()),
  grantor_user_id: HashId,
  grant_created_at: Type.String(),
  grant_updated_at: Type.String(),
});
export type AuthorizedApp = Static<typeof AuthorizedApp>;

/** A grant: `user_id` authorized `grantee_address`; `is_approved` null while a manager decides. */
export const Grant = Type.Object({
  grantee_address: Type.String(),
  user_id: HashId,
  is_revoked: Type.Boolean(),
  is_approved: Nullable(Type.Boolean()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Grant = Static<typeof Grant>;

/** One of a user's managers, with its grant (`GET /v1/users/{id}/managers`). */
export const UserManager = Type.Object({ manager: User, grant: Grant });
export type UserManager = Static<typeof UserManager>;

/** One user a user manages, with its grant (`GET /v1/users/{id}/managed_users`). */
export const ManagedUser = Type.Object({ user: User, grant: Grant });
export type ManagedUser = Static<typeof ManagedUser>;
