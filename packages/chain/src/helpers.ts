import {
  dgcoTokenAbi,
  nodeRegistryAbi,
  ServiceType,
  type ServiceTypeName,
} from '@coliving/contracts';
import { type Account, type Address, type Hex, parseEventLogs } from 'viem';
import { createChainClient, createChainWallet } from './clients.js';
import type { DeploymentManifest } from './deployAll.js';

export type FundAccountsParameters = {
  manifest: DeploymentManifest;
  /** Pays: needs the ETH and DGCO being sent (the deployer holds the DGCO supply on a devnet). */
  from: Account;
  recipients: readonly Address[];
  /** ETH for gas on both chains, per recipient. */
  eth?: bigint;
  /** DGCO on the eth chain, per recipient. */
  dgco?: bigint;
};

/** Sends ETH (on both chains) and DGCO to each recipient and waits until every transfer is mined. */
export async function fundAccounts({
  manifest,
  from,
  recipients,
  eth = 0n,
  dgco = 0n,
}: FundAccountsParameters): Promise<void> {
  const ethPublic = createChainClient('eth', manifest.chains.eth);
  const ethWallet = createChainWallet('eth', manifest.chains.eth, from);
  const dataPublic = createChainClient('data', manifest.chains.data);
  const dataWallet = createChainWallet('data', manifest.chains.data, from);
  const pending: { client: typeof ethPublic; hash: Hex }[] = [];
  for (const to of recipients) {
    if (eth > 0n) {
      pending.push({
        client: ethPublic,
        hash: await ethWallet.sendTransaction({ to, value: eth }),
      });
      pending.push({
        client: dataPublic,
        hash: await dataWallet.sendTransaction({ to, value: eth }),
      });
    }
    if (dgco > 0n) {
      const hash = await ethWallet.writeContract({
        address: manifest.contracts.eth.DgcoToken,
        abi: dgcoTokenAbi,
        functionName: 'transfer',
        args: [to, dgco],
      });
      pending.push({ client: ethPublic, hash });
    }
  }
  for (const { client, hash } of pending) {
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`funding transfer reverted (${hash})`);
  }
}

export type RegisterNodeParameters = {
  manifest: DeploymentManifest;
  /** The node operator: pays the stake and owns the node. */
  owner: Account;
  serviceType: ServiceTypeName;
  endpoint: string;
  stake: bigint;
  /** The wallet the node signs with (stream signatures, node-to-node calls). */
  delegateWallet: Address;
};

export type RegisterNodeReturnType = { nodeId: bigint; blockNumber: bigint; transactionHash: Hex };

/** Approves the stake and registers a node on NodeRegistry; returns its id. */
export async function registerNode({
  manifest,
  owner,
  serviceType,
  endpoint,
  stake,
  delegateWallet,
}: RegisterNodeParameters): Promise<RegisterNodeReturnType> {
  const client = createChainClient('eth', manifest.chains.eth);
  const wallet = createChainWallet('eth', manifest.chains.eth, owner);
  const approval = await wallet.writeContract({
    address: manifest.contracts.eth.DgcoToken,
    abi: dgcoTokenAbi,
    functionName: 'approve',
    args: [manifest.contracts.eth.Staking, stake],
  });
  await client.waitForTransactionReceipt({ hash: approval });
  const hash = await wallet.writeContract({
    address: manifest.contracts.eth.NodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'register',
    args: [ServiceType[serviceType], endpoint, stake, delegateWallet],
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  const [registered] = parseEventLogs({
    abi: nodeRegistryAbi,
    eventName: 'NodeRegistered',
    logs: receipt.logs,
  });
  if (receipt.status !== 'success' || !registered)
    throw new Error(`node registration failed (${hash})`);
  return {
    nodeId: registered.args.nodeId,
    blockNumber: receipt.blockNumber,
    transactionHash: hash,
  };
}

/** Mines `blocks` empty blocks at once on a devchain (hardhat_mine), e.g. to pass a lockup. */
export async function mineBlocks(rpcUrl: string, blocks: bigint | number): Promise<void> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'hardhat_mine',
      params: [`0x${BigInt(blocks).toString(16)}`],
    }),
  });
  const body = (await response.json()) as { error?: { message: string } };
  if (body.error) throw new Error(`hardhat_mine failed: ${body.error.message}`);
}
