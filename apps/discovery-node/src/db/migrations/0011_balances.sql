-- Wallets' DGCO balances (docs/design.md §9), summed from DgcoToken's Transfer logs on the eth
-- chain by indexer/sources/dgcoBalances.ts at its own checkpoint: mints credit the recipient,
-- burns debit the sender. In the state digest, so two nodes and a reindex agree.
create table wallet_balances (
  -- lower-case 0x address
  wallet text primary key,
  -- DGCO wei; a wallet that held DGCO and spent it all keeps its row at 0. Never below 0, which
  -- the source checks itself: a check constraint here would refuse the negative delta a debit
  -- proposes in its insert before the conflict turns it into an update.
  balance numeric(78, 0) not null,
  -- the eth block of the last transfer that moved it
  updated_block bigint not null
);
