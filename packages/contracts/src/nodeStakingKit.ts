// Shared set-up for the NodeRegistry, DelegateManager and ClaimsManager tests: acting as
// Governance, funding and approving stakers, registering nodes and delegating, all exact.
import { colivingChain, createChainWallet, fundAccounts } from '@coliving/chain';
import { type TestNetwork, revertData } from '@coliving/chain/testing';
import {
  ServiceType,
  claimsManagerAbi,
  delegateManagerAbi,
  dgcoTokenAbi,
  nodeRegistryAbi,
  serviceTypeManagerAbi,
  stakingAbi,
} from '@coliving/contracts';
import {
  type Abi,
  type Account,
  type Address,
  type ContractEventName,
  type Hex,
  type ParseEventLogsReturnType,
  type TransactionReceipt,
  createPublicClient,
  decodeErrorResult,
  getContract,
  http,
  maxUint256,
  parseEventLogs,
} from 'viem';

export const DGCO = 10n ** 18n;

/** `n` whole DGCO in wei. */
export function dgco(n: bigint | number): bigint {
  return BigInt(n) * DGCO;
}

/** Every event of `eventName` in a receipt, decoded with `abi`. */
export function eventsOf<const TAbi extends Abi, TName extends ContractEventName<TAbi>>(
  abi: TAbi,
  eventName: TName,
  receipt: TransactionReceipt,
): ParseEventLogsReturnType<TAbi, TName, true> {
  return parseEventLogs({ abi, eventName, logs: receipt.logs });
}

type ClaimsError = Extract<(typeof claimsManagerAbi)[number], { type: 'error' }>;
/** DelegateManager's ABI plus ClaimsManager's errors, which claimRewards passes through. */
const delegateManagerWithClaimErrorsAbi = [
  ...delegateManagerAbi,
  ...claimsManagerAbi.filter((item): item is ClaimsError => item.type === 'error'),
] as const;

/**
 * Test set-up for the staking contracts on a started network. Call `prepare` once in `before`
 * (before any snapshot: it sets balances that a revert would undo).
 */
export function nodeStakingKit(net: TestNetwork) {
  const eth = net.manifest.contracts.eth;
  const governanceAddress = eth.Governance;
  const governanceAccount: Account = { address: governanceAddress, type: 'json-rpc' };
  // No retries: an expected revert should fail at once, not after back-off; and no block-number
  // cache, so a read right after hardhat_mine sees the new height.
  const publicClient = createPublicClient({
    chain: colivingChain('eth', net.manifest.chains.eth),
    transport: http(net.manifest.chains.eth.rpcUrl, { retryCount: 0 }),
    pollingInterval: 50,
    cacheTime: 0,
  });

  /** Typed handles of the staking contracts that send as `account`. */
  function contractsFor(account: Account) {
    const client = {
      public: publicClient,
      wallet: createChainWallet('eth', net.manifest.chains.eth, account),
    };
    return {
      token: getContract({ address: eth.DgcoToken, abi: dgcoTokenAbi, client }),
      serviceTypeManager: getContract({
        address: eth.ServiceTypeManager,
        abi: serviceTypeManagerAbi,
        client,
      }),
      staking: getContract({ address: eth.Staking, abi: stakingAbi, client }),
      nodeRegistry: getContract({ address: eth.NodeRegistry, abi: nodeRegistryAbi, client }),
      /** DelegateManager, also decoding the ClaimsManager errors claimRewards passes through. */
      delegateManager: getContract({
        address: eth.DelegateManager,
        abi: delegateManagerWithClaimErrorsAbi,
        client,
      }),
      claimsManager: getContract({ address: eth.ClaimsManager, abi: claimsManagerAbi, client }),
    };
  }
  type Contracts = ReturnType<typeof contractsFor>;

  return {
    governanceAddress,
    governanceAccount,
    contractsFor,
    /** Contract handles that send as the Governance contract (impersonated by `prepare`). */
    governance: () => contractsFor(governanceAccount),

    /** The latest block number, never cached. */
    latestBlock: () => publicClient.getBlockNumber({ cacheTime: 0 }),

    /** Mines until the latest block is `target`. */
    async mineTo(target: bigint): Promise<void> {
      const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
      if (target < latest) throw new Error(`block ${target} is in the past (latest ${latest})`);
      if (target > latest) await net.mine(target - latest);
    },

    /** Impersonates Governance, gives it ETH for gas, and funds and approves `stakers`. */
    async prepare(stakers: readonly Account[], dgcoEach: bigint): Promise<void> {
      await net.impersonate(governanceAddress);
      await fundAccounts({
        manifest: net.manifest,
        from: net.deployer,
        recipients: stakers.map((s) => s.address),
        dgco: dgcoEach,
      });
      for (const staker of stakers) {
        await net.mined(await contractsFor(staker).token.write.approve([eth.Staking, maxUint256]));
      }
    },

    /** Registers a node as `owner` (approval already given) and returns its id and receipt. */
    async register(
      owner: Account,
      type: keyof typeof ServiceType,
      endpoint: string,
      stake: bigint,
      delegateWallet: Address = owner.address,
    ): Promise<{ nodeId: bigint; receipt: TransactionReceipt }> {
      const { nodeRegistry } = contractsFor(owner);
      const receipt = await net.mined(
        await nodeRegistry.write.register([ServiceType[type], endpoint, stake, delegateWallet]),
      );
      const [event] = eventsOf(nodeRegistryAbi, 'NodeRegistered', receipt);
      if (!event) throw new Error('no NodeRegistered event');
      return { nodeId: event.args.nodeId, receipt };
    },

    /** Delegates `amount` from `delegator` to `nodeOwner`. */
    async delegate(
      delegator: Account,
      nodeOwner: Address,
      amount: bigint,
    ): Promise<TransactionReceipt> {
      const { delegateManager } = contractsFor(delegator);
      return net.mined(await delegateManager.write.delegateStake([nodeOwner, amount]));
    },

    /** Sends a transaction as Governance and waits for it. */
    async asGovernance(send: (contracts: Contracts) => Promise<Hex>): Promise<TransactionReceipt> {
      return net.mined(await send(contractsFor(governanceAccount)));
    },

    /**
     * Simulates deploying `deployData` (from `encodeDeployData`) and returns the custom error of
     * `abi` its constructor reverted with, or undefined if it would deploy.
     */
    async constructorRevert(abi: Abi, deployData: Hex): Promise<string | undefined> {
      try {
        await publicClient.call({ account: governanceAddress, data: deployData });
        return undefined;
      } catch (error) {
        const data = revertData(error);
        if (!data) throw error;
        return decodeErrorResult({ abi, data }).errorName;
      }
    },

    /** The DGCO balance of the Staking contract: every staked token is there. */
    async stakingBalance(): Promise<bigint> {
      return net.balanceOf(eth.Staking);
    },
  };
}
