// @coliving/contracts: the typed ABIs and bytecode of Coliving's contracts (built from
// contracts/*.sol by src/build/compileContracts.ts) and the constants clients need with them.
import { stringToHex } from 'viem';

export * from './generated/index.js';

/** Service types as NodeRegistry and ServiceTypeManager know them (bytes32 of the name). */
export const ServiceType = {
  contentNode: stringToHex('content-node', { size: 32 }),
  discoveryNode: stringToHex('discovery-node', { size: 32 }),
} as const;
export type ServiceTypeName = keyof typeof ServiceType;

/** Governance.Outcome, in declaration order. */
export const ProposalOutcome = {
  InProgress: 0,
  Rejected: 1,
  ApprovedExecuted: 2,
  QuorumNotMet: 3,
  ApprovedExecutionFailed: 4,
  Vetoed: 5,
} as const;

/** Governance.Vote, in declaration order. */
export const VoteChoice = { None: 0, No: 1, Yes: 2 } as const;
