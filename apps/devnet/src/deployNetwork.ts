// A new devnet on empty chains: every contract deployed, fresh keys for every node, operators,
// relayers and users funded, and every node registered with stake.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DeploymentManifest,
  type Devchain,
  createChainClient,
  deployAll,
  devAccountKeys,
  fundAccounts,
  registerNode,
} from '@coliving/chain';
import { ServiceType, type ServiceTypeName, serviceTypeManagerAbi } from '@coliving/contracts';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  CONTENT_DELEGATE_ETH,
  OPERATOR_ETH,
  RELAYER_ETH,
  USER_ACCOUNT_INDEXES,
  USER_DGCO,
} from './constants.js';
import type { DevnetAccount, NodeKind, PlannedNode } from './networkTypes.js';

function newAccount(): DevnetAccount {
  const privateKey = generatePrivateKey();
  return { address: privateKeyToAccount(privateKey).address, privateKey };
}

/** Dev accounts handed out as users: the same on every devnet. */
export function userAccounts(): DevnetAccount[] {
  return USER_ACCOUNT_INDEXES.map((i) => {
    const privateKey = devAccountKeys()[i]!;
    return { address: privateKeyToAccount(privateKey).address, privateKey };
  });
}

export type DeployNetworkParameters = {
  dir: string;
  ethChain: Devchain;
  dataChain: Devchain;
  names: string[];
  nodePorts: number[];
  signal: AbortSignal;
};

/**
 * A new devnet on empty chains: deploys every contract, gives each node fresh keys, funds the
 * operators, relayers, content nodes' delegates and user accounts, and registers every node with the minimum stake.
 */
export async function deployNetwork({
  dir,
  ethChain,
  dataChain,
  names,
  nodePorts,
  signal,
}: DeployNetworkParameters): Promise<{
  manifest: DeploymentManifest;
  planned: PlannedNode[];
  spIds: number[];
}> {
  const deployer = privateKeyToAccount(devAccountKeys()[0]!);
  const manifest = await deployAll({
    endpoints: {
      eth: { rpcUrl: ethChain.rpcUrl, chainId: ethChain.chainId },
      data: { rpcUrl: dataChain.rpcUrl, chainId: dataChain.chainId },
    },
    deployer,
  });
  // Written at once, so a start that fails later still says where its chains were.
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  signal.throwIfAborted();

  const planned: PlannedNode[] = names.map((name, i) => {
    const port = nodePorts[i]!;
    const kind: NodeKind = name.startsWith('content') ? 'contentNode' : 'discoveryNode';
    return {
      kind,
      name,
      port,
      endpoint: `http://127.0.0.1:${port}`,
      dataDir: join(dir, name),
      logFile: join(dir, 'logs', `${name}.log`),
      operator: newAccount(),
      delegate: newAccount(),
      ...(kind === 'discoveryNode' ? { relayer: newAccount() } : {}),
    };
  });

  // Each operator stakes the least its kind of node may have: read from the chain, so a
  // devnet deployed with other bounds still registers.
  const ethClient = createChainClient('eth', manifest.chains.eth);
  const minStake = async (type: ServiceTypeName) =>
    (
      await ethClient.readContract({
        address: manifest.contracts.eth.ServiceTypeManager,
        abi: serviceTypeManagerAbi,
        functionName: 'getServiceTypeInfo',
        args: [ServiceType[type]],
      })
    ).minStake;
  const stakes: Record<NodeKind, bigint> = {
    contentNode: await minStake('contentNode'),
    discoveryNode: await minStake('discoveryNode'),
  };
  const operatorsOf = (kind: NodeKind) =>
    planned.filter((n) => n.kind === kind).map((n) => n.operator.address);
  for (const kind of ['contentNode', 'discoveryNode'] as const) {
    await fundAccounts({
      manifest,
      from: deployer,
      recipients: operatorsOf(kind),
      eth: OPERATOR_ETH,
      dgco: stakes[kind],
    });
  }
  await fundAccounts({
    manifest,
    from: deployer,
    recipients: planned.flatMap((n) => (n.relayer ? [n.relayer.address] : [])),
    eth: RELAYER_ETH,
  });
  // Content nodes pay for their PlayLog batches on the data chain from their delegate wallets.
  await fundAccounts({
    manifest,
    from: deployer,
    recipients: planned.flatMap((n) => (n.kind === 'contentNode' ? [n.delegate.address] : [])),
    eth: CONTENT_DELEGATE_ETH,
  });
  await fundAccounts({
    manifest,
    from: deployer,
    recipients: userAccounts().map((a) => a.address),
    dgco: USER_DGCO,
  });
  signal.throwIfAborted();

  // Registered before any node starts, so each reads the whole network at its first look.
  // One at a time: each registration's gas is estimated on the state the one before left.
  const spIds: number[] = [];
  for (const n of planned) {
    const { nodeId } = await registerNode({
      manifest,
      owner: privateKeyToAccount(n.operator.privateKey),
      serviceType: n.kind,
      endpoint: n.endpoint,
      stake: stakes[n.kind],
      delegateWallet: n.delegate.address,
    });
    spIds.push(Number(nodeId));
  }
  signal.throwIfAborted();
  return { manifest, planned, spIds };
}
