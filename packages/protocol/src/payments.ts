// Payments (docs/design.md §9): what a payer signs for PaymentRouter.payBySig (EIP-712), the
// references that say what a payment is for, and how a purchase gate's splits become the exact
// recipients and basis points a payment must carry. Shared by the SDK (signing), the discovery
// node's payment relay (checking before gas) and its indexer (recording tips and purchases).
import { type Address, type Hex, getAddress } from 'viem';
import { ValidationError } from './errors.js';
import { MAX_ENTITY_ID } from './limits.js';

/** EIP-712 domain name and version of PaymentRouter (its constructor's). */
export const PAYMENT_DOMAIN_NAME = 'Coliving PaymentRouter';
export const PAYMENT_DOMAIN_VERSION = '1';

/** EIP-712 types of a payment authorization, exactly as PaymentRouter.PAYMENT_TYPEHASH. */
export const PAYMENT_TYPES = {
  Payment: [
    { name: 'payer', type: 'address' },
    { name: 'token', type: 'address' },
    { name: 'amount', type: 'uint256' },
    { name: 'recipients', type: 'address[]' },
    { name: 'basisPoints', type: 'uint16[]' },
    { name: 'ref', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/** EIP-2612 permit types (the token's `permit`), for a payer with no allowance yet. */
export const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/** What a payer signs: PaymentRouter pays exactly this, once (per payer and nonce). */
export type PaymentAuthorization = {
  payer: Address;
  token: Address;
  /** In token wei (DGCO has 18 decimals). */
  amount: bigint;
  recipients: Address[];
  /** Per recipient, summing to 10,000; the last recipient also gets the rounding remainder. */
  basisPoints: number[];
  /** What the payment is for: `track:<id>`, `playlist:<id>` or `tip:<user id>` (numeric ids). */
  ref: string;
  /** Any number not used before by this payer (the SDK picks 128 random bits). */
  nonce: bigint;
  /** Unix seconds after which the authorization is void. */
  deadline: bigint;
};

/** An EIP-2612 permit of `value` for PaymentRouter, split into its signature parts. */
export type PaymentPermit = { value: bigint; deadline: bigint; v: number; r: Hex; s: Hex };

/** The EIP-712 domain a payment is signed under. */
export function paymentDomain(chainId: number, paymentRouter: Address) {
  return {
    name: PAYMENT_DOMAIN_NAME,
    version: PAYMENT_DOMAIN_VERSION,
    chainId,
    verifyingContract: paymentRouter,
  } as const;
}

/** The full typed data for viem's signTypedData / verifyTypedData. */
export function paymentTypedData(
  chainId: number,
  paymentRouter: Address,
  authorization: PaymentAuthorization,
) {
  return {
    domain: paymentDomain(chainId, paymentRouter),
    types: PAYMENT_TYPES,
    primaryType: 'Payment' as const,
    message: authorization,
  };
}

/**
 * A payment authorization (and permit) on the wire, as POST /relay/payment takes it: amounts,
 * nonces and deadlines as decimal strings (lossless), snake_case keys.
 */
export type PaymentAuthorizationJson = {
  payer: string;
  token: string;
  amount: string;
  recipients: string[];
  basis_points: number[];
  ref: string;
  nonce: string;
  deadline: string;
};
export type PaymentPermitJson = {
  value: string;
  deadline: string;
  v: number;
  r: string;
  s: string;
};
/** The body of POST /relay/payment. */
export type PaymentRelayBody = {
  authorization: PaymentAuthorizationJson;
  /** The payer's EIP-712 signature of `authorization`. */
  signature: string;
  /** An EIP-2612 permit for PaymentRouter, or null when the payer approved it before. */
  permit: PaymentPermitJson | null;
};

export function paymentAuthorizationToJson(a: PaymentAuthorization): PaymentAuthorizationJson {
  return {
    payer: a.payer,
    token: a.token,
    amount: a.amount.toString(),
    recipients: [...a.recipients],
    basis_points: [...a.basisPoints],
    ref: a.ref,
    nonce: a.nonce.toString(),
    deadline: a.deadline.toString(),
  };
}

const UINT = /^(0|[1-9][0-9]{0,77})$/;
function uint(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !UINT.test(value)) {
    throw new ValidationError(`${field} must be a whole number as a decimal string`, {
      code: 'invalid_payment',
    });
  }
  const n = BigInt(value);
  if (n >= 2n ** 256n) {
    throw new ValidationError(`${field} is beyond uint256`, { code: 'invalid_payment' });
  }
  return n;
}
function addressOf(value: unknown, field: string): Address {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new ValidationError(`${field} must be an address`, { code: 'invalid_payment' });
  }
  return getAddress(value);
}

/** Parses the wire form back; ValidationError `invalid_payment` naming the first bad field. */
export function paymentAuthorizationFromJson(json: unknown): PaymentAuthorization {
  if (typeof json !== 'object' || json === null) {
    throw new ValidationError('authorization must be an object', { code: 'invalid_payment' });
  }
  const j = json as Record<string, unknown>;
  if (!Array.isArray(j.recipients) || !Array.isArray(j.basis_points)) {
    throw new ValidationError('recipients and basis_points must be arrays', {
      code: 'invalid_payment',
    });
  }
  if (typeof j.ref !== 'string') {
    throw new ValidationError('ref must be a string', { code: 'invalid_payment' });
  }
  return {
    payer: addressOf(j.payer, 'payer'),
    token: addressOf(j.token, 'token'),
    amount: uint(j.amount, 'amount'),
    recipients: j.recipients.map((r, i) => addressOf(r, `recipients[${i}]`)),
    basisPoints: j.basis_points.map((b, i) => {
      if (!Number.isInteger(b) || (b as number) < 0 || (b as number) > 10_000) {
        throw new ValidationError(`basis_points[${i}] must be a whole number 0–10000`, {
          code: 'invalid_payment',
        });
      }
      return b as number;
    }),
    ref: j.ref,
    nonce: uint(j.nonce, 'nonce'),
    deadline: uint(j.deadline, 'deadline'),
  };
}

/** What a payment says it is for. */
export type PaymentRef =
  | { kind: 'track'; id: number }
  | { kind: 'playlist'; id: number }
  | { kind: 'tip'; userId: number };

export const trackPaymentRef = (trackId: number) => `track:${trackId}`;
export const playlistPaymentRef = (playlistId: number) => `playlist:${playlistId}`;
export const tipPaymentRef = (userId: number) => `tip:${userId}`;

/** Reads a ref; undefined for anything else (a plain transfer, as far as the index goes). */
export function parsePaymentRef(ref: string): PaymentRef | undefined {
  const match = /^(track|playlist|tip):([1-9][0-9]{0,15})$/.exec(ref);
  if (!match) return undefined;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id) || id > MAX_ENTITY_ID) return undefined;
  if (match[1] === 'tip') return { kind: 'tip', userId: id };
  return { kind: match[1] as 'track' | 'playlist', id };
}

/** The smallest tip that counts as one: 0.1 DGCO. Less is recorded as a plain transfer. */
export const MIN_TIP_WEI = 10n ** 17n;
/** The largest price a purchase gate may ask: the whole DGCO supply cap (1e9 DGCO). */
export const MAX_PRICE_WEI = 10n ** 27n;

/** One collaborator's share of a purchase gate, as the gate's metadata states it. */
export type PurchaseSplit = { user_id: number; percentage: number };

/**
 * Basis points of a percentage with at most two decimals (12.5 → 1250); undefined when it has
 * more, or is not above 0 and at most 100.
 */
export function percentageToBasisPoints(percentage: number): number | undefined {
  if (!Number.isFinite(percentage) || percentage <= 0 || percentage > 100) return undefined;
  const bp = Math.round(percentage * 100);
  return Math.abs(bp - percentage * 100) < 1e-6 ? bp : undefined;
}

/**
 * The exact recipients (as user ids) and basis points a purchase of content owned by `ownerId`
 * must pay, from its gate's splits (none: all to the owner). Canonical order: the splits as
 * listed, with the owner's moved last, since PaymentRouter gives the rounding remainder to the
 * last recipient and the remainder goes to the landlord.
 */
export function purchaseShares(
  splits: readonly PurchaseSplit[] | undefined,
  ownerId: number,
): { userId: number; basisPoints: number }[] {
  const listed = splits && splits.length > 0 ? splits : [{ user_id: ownerId, percentage: 100 }];
  const shares = listed.map((s) => {
    const basisPoints = percentageToBasisPoints(s.percentage);
    if (basisPoints === undefined) {
      throw new ValidationError(
        `Split percentage ${s.percentage} is not a share of 0–100 with at most two decimals`,
        {
          code: 'invalid_splits',
        },
      );
    }
    return { userId: s.user_id, basisPoints };
  });
  const total = shares.reduce((sum, s) => sum + s.basisPoints, 0);
  if (total !== 10_000) {
    throw new ValidationError(`Split percentages sum to ${total / 100}, not 100`, {
      code: 'invalid_splits',
    });
  }
  const owner = shares.findIndex((s) => s.userId === ownerId);
  if (owner >= 0 && owner !== shares.length - 1) shares.push(...shares.splice(owner, 1));
  return shares;
}

/** What each recipient of `amount` gets under `basisPoints`, exactly as PaymentRouter pays it. */
export function splitAmount(amount: bigint, basisPoints: readonly number[]): bigint[] {
  const shares = basisPoints.map((bp) => (amount * BigInt(bp)) / 10_000n);
  const paid = shares.slice(0, -1).reduce((sum, s) => sum + s, 0n);
  shares[shares.length - 1] = amount - paid;
  return shares;
}
