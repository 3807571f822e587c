// Test helpers for payments: a payer signs a PaymentRouter authorization and a gas account
// submits it, as a relay would, on the test network's eth chain.
import { type Address, type LocalAccount, maxUint256, parseEther } from 'viem';
import { createChainWallet, fundAccounts } from '@coliving/chain';
import type { TestNetwork } from '@coliving/chain/testing';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import { type PaymentAuthorization, paymentTypedData, randomNonce } from '@coliving/protocol';

export type TestPayment = {
  ref: string;
  /** DGCO wei. */
  amount: bigint;
  recipients: Address[];
  basisPoints: number[];
  /** DgcoToken unless given. */
  token?: Address;
};

/** Gives `payers` DGCO and lets PaymentRouter spend it (an approval from each payer). */
export async function fundPayers(
  network: TestNetwork,
  payers: LocalAccount[],
  dgco = parseEther('1000'),
): Promise<void> {
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: payers.map((p) => p.address),
    dgco,
  });
  for (const payer of payers) {
    const wallet = createChainWallet('eth', network.manifest.chains.eth, payer);
    await network.mined(
      await wallet.writeContract({
        address: network.manifest.contracts.eth.DgcoToken,
        abi: dgcoTokenAbi,
        functionName: 'approve',
        args: [network.manifest.contracts.eth.PaymentRouter, maxUint256],
      }),
    );
  }
}

/**
 * `payer` signs `payment` and gas account 19 submits it with payBySig; returns its block and
 * transaction hash.
 */
export async function pay(
  network: TestNetwork,
  payer: LocalAccount,
  payment: TestPayment,
): Promise<{ blockNumber: number; txHash: string }> {
  const { chains, contracts } = network.manifest;
  const authorization: PaymentAuthorization = {
    payer: payer.address,
    token: payment.token ?? contracts.eth.DgcoToken,
    amount: payment.amount,
    recipients: payment.recipients,
    basisPoints: payment.basisPoints,
    ref: payment.ref,
    nonce: BigInt(randomNonce()),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
  };
  const signature = await payer.signTypedData(
    paymentTypedData(chains.eth.chainId, contracts.eth.PaymentRouter, authorization),
  );
  const gas = createChainWallet('eth', chains.eth, network.accounts[19]!);
  const hash = await gas.writeContract({
    address: contracts.eth.PaymentRouter,
    abi: paymentRouterAbi,
    functionName: 'payBySig',
    args: [
      authorization,
      signature,
      { value: 0n, deadline: 0n, v: 0, r: `0x${'0'.repeat(64)}`, s: `0x${'0'.repeat(64)}` },
    ],
  });
  const receipt = await network.mined(hash);
  return { blockNumber: Number(receipt.blockNumber), txHash: hash };
}
