import {
  claimsManagerAbi,
  claimsManagerBytecode,
  delegateManagerAbi,
  delegateManagerBytecode,
  dgcoTokenAbi,
  dgcoTokenBytecode,
  entityManagerAbi,
  entityManagerBytecode,
  playLogAbi,
  playLogBytecode,
  governanceAbi,
  governanceBytecode,
  nodeRegistryAbi,
  nodeRegistryBytecode,
  paymentRouterAbi,
  paymentRouterBytecode,
  serviceTypeManagerAbi,
  serviceTypeManagerBytecode,
  stakingAbi,
  stakingBytecode,
} from '@coliving/contracts';
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  getAddress,
} from 'viem';
import { type ChainEndpoints, createChainClient, createChainWallet } from './clients.js';
import { DEFAULT_PARAMS, type ProtocolParams } from './constants.js';

export const ETH_CONTRACTS = [
  'Governance',
  'DgcoToken',
  'ServiceTypeManager',
  'Staking',
  'NodeRegistry',
  'DelegateManager',
  'ClaimsManager',
  'PaymentRouter',
] as const;
export type EthContractName = (typeof ETH_CONTRACTS)[number];
export const DATA_CONTRACTS = ['EntityManager', 'PlayLog'] as const;
export type DataContractName = (typeof DATA_CONTRACTS)[number];

/** Everything a node, client or tool needs to find Coliving on its chains. Plain JSON. */
export type DeploymentManifest = {
  chains: ChainEndpoints;
  contracts: { eth: Record<EthContractName, Address>; data: Record<DataContractName, Address> };
  deployBlocks: { eth: Record<EthContractName, number>; data: Record<DataContractName, number> };
  deployer: Address;
  treasury: Address;
  guardian: Address;
  /** The parameters deployed with, as decimal strings. */
  params: Record<keyof ProtocolParams, string>;
};

export type DeployAllParameters = {
  endpoints: ChainEndpoints;
  deployer: Account;
  /** Receives the initial 1,000,000,000 DGCO; the deployer by default (docs/design.md §4). */
  treasury?: Address;
  /** May veto proposals; the deployer by default. */
  guardian?: Address;
  params?: Partial<ProtocolParams>;
};

type Clients = {
  public: PublicClient<Transport, Chain>;
  wallet: WalletClient<Transport, Chain, Account>;
};

async function deploy(
  clients: Clients,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<{ address: Address; block: number }> {
  const hash = await clients.wallet.deployContract({ abi, bytecode, args });
  const receipt = await clients.public.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress)
    throw new Error(`deployment reverted (${hash})`);
  return { address: getAddress(receipt.contractAddress), block: Number(receipt.blockNumber) };
}

async function call(
  clients: Clients,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
): Promise<void> {
  const hash = await clients.wallet.writeContract({ address, abi, functionName, args });
  const receipt = await clients.public.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted (${hash})`);
}

/**
 * Deploys every Coliving contract (the eth-chain set and EntityManager on the data chain),
 * wires them with their one-time initializers, and returns the manifest.
 */
export async function deployAll({
  endpoints,
  deployer,
  treasury,
  guardian,
  params: overrides = {},
}: DeployAllParameters): Promise<DeploymentManifest> {
  const p: ProtocolParams = { ...DEFAULT_PARAMS, ...overrides };
  const eth: Clients = {
    public: createChainClient('eth', endpoints.eth),
    wallet: createChainWallet('eth', endpoints.eth, deployer),
  };
  const data: Clients = {
    public: createChainClient('data', endpoints.data),
    wallet: createChainWallet('data', endpoints.data, deployer),
  };
  const treasuryAddress = treasury ?? deployer.address;
  const guardianAddress = guardian ?? deployer.address;

  const governance = await deploy(eth, governanceAbi, governanceBytecode, [
    guardianAddress,
    p.votingPeriodBlocks,
    p.executionDelayBlocks,
    p.quorumPercent,
    p.maxInProgressProposals,
    p.maxTreasuryOutflow,
    p.minProposerStake,
  ]);
  const token = await deploy(eth, dgcoTokenAbi, dgcoTokenBytecode, [
    treasuryAddress,
    governance.address,
  ]);
  const serviceTypeManager = await deploy(eth, serviceTypeManagerAbi, serviceTypeManagerBytecode, [
    governance.address,
  ]);
  const staking = await deploy(eth, stakingAbi, stakingBytecode, [token.address]);
  const nodeRegistry = await deploy(eth, nodeRegistryAbi, nodeRegistryBytecode, [
    staking.address,
    serviceTypeManager.address,
    governance.address,
    p.decreaseStakeLockupBlocks,
    p.deployerCutLockupBlocks,
  ]);
  const delegateManager = await deploy(eth, delegateManagerAbi, delegateManagerBytecode, [
    staking.address,
    nodeRegistry.address,
    governance.address,
    p.minDelegation,
    p.maxDelegators,
    p.undelegateLockupBlocks,
  ]);
  const claimsManager = await deploy(eth, claimsManagerAbi, claimsManagerBytecode, [
    token.address,
    staking.address,
    nodeRegistry.address,
    governance.address,
    p.fundingRoundBlocks,
    p.fundingAmount,
  ]);
  const paymentRouter = await deploy(eth, paymentRouterAbi, paymentRouterBytecode, []);
  const entityManager = await deploy(data, entityManagerAbi, entityManagerBytecode, []);
  const playLog = await deploy(data, playLogAbi, playLogBytecode, []);

  await call(eth, token.address, dgcoTokenAbi, 'initialize', [[claimsManager.address]]);
  await call(eth, staking.address, stakingAbi, 'initialize', [
    nodeRegistry.address,
    delegateManager.address,
  ]);
  await call(eth, nodeRegistry.address, nodeRegistryAbi, 'initialize', [delegateManager.address]);
  await call(eth, delegateManager.address, delegateManagerAbi, 'initialize', [
    claimsManager.address,
  ]);
  await call(eth, claimsManager.address, claimsManagerAbi, 'initialize', [delegateManager.address]);
  await call(eth, governance.address, governanceAbi, 'initialize', [
    staking.address,
    token.address,
    [
      token.address,
      serviceTypeManager.address,
      nodeRegistry.address,
      delegateManager.address,
      claimsManager.address,
    ],
  ]);

  const deployed = {
    Governance: governance,
    DgcoToken: token,
    ServiceTypeManager: serviceTypeManager,
    Staking: staking,
    NodeRegistry: nodeRegistry,
    DelegateManager: delegateManager,
    ClaimsManager: claimsManager,
    PaymentRouter: paymentRouter,
  };
  const ethAddresses = {} as Record<EthContractName, Address>;
  const ethBlocks = {} as Record<EthContractName, number>;
  for (const name of ETH_CONTRACTS) {
    ethAddresses[name] = deployed[name].address;
    ethBlocks[name] = deployed[name].block;
  }
  return {
    chains: endpoints,
    contracts: {
      eth: ethAddresses,
      data: { EntityManager: entityManager.address, PlayLog: playLog.address },
    },
    deployBlocks: {
      eth: ethBlocks,
      data: { EntityManager: entityManager.block, PlayLog: playLog.block },
    },
    deployer: deployer.address,
    treasury: treasuryAddress,
    guardian: guardianAddress,
    params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.toString()])) as Record<
      keyof ProtocolParams,
      string
    >,
  };
}
