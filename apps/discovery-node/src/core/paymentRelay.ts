// The payment relay (docs/design.md §9): takes a payer's signed PaymentRouter authorization (and
// EIP-2612 permit), checks it as the chain and the indexer will, rate-limits its payer and client
// IP, and submits `payBySig` from the node's gas wallet on the eth chain, so residents hold DGCO
// but no gas. As the EntityManager relay (relay.ts), everything that can be refused is refused
// before gas is spent, and it pays gas only for what would count: tips and purchases
// (judgePayment, the indexer's own verdict, on the current state).
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
  isHex,
  recoverTypedDataAddress,
} from 'viem';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import {
  BaseError,
  type BaseErrorParameters,
  ConflictError,
  InvalidSignatureError,
  MIN_TIP_WEI,
  PERMIT_TYPES,
  type PaymentAuthorization,
  type PaymentPermit,
  RateLimitedError,
  UnavailableError,
  ValidationError,
  paymentAuthorizationFromJson,
  paymentTypedData,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { type PaymentVerdict, judgePayment } from './payments.js';
import { isNonceError, isUnreachable } from './relay.js';

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

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const RATE_SWEEP_INTERVAL_MS = 60 * 1000;
/** Longest wait for a relayed payment to be mined before the client is told to retry. */
const RECEIPT_TIMEOUT_MS = 60 * 1000;
/** Sends after a nonce error: one resync from the chain fixes a counter that drifted. */
const SEND_ATTEMPTS = 2;
/** PaymentRouter.MAX_RECIPIENTS and MAX_REF_LENGTH: longer bodies are refused as malformed. */
const MAX_RECIPIENTS = 20;
const MAX_REF_LENGTH = 128;

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

/** A parsed relay body. */
type Parsed = { authorization: PaymentAuthorization; signature: Hex; permit: PaymentPermit | null };

/** Builds the payment relay of one node; it is the only sender from `account` on the eth chain. */
export function createPaymentRelay(
  components: PaymentRelayComponents,
  init: PaymentRelayInit = {},
): PaymentRelay {
  const { db, client, account, token, paymentRouter } = components;
  const limits: PaymentRelayLimits = {
    ...DEFAULT_PAYMENT_RELAY_LIMITS,
    ...Object.fromEntries(Object.entries(init.limits ?? {}).filter(([, v]) => v !== undefined)),
  };
  const now = init.now ?? Date.now;
  const rateLimiter = createRateLimiter(now);
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

  // Sends are serialized with nonces from our own counter, as relay.ts does: concurrent payments
  // never share a nonce. Only signing and the send run in the queue.
  const wallet = account
    ? createWalletClient({
        account,
        ...(client.chain ? { chain: client.chain } : {}),
        transport: custom({ request: (args) => client.request(args as never) }),
      })
    : undefined;
  let sendQueue: Promise<unknown> = Promise.resolve();
  let nextNonce: number | undefined;

  async function sendInOrder(args: PayBySigArgs, gas: bigint): Promise<Hex> {
    for (let attempt = 1; ; attempt++) {
      nextNonce ??= await client.getTransactionCount({
        address: account!.address,
        blockTag: 'pending',
      });
      const nonce = nextNonce;
      try {
        const hash = await wallet!.writeContract({
          address: paymentRouter,
          abi: paymentRouterAbi,
          functionName: 'payBySig',
          args,
          gas,
          nonce,
          chain: client.chain ?? null,
        });
        nextNonce = nonce + 1;
        return hash;
      } catch (error) {
        nextNonce = undefined;
        if (attempt < SEND_ATTEMPTS && isNonceError(error)) continue;
        throw error;
      }
    }
  }

  function send(args: PayBySigArgs, gas: bigint): Promise<Hex> {
    const sent = sendQueue.then(() => sendInOrder(args, gas));
    sendQueue = sent.catch(() => {});
    return sent;
  }

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

  /** The refusals that need no chain and no database: shape, deadline, signatures. */
  async function checkSigned(body: unknown): Promise<Parsed> {
    const parsed = parseBody(body);
    const { authorization: a, permit } = parsed;
    if (a.recipients.length === 0 || a.recipients.length > MAX_RECIPIENTS) {
      throw invalid(`A payment has 1 to ${MAX_RECIPIENTS} recipients`);
    }
    if (a.basisPoints.length !== a.recipients.length) {
      throw invalid('basis_points must have one entry per recipient');
    }
    if (a.amount === 0n) throw invalid('amount must be above zero');
    if (new TextEncoder().encode(a.ref).length > MAX_REF_LENGTH) {
      throw invalid(`ref is at most ${MAX_REF_LENGTH} bytes`);
    }
    const seconds = BigInt(Math.floor(now() / 1000));
    if (a.deadline < seconds) {
      throw new ValidationError('This payment authorization has expired; sign it again', {
        code: 'authorization_expired',
        details: `deadline ${a.deadline}, now ${seconds}`,
      });
    }
    let signer: Address;
    try {
      signer = await recoverTypedDataAddress({
        ...paymentTypedData(await chainIdOf(), paymentRouter, a),
        signature: parsed.signature,
      });
    } catch (cause) {
      throw badSignature('The payment signature is malformed', cause);
    }
    // Any field changed after signing (amount, recipients, splits, ref, nonce...) recovers
    // another address: refused here, for free, as the contract would refuse it.
    if (signer !== a.payer) throw badSignature('The payment was not signed by its payer');
    if (permit && permit.deadline < seconds) {
      throw new ValidationError('The permit has expired; sign it again', {
        code: 'authorization_expired',
      });
    }
    return parsed;
  }

  /** Whether the payer's permit (if any) is one the token will take now. */
  async function permitIsValid(a: PaymentAuthorization, permit: PaymentPermit): Promise<boolean> {
    if (permit.value < a.amount) return false;
    const [domain, nonce] = await Promise.all([tokenDomain(), read<bigint>('nonces', [a.payer])]);
    try {
      const signer = await recoverTypedDataAddress({
        domain: { ...domain, chainId: await chainIdOf(), verifyingContract: token },
        types: PERMIT_TYPES,
        primaryType: 'Permit',
        message: {
          owner: a.payer,
          spender: paymentRouter,
          value: permit.value,
          nonce,
          deadline: permit.deadline,
        },
        signature: { r: permit.r, s: permit.s, v: BigInt(permit.v) },
      });
      return signer === a.payer;
    } catch {
      return false;
    }
  }

  /** The refusals that read the chain: nonce, balance, allowance or permit. */
  async function checkFunds({ authorization: a, permit }: Parsed): Promise<void> {
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
      const parsed = await checkSigned(body);
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

type PayBySigArgs = readonly [
  {
    payer: Address;
    token: Address;
    amount: bigint;
    recipients: readonly Address[];
    basisPoints: readonly number[];
    ref: string;
    nonce: bigint;
    deadline: bigint;
  },
  Hex,
  { value: bigint; deadline: bigint; v: number; r: Hex; s: Hex },
];

/** PaymentRouter.payBySig's arguments; no permit is a permit with deadline 0. */
function payBySigArgs({ authorization: a, signature, permit }: Parsed): PayBySigArgs {
  const zero: Hex = `0x${'0'.repeat(64)}`;
  return [
    {
      payer: a.payer,
      token: a.token,
      amount: a.amount,
      recipients: a.recipients,
      basisPoints: a.basisPoints,
      ref: a.ref,
      nonce: a.nonce,
      deadline: a.deadline,
    },
    signature,
    permit ?? { value: 0n, deadline: 0n, v: 0, r: zero, s: zero },
  ];
}

function invalid(message: string, cause?: unknown): ValidationError {
  return new ValidationError(message, { code: 'invalid_payment', cause });
}

function badSignature(message: string, cause?: unknown): InvalidSignatureError {
  return new InvalidSignatureError(message, { code: 'invalid_signature', cause });
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** The body's authorization, signature and permit; `invalid_payment` naming the first bad field. */
function parseBody(body: unknown): Parsed {
  if (typeof body !== 'object' || body === null) throw invalid('The body must be a JSON object');
  const b = body as Record<string, unknown>;
  const authorization = paymentAuthorizationFromJson(b.authorization);
  if (typeof b.signature !== 'string' || !isHex(b.signature) || b.signature.length < 4) {
    throw invalid('signature must be a 0x hex string');
  }
  let permit: PaymentPermit | null = null;
  if (b.permit !== null && b.permit !== undefined) {
    const p = b.permit as Record<string, unknown>;
    const uint = (value: unknown, field: string) => {
      if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(value)) {
        throw invalid(`permit.${field} must be a whole number as a decimal string`);
      }
      const n = BigInt(value);
      if (n >= 2n ** 256n) throw invalid(`permit.${field} is beyond uint256`);
      return n;
    };
    if (typeof p !== 'object') throw invalid('permit must be an object or null');
    if (p.v !== 27 && p.v !== 28) throw invalid('permit.v must be 27 or 28');
    if (typeof p.r !== 'string' || !BYTES32.test(p.r)) throw invalid('permit.r must be 32 bytes');
    if (typeof p.s !== 'string' || !BYTES32.test(p.s)) throw invalid('permit.s must be 32 bytes');
    permit = {
      value: uint(p.value, 'value'),
      deadline: uint(p.deadline, 'deadline'),
      v: p.v,
      r: p.r as Hex,
      s: p.s as Hex,
    };
    if (permit.deadline === 0n) throw invalid('permit.deadline must be above zero');
  }
  return { authorization, signature: b.signature, permit };
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

type RateWindow = { key: string; limit: number; ms: number; message: string };

function windowsOf(limits: PaymentRelayLimits, payer: string, ip: string): RateWindow[] {
  return [
    {
      key: `wallet:${payer}:minute`,
      limit: limits.paymentsPerWalletMinute,
      ms: MINUTE_MS,
      message: 'Too many payments from this wallet in the last minute',
    },
    {
      key: `wallet:${payer}:hour`,
      limit: limits.paymentsPerWalletHour,
      ms: HOUR_MS,
      message: 'Too many payments from this wallet in the last hour',
    },
    {
      key: `ip:${ip}:minute`,
      limit: limits.paymentsPerIpMinute,
      ms: MINUTE_MS,
      message: 'Too many payments from this network in the last minute',
    },
    {
      key: `ip:${ip}:hour`,
      limit: limits.paymentsPerIpHour,
      ms: HOUR_MS,
      message: 'Too many payments from this network in the last hour',
    },
  ];
}

/**
 * Rolling-window counters by key, in memory, as relay.ts keeps them: a request counts in every
 * window or, when any is full, in none (RateLimitedError with the longest wait).
 */
function createRateLimiter(now: () => number) {
  const hits = new Map<string, { ms: number; times: number[] }>();
  let lastSweep = now();
  return {
    take(windows: RateWindow[]): void {
      const at = now();
      if (at - lastSweep >= RATE_SWEEP_INTERVAL_MS) {
        for (const [key, { ms, times }] of hits) {
          if ((times.at(-1) ?? -Infinity) <= at - ms) hits.delete(key);
        }
        lastSweep = at;
      }
      let refused: { window: RateWindow; seconds: number } | undefined;
      const counters = windows.map((window) => {
        const counter = hits.get(window.key) ?? { ms: window.ms, times: [] };
        const live = counter.times.findIndex((t) => t > at - window.ms);
        counter.times.splice(0, live === -1 ? counter.times.length : live);
        if (counter.times.length >= window.limit) {
          const oldest = counter.times[counter.times.length - window.limit] ?? at;
          const seconds = Math.max(1, Math.ceil((oldest + window.ms - at) / 1000));
          if (!refused || seconds > refused.seconds) refused = { window, seconds };
        }
        return [window.key, counter] as const;
      });
      if (refused) {
        throw new RateLimitedError(refused.window.message, {
          code: 'rate_limited',
          retryAfterSeconds: refused.seconds,
        });
      }
      for (const [key, counter] of counters) {
        counter.times.push(at);
        hits.set(key, counter);
      }
    },
  };
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
