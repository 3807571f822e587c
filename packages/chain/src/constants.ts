/** Chain ids of the two local devnet chains: they differ so a signature for one never verifies on the other. */
export const DEVNET_ETH_CHAIN_ID = 31337;
export const DEVNET_DATA_CHAIN_ID = 31338;

/** The well-known development mnemonic; its accounts are funded on every devchain. Never use it for value. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
/** Dev accounts funded at genesis, each with 10,000 ETH. */
export const DEV_ACCOUNT_COUNT = 20;
export const DEV_ACCOUNT_BALANCE = 10_000n * 10n ** 18n;

/** A block gas limit like mainnet's: large enough for a few hundred EntityManager actions per block. */
export const DEVCHAIN_BLOCK_GAS_LIMIT = 60_000_000;

const DGCO = 10n ** 18n;

/** Protocol parameters (docs/design.md §4, facts from Audius's deployment). Governance can change them. */
export const DEFAULT_PARAMS = {
  decreaseStakeLockupBlocks: 46_523n,
  deployerCutLockupBlocks: 46_523n,
  undelegateLockupBlocks: 46_523n,
  minDelegation: 100n * DGCO,
  maxDelegators: 175n,
  fundingRoundBlocks: 46_523n,
  /** 1,342,465.75 DGCO per round. */
  fundingAmount: 134_246_575n * 10n ** 16n,
  votingPeriodBlocks: 13_292n,
  executionDelayBlocks: 6_646n,
  quorumPercent: 5n,
  maxInProgressProposals: 100n,
  /** The most one proposal may move out of the Governance treasury (or mint): 1,000,000 DGCO. */
  maxTreasuryOutflow: 1_000_000n * DGCO,
  /** Stake needed to submit a proposal, so proposal slots cannot be spammed: 100,000 DGCO. */
  minProposerStake: 100_000n * DGCO,
} as const;
export type ProtocolParams = { [K in keyof typeof DEFAULT_PARAMS]: bigint };
