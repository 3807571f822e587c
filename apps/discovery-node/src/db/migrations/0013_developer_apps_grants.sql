-- Developer apps and grants (docs/design.md §6), from EntityManager's DeveloperApp and Grant
-- actions. Both are in the state digest (db/stateDigest.ts).

-- An app: its own key's address (lower-case 0x, its api_key) and its owning user. A deleted app
-- keeps its row (is_deleted), so its address is never registered again.
create table developer_apps (
  address text primary key,
  user_id bigint not null references users (user_id),
  name text not null,
  description text,
  image_url text,
  redirect_uris jsonb not null,
  is_deleted boolean not null default false,
  created_block bigint not null,
  created_at timestamptz not null,
  updated_block bigint not null,
  updated_at timestamptz not null,
  tx_hash text not null
);
create index developer_apps_user on developer_apps (user_id, created_block);

-- A user's authorization of a grantee wallet (an app's address, or a manager user's wallet) to act
-- for it. One row per (user, grantee): a revoked grant keeps its row until granted again.
-- is_approved: true for an app grant or an approved manager grant, null while a manager grant
-- waits for the manager, false when the manager rejected it.
create table grants (
  user_id bigint not null references users (user_id),
  grantee_address text not null,
  is_approved boolean,
  is_revoked boolean not null default false,
  created_block bigint not null,
  created_at timestamptz not null,
  updated_block bigint not null,
  updated_at timestamptz not null,
  tx_hash text not null,
  primary key (user_id, grantee_address)
);
create index grants_grantee on grants (grantee_address);
