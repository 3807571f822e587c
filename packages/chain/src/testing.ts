// A whole Coliving chain setup for tests: both devchains on free loopback ports, every contract
// deployed, and the dev accounts ready. Each test file starts its own.
import assert from 'node:assert/strict';
import {
  type Account,
  type Address,
  type Hex,
  BaseError,
  ContractFunctionRevertedError,
  getContract,
  numberToHex,
  parseEther,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  claimsManagerAbi,
  delegateManagerAbi,
  dgcoTokenAbi,
  entityManagerAbi,
  governanceAbi,
  nodeRegistryAbi,
  paymentRouterAbi,
  serviceTypeManagerAbi,
  stakingAbi,
} from '@coliving/contracts';
import { createChainClient, createChainWallet } from './clients.js';
import { DEVNET_DATA_CHAIN_ID, DEVNET_ETH_CHAIN_ID, type ProtocolParams } from './constants.js';
import { type DeploymentManifest, deployAll } from './deployAll.js';
import { devAccountKeys } from './devAccountKeys.js';
import { type Devchain, startDevchain } from './startDevchain.js';

export type TestNetwork = Awaited<ReturnType<typeof startTestNetwork>>;
/** The typed contract handles of `contractsFor` and `impersonate`. */
export type TestContracts = ReturnType<TestNetwork['contractsFor']>;

async function rpc(chain: Devchain, method: string, params: unknown[] = []): Promise<unknown> {
  return chain.provider.request({ method, params });
}

/** Starts both devchains, deploys everything with the dev account 0 as deployer, treasury and guardian. */
export async function startTestNetwork({ params }: { params?: Partial<ProtocolParams> } = {}) {
  const ethChain = await startDevchain({ chainId: DEVNET_ETH_CHAIN_ID });
  const dataChain = await startDevchain({ chainId: DEVNET_DATA_CHAIN_ID });
  const accounts = devAccountKeys().map((key) => privateKeyToAccount(key));
  const [deployer] = accounts;
  if (!deployer) throw new Error('no dev accounts');
  let manifest: DeploymentManifest;
  try {
    manifest = await deployAll({
      endpoints: {
        eth: { rpcUrl: ethChain.rpcUrl, chainId: ethChain.chainId },
        data: { rpcUrl: dataChain.rpcUrl, chainId: dataChain.chainId },
      },
      deployer,
      params,
    });
  } catch (error) {
    await Promise.all([ethChain.stop(), dataChain.stop()]);
    throw error;
  }
  const ethPublic = createChainClient('eth', manifest.chains.eth);
  const dataPublic = createChainClient('data', manifest.chains.data);
  const c = manifest.contracts;

  /** Typed contract handles that read with the public client and write as `account`. */
  function contractsFor(account: Account) {
    const wallet = createChainWallet('eth', manifest.chains.eth, account);
    const dataWallet = createChainWallet('data', manifest.chains.data, account);
    const client = { public: ethPublic, wallet };
    return {
      token: getContract({ address: c.eth.DgcoToken, abi: dgcoTokenAbi, client }),
      serviceTypeManager: getContract({
        address: c.eth.ServiceTypeManager,
        abi: serviceTypeManagerAbi,
        client,
      }),
      staking: getContract({ address: c.eth.Staking, abi: stakingAbi, client }),
      nodeRegistry: getContract({ address: c.eth.NodeRegistry, abi: nodeRegistryAbi, client }),
      delegateManager: getContract({
        address: c.eth.DelegateManager,
        abi: delegateManagerAbi,
        client,
      }),
      claimsManager: getContract({ address: c.eth.ClaimsManager, abi: claimsManagerAbi, client }),
      governance: getContract({ address: c.eth.Governance, abi: governanceAbi, client }),
      paymentRouter: getContract({ address: c.eth.PaymentRouter, abi: paymentRouterAbi, client }),
      entityManager: getContract({
        address: c.data.EntityManager,
        abi: entityManagerAbi,
        client: { public: dataPublic, wallet: dataWallet },
      }),
    };
  }

  return {
    manifest,
    ethChain,
    dataChain,
    ethPublic,
    dataPublic,
    accounts,
    deployer,
    contractsFor,
    /**
     * Lets `address` (a contract, e.g. Governance) send on the eth chain through Hardhat's
     * impersonation, gives it ETH for gas, and returns contract handles that write as it.
     */
    async impersonate(address: Address) {
      await rpc(ethChain, 'hardhat_impersonateAccount', [address]);
      await rpc(ethChain, 'hardhat_setBalance', [address, numberToHex(parseEther('100'))]);
      return contractsFor({ address, type: 'json-rpc' });
    },
    /** Waits for a transaction on the eth chain and returns its receipt; throws if it reverted. */
    async mined(hash: Hex) {
      const receipt = await ethPublic.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`transaction reverted: ${hash}`);
      return receipt;
    },
    async mine(blocks: bigint | number, chain: Devchain = ethChain) {
      await rpc(chain, 'hardhat_mine', [`0x${BigInt(blocks).toString(16)}`]);
    },
    async blockNumber() {
      return ethPublic.getBlockNumber();
    },
    /** Snapshots both chains; the returned function reverts them to it. */
    async snapshot(): Promise<() => Promise<void>> {
      const [ethId, dataId] = await Promise.all([
        rpc(ethChain, 'evm_snapshot'),
        rpc(dataChain, 'evm_snapshot'),
      ]);
      return async () => {
        await Promise.all([
          rpc(ethChain, 'evm_revert', [ethId]),
          rpc(dataChain, 'evm_revert', [dataId]),
        ]);
      };
    },
    async balanceOf(address: Address) {
      return ethPublic.readContract({
        address: c.eth.DgcoToken,
        abi: dgcoTokenAbi,
        functionName: 'balanceOf',
        args: [address],
      });
    },
    async stop() {
      await Promise.all([ethChain.stop(), dataChain.stop()]);
    },
  };
}

/** The revert data a failed call carried, wherever viem put it in the error chain. */
export function revertData(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined;
  let found: Hex | undefined;
  error.walk((e) => {
    const data = (e as { data?: unknown }).data;
    if (typeof data === 'string' && data.startsWith('0x') && data.length >= 10)
      found ??= data as Hex;
    else if (
      data &&
      typeof data === 'object' &&
      typeof (data as { data?: unknown }).data === 'string'
    )
      found ??= (data as { data: Hex }).data;
    return false;
  });
  return found;
}

/** The custom error name a failed contract call reverted with, or undefined if it was no revert. */
export function revertErrorName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError)
    return reverted.data?.errorName ?? reverted.reason;
  return undefined;
}

/** Asserts that `promise` (a contract write or simulate) reverts with the custom error `name`, and returns its args. */
export async function expectRevert(
  promise: Promise<unknown>,
  name: string,
): Promise<readonly unknown[]> {
  let args: readonly unknown[] = [];
  await assert.rejects(promise, (error: unknown) => {
    assert.equal(
      revertErrorName(error),
      name,
      `expected a revert with ${name}, got: ${String(error).slice(0, 400)}`,
    );
    const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    args = (reverted as ContractFunctionRevertedError).data?.args ?? [];
    return true;
  });
  return args;
}
