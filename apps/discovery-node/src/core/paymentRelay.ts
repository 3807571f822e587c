// The payment relay (docs/design.md §9): takes a payer's signed PaymentRouter authorization (and
// EIP-2612 permit), checks it as the chain and the indexer will, rate-limits its payer and client
// IP, and submits `payBySig` from the node's gas wallet on the eth chain, so residents hold DGCO
// but no gas. As the EntityManager relay (relay.ts), everything that can be refused is refused
// before gas is spent, and it pays gas only for what would count: tips and purchases
// (judgePayment, the indexer's own verdict, on the current state). The body's own checks (shape,
// deadlines, signatures) are in paymentRelayBody.ts.
import type { Kysely } from 'kysely';
import {
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  custom,
  getAddress,
} from 'viem';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import {
  BaseError,
  type BaseErrorParameters,
  ConflictError,
  MIN_TIP_WEI,
  type PaymentAuthorization,
  type PaymentPermit,
  UnavailableError,
  ValidationError,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { createNonceQueue } from './nonceQueue.js';
import {
  type PayBySigArgs,
  type SignedPayment,
  badSignature,
  checkSignedPayment,
  payBySigArgs,
  permitSignedByPayer,
} from './paymentRelayBody.js';
import { type PaymentVerdict, judgePayment } from './payments.js';
import { HOUR_MS, MINUTE_MS, type RateWindow, createRateWindows } from './rateWindows.js';
import { definedOf, isUnreachable } from './relay.js';

/**
 * How many payments one caller may relay. Each costs the node gas, and a wallet is free to
 * make, so payments are counted per payer wallet and per client IP, per minute and per hour.
 */
export type PaymentRelayLimits = {
  paymentsPerWalletMinute: number;
  paymentsPerWalletHour: number;
  paymentsPerIpMinute: number;
  paymentsPerIpHour: number;
};

/** A listener buys or tips a few times an hour; a household shares one IP. */
export const DEFAULT_PAYMENT_RELAY_LIMITS: PaymentRelayLimits = {
  paymentsPerWalletMinute: 10,
  paymentsPerWalletHour: 100,
  paymentsPerIpMinute: 30,
  paymentsPerIpHour: 300,
};

/** Longest wait for a relayed payment to be mined before the client is told to retry. */
const RECEIPT_TIMEOUT_MS = 60 * 1000;

export type PaymentRelayComponents = {
  db: Kysely<DB>;
  /** Reads the eth chain: balances, nonces, simulations, receipts; sends through its transport. */
  client: PublicClient;
  /** The node's gas wallet on the eth chain; undefined: the node answers info but relays nothing. */
  account: LocalAccount | undefined;
  token: Address;
  paymentRouter: Address;
};

export type PaymentRelayInit = {
  limits?: Partial<PaymentRelayLimits>;
  /** Milliseconds since the epoch; tests move it across deadlines and rate-limit windows. */
  now?: () => number;
};

/** Who sent a request, as the HTTP edge saw it (the socket, or a trusted proxy's header). */
export type PaymentRelayCaller = { ip: string };

export type PaymentRelayResult = {
  transactionHash: Hex;
  blockNumber: number;
  /** What the payment counts as: a tip or a purchase (the relay relays nothing else). */
  kind: 'tip' | 'purchase';
  payer: Address;
  nonce: bigint;
};

/** `GET /v1/payments/info`: what a client needs to sign a payment. */
export type PaymentsInfo = {
  chain_id: number;
  token: Address;
  payment_router: Address;
  min_tip: string;
  /** The token's EIP-712 domain (its EIP-2612 permits are signed under it). */
  permit_domain: { name: string; version: string };
  balance?: string;
  allowance?: string;
  permit_nonce?: string;
};

export type PaymentRelay = {
  /** Checks, rate-limits and submits one `POST /relay/payment` body; resolves once mined. */
  submit(body: unknown, caller: PaymentRelayCaller): Promise<PaymentRelayResult>;
  /** The chain, contracts and minimum tip, and `wallet`'s balance, allowance and permit nonce. */
  info(wallet?: string): Promise<PaymentsInfo>;
};

/** A payment the payer cannot make: HTTP 402 (api/paymentRelay.ts answers it). */
export class PaymentRequiredError extends BaseError {
  static override readonly defaultCode = 'payment_required';
  override name = 'PaymentRequiredError' as const;
  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    super(shortMessage, parameters);
  }
}

/** Builds the payment relay of one node; it is the only sender from `account` on the eth chain. */
export function createPaymentRelay(
  components: PaymentRelayComponents,
  init: PaymentRelayInit = {},
): PaymentRelay {
  const { db, client, account, token, paymentRouter } = components;
  const limits: PaymentRelayLimits = {
    ...DEFAULT_PAYMENT_RELAY_LIMITS,
    ...definedOf(init.limits ?? {}),
  };
  const now = init.now ?? Date.now;
  const rateLimiter = createRateWindows(now);
  // Payments between their checks and their receipt, by payer and nonce: a second copy would
  // pass its simulation too and then revert on chain, at our expense.
  const inFlight = new Set<string>();
  let chainId: number | undefined;
  let permitDomain: Promise<{ name: string; version: string }> | undefined;

  async function chainIdOf(): Promise<number> {
    chainId ??= client.chain?.id ?? (await client.getChainId());
    return chainId;
  }

  /** The token's EIP-712 domain (EIP-5267), read once. */
  function tokenDomain(): Promise<{ name: string; version: string }> {
    permitDomain ??= client
      .readContract({ address: token, abi: dgcoTokenAbi, functionName: 'eip712Domain' })
      .then(([, name, version]) => ({ name, version }))
      .catch((error: unknown) => {
        permitDomain = undefined;
        throw toPaymentError(error);
      });
    return permitDomain;
  }

  // Sends run one at a time with nonces from our own counter (nonceQueue.ts): concurrent
  // payments never share one.
  const wallet = account
    ? createWalletClient({
        account,
        ...(client.chain ? { chain: client.chain } : {}),
        transport: custom({ request: (args) => client.request(args as never) }),
      })
    : undefined;
  const sends = account && createNonceQueue({ client, address: account.address });
  const send = (args: PayBySigArgs, gas: bigint): Promise<Hex> =>
    sends!.send((nonce) =>
      wallet!.writeContract({
        address: paymentRouter,
        abi: paymentRouterAbi,
        functionName: 'payBySig',
        args,
        gas,
        nonce,
        chain: client.chain ?? null,
      }),
    );

  function read<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return client
      .readContract({
        address: functionName === 'nonceUsed' ? paymentRouter : token,
        abi: functionName === 'nonceUsed' ? paymentRouterAbi : dgcoTokenAbi,
        functionName: functionName as never,
        args,
      })
      .catch(throwPaymentError);
  }

  /** Whether the payer's permit (if any) is one the token will take now. */
  async function permitIsValid(a: PaymentAuthorization, permit: PaymentPermit): Promise<boolean> {
    if (permit.value < a.amount) return false;
    const [domain, nonce] = await Promise.all([tokenDomain(), read<bigint>('nonces', [a.payer])]);
    return permitSignedByPayer({
      authorization: a,
      permit,
      domain: { ...domain, chainId: await chainIdOf(), verifyingContract: token },
      paymentRouter,
      nonce,
    });
  }

  /** The refusals that read the chain: nonce, balance, allowance or permit. */
  async function checkFunds({ authorization: a, permit }: SignedPayment): Promise<void> {
    const [used, balance, allowance] = await Promise.all([
      read<boolean>('nonceUsed', [a.payer, a.nonce]),
      read<bigint>('balanceOf', [a.payer]),
      read<bigint>('allowance', [a.payer, paymentRouter]),
    ]);
    if (used) throw nonceUsed();
    if (balance < a.amount) {
      throw new PaymentRequiredError('The payer does not hold enough DGCO for this payment', {
        code: 'insufficient_balance',
        details: `balance ${balance}, amount ${a.amount}`,
      });
    }
    if (allowance < a.amount && !(permit && (await permitIsValid(a, permit)))) {
      throw new PaymentRequiredError(
        'PaymentRouter may not spend this much of the payer’s DGCO: sign a permit for it',
        {
          code: 'insufficient_allowance',
          details: `allowance ${allowance}, amount ${a.amount}`,
        },
      );
    }
  }

  /**
   * The indexer judges a payment as of its eth block's time, against the data chain as it stood
   * then. What changed on the data chain at a time the eth chain has not reached yet (a price or
   * gate just set, the payer's account just made) is not what a payment mined now is judged
   * against: it would move money and count for nothing. Such a payment waits (409
   * `conditions_settling`, retryable) until the eth chain's clock passes the change; with both
   * chains' blocks on the clock, that is a second or two; a devchain mining a burst of data
   * blocks a second apart used to run minutes ahead (docs/design.md §9).
   */
  async function refuseUntilSettled(
    a: PaymentAuthorization,
    verdict: PaymentVerdict,
  ): Promise<void> {
    // The block it lands in is no older than the head, nor (block times follow the clock) now.
    const head = await client.getBlock({ blockTag: 'latest' });
    const ethTime = new Date(Math.max(Number(head.timestamp) * 1000, now()));
    const then = await judgePayment(db, a, ethTime, { token });
    if (then.kind === verdict.kind) return;
    throw new ConflictError(
      `What this payment is for changed moments ago (${then.kind === 'transfer' ? then.reason : then.kind} as of the payment chain's time); try again in a few seconds`,
      { code: 'conditions_settling', details: `eth chain time ${ethTime.toISOString()}` },
    );
  }

  return {
    async info(forWallet) {
      const base = {
        chain_id: await chainIdOf(),
        token,
        payment_router: paymentRouter,
        min_tip: MIN_TIP_WEI.toString(),
        permit_domain: await tokenDomain(),
      };
      if (forWallet === undefined) return base;
      if (!/^0x[0-9a-fA-F]{40}$/.test(forWallet)) {
        throw new ValidationError('wallet must be an address (0x and 40 hex digits)', {
          code: 'invalid_wallet',
        });
      }
      const owner = getAddress(forWallet);
      const [balance, allowance, nonce] = await Promise.all([
        read<bigint>('balanceOf', [owner]),
        read<bigint>('allowance', [owner, paymentRouter]),
        read<bigint>('nonces', [owner]),
      ]);
      return {
        ...base,
        balance: balance.toString(),
        allowance: allowance.toString(),
        permit_nonce: nonce.toString(),
      };
    },

    async submit(body, caller) {
      if (!account) {
        throw new UnavailableError('This node does not relay payments: it has no gas wallet', {
          code: 'relay_disabled',
        });
      }
      const parsed = await checkSignedPayment(body, { chainId: chainIdOf, paymentRouter, now });
      const a = parsed.authorization;
      // After the signature check: only the payer's own signed requests count against it.
      rateLimiter.take(windowsOf(limits, a.payer.toLowerCase(), caller.ip));
      await checkFunds(parsed);
      const verdict = await judgePayment(db, a, 'now', { token });
      const kind = refuseUnlessCounted(verdict);
      await refuseUntilSettled(a, verdict);

      const key = `${a.payer}:${a.nonce}`;
      if (inFlight.has(key)) throw nonceUsed();
      inFlight.add(key);
      try {
        const args = payBySigArgs(parsed);
        const call = {
          address: paymentRouter,
          abi: paymentRouterAbi,
          functionName: 'payBySig',
          args,
          account: account.address,
        } as const;
        // Simulation first: whatever else the router would refuse is refused for free.
        await client.simulateContract(call).catch(throwPaymentError);
        const gas = await client.estimateContractGas(call).catch(throwPaymentError);
        const hash = await send(args, gas).catch(throwPaymentError);
        const receipt = await client
          .waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS })
          .catch(throwPaymentError);
        if (receipt.status !== 'success') {
          throw new ConflictError('PaymentRouter refused the payment', {
            code: 'reverted',
            details: `transaction ${hash} reverted in block ${receipt.blockNumber}`,
          });
        }
        return {
          transactionHash: hash,
          blockNumber: Number(receipt.blockNumber),
          kind,
          payer: a.payer,
          nonce: a.nonce,
        };
      } finally {
        inFlight.delete(key);
      }
    },
  };
}

/** The status of each transfer code the relay refuses with (the code is judgePayment's). */
const REFUSAL_STATUS: Record<string, 400 | 409> = {
  own_content: 409,
};

/**
 * The kind of a payment that counts; anything else is refused with judgePayment's code, since the
 * relay pays gas only for tips and purchases that grant something.
 */
function refuseUnlessCounted(verdict: PaymentVerdict): 'tip' | 'purchase' {
  if (verdict.kind === 'tip') return 'tip';
  if (verdict.kind === 'purchase') {
    if (verdict.alreadyOwned) {
      throw new ConflictError(`The payer already owns this ${verdict.contentType}`, {
        code: 'already_owned',
      });
    }
    return 'purchase';
  }
  const Refusal = REFUSAL_STATUS[verdict.code] === 409 ? ConflictError : ValidationError;
  throw new Refusal(verdict.reason, { code: verdict.code });
}

/** The windows a payment counts in: its payer's and its client IP's, per minute and per hour. */
function windowsOf(limits: PaymentRelayLimits, payer: string, ip: string): RateWindow[] {
  return [
    {
      key: `wallet:${payer}:minute`,
      limit: limits.paymentsPerWalletMinute,
      ms: MINUTE_MS,
      code: 'rate_limited',
      message: 'Too many payments from this wallet in the last minute',
    },
    {
      key: `wallet:${payer}:hour`,
      limit: limits.paymentsPerWalletHour,
      ms: HOUR_MS,
      code: 'rate_limited',
      message: 'Too many payments from this wallet in the last hour',
    },
    {
      key: `ip:${ip}:minute`,
      limit: limits.paymentsPerIpMinute,
      ms: MINUTE_MS,
      code: 'rate_limited',
      message: 'Too many payments from this network in the last minute',
    },
    {
      key: `ip:${ip}:hour`,
      limit: limits.paymentsPerIpHour,
      ms: HOUR_MS,
      code: 'rate_limited',
      message: 'Too many payments from this network in the last hour',
    },
  ];
}

function nonceUsed(cause?: unknown): ConflictError {
  return new ConflictError('This payment authorization was already used', {
    code: 'nonce_used',
    cause,
  });
}

/** Maps a viem error from the eth chain to a domain error; anything unexpected stays a 500. */
function toPaymentError(error: unknown): unknown {
  if (!(error instanceof ViemBaseError)) return error;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName ?? reverted.reason ?? 'an unnamed error';
    if (name === 'NonceAlreadyUsed') return nonceUsed(error);
    if (name === 'InvalidSignature')
      return badSignature('PaymentRouter refused the signature', error);
    if (name === 'AuthorizationExpired') {
      return new ValidationError('This payment authorization has expired; sign it again', {
        code: 'authorization_expired',
        cause: error,
      });
    }
    return new ValidationError(`PaymentRouter would refuse this payment: ${name}`, {
      code: 'payment_reverted',
      details: name,
      cause: error,
    });
  }
  if (isUnreachable(error)) {
    return new UnavailableError('The eth chain is unreachable', {
      code: 'chain_unavailable',
      cause: error,
    });
  }
  return error;
}

function throwPaymentError(error: unknown): never {
  throw toPaymentError(error);
}
