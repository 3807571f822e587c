// What the payment relay (paymentRelay.ts) reads from a `POST /relay/payment` body, and the checks
// that need neither chain nor database: its shape, its deadlines, and who signed it and its
// permit. Also the body as PaymentRouter.payBySig's arguments.
import { type Address, type Hex, isHex, recoverTypedDataAddress } from 'viem';
import {
  InvalidSignatureError,
  PERMIT_TYPES,
  type PaymentAuthorization,
  type PaymentPermit,
  ValidationError,
  paymentAuthorizationFromJson,
  paymentTypedData,
} from '@coliving/protocol';

/** PaymentRouter.MAX_RECIPIENTS and MAX_REF_LENGTH: longer bodies are refused as malformed. */
const MAX_RECIPIENTS = 20;
const MAX_REF_LENGTH = 128;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** A parsed relay body (the wire form is @coliving/protocol's PaymentRelayBody). */
export type SignedPayment = {
  authorization: PaymentAuthorization;
  signature: Hex;
  permit: PaymentPermit | null;
};

export type CheckSignedPaymentComponents = {
  /** The eth chain's id (asked of the chain only once the body is well formed). */
  chainId: () => Promise<number>;
  paymentRouter: Address;
  /** Milliseconds since the epoch. */
  now: () => number;
};

/**
 * Parses a relay body and refuses, for free, what the contract would refuse: a malformed body
 * (`invalid_payment`), an expired authorization or permit (`authorization_expired`), or a
 * signature not by its payer (`invalid_signature`).
 */
export async function checkSignedPayment(
  body: unknown,
  { chainId, paymentRouter, now }: CheckSignedPaymentComponents,
): Promise<SignedPayment> {
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
      ...paymentTypedData(await chainId(), paymentRouter, a),
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

export type PermitSignedByPayerParameters = {
  authorization: PaymentAuthorization;
  permit: PaymentPermit;
  /** The token's EIP-712 domain, chain and address. */
  domain: { name: string; version: string; chainId: number; verifyingContract: Address };
  paymentRouter: Address;
  /** The payer's permit nonce at the token now. */
  nonce: bigint;
};

/** Whether `permit` is the payer's signature of an EIP-2612 permit for PaymentRouter. */
export async function permitSignedByPayer({
  authorization: a,
  permit,
  domain,
  paymentRouter,
  nonce,
}: PermitSignedByPayerParameters): Promise<boolean> {
  try {
    const signer = await recoverTypedDataAddress({
      domain,
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

export type PayBySigArgs = readonly [
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
export function payBySigArgs({ authorization: a, signature, permit }: SignedPayment): PayBySigArgs {
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

/** A signature the payer did not make, or one that does not parse: `invalid_signature`. */
export function badSignature(message: string, cause?: unknown): InvalidSignatureError {
  return new InvalidSignatureError(message, { code: 'invalid_signature', cause });
}

function invalid(message: string, cause?: unknown): ValidationError {
  return new ValidationError(message, { code: 'invalid_payment', cause });
}

/** The body's authorization, signature and permit; `invalid_payment` naming the first bad field. */
function parseBody(body: unknown): SignedPayment {
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
