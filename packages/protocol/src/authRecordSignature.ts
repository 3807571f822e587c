import { type Hex, type LocalAccount, getAddress, isAddress, recoverMessageAddress } from 'viem';
import { canonicalJson } from './canonicalJson.js';
import { InvalidSignatureError } from './errors.js';

/**
 * One version of a Hedgehog login record as its wallet signs it: a live record carries `iv` and
 * `cipherText`, a deletion (tombstone) carries `deleted: true` and neither.
 */
export type AuthRecordVersion = {
  lookupKey: string;
  wallet: string;
  /** ISO 8601 with milliseconds (`Date.prototype.toISOString`): versions are ordered by it. */
  updatedAt: string;
  iv?: string | undefined;
  cipherText?: string | undefined;
  deleted?: boolean | undefined;
};

/**
 * The text a wallet signs (EIP-191 personal_sign) for one version of its login record: the
 * canonical JSON of every field, so no node can change the content, the time or whether it is a
 * deletion, nor move it to another wallet.
 */
export function authRecordMessage(version: AuthRecordVersion): string {
  return `Coliving login record\n${canonicalJson({
    lookupKey: version.lookupKey,
    wallet: getAddress(version.wallet.toLowerCase()),
    iv: version.iv ?? null,
    cipherText: version.cipherText ?? null,
    updatedAt: version.updatedAt,
    deleted: version.deleted === true,
  })}`;
}

export type SignAuthRecordParameters = {
  account: Pick<LocalAccount, 'address' | 'signMessage'>;
  /** The version to sign; its `wallet` is the account's. */
  version: Omit<AuthRecordVersion, 'wallet'>;
};

/** Signs one version of the account's login record; returns the signature to send with it. */
export async function signAuthRecord({ account, version }: SignAuthRecordParameters): Promise<Hex> {
  return account.signMessage({
    message: authRecordMessage({ ...version, wallet: account.address }),
  });
}

/**
 * Refuses a version its `wallet` did not sign: InvalidSignatureError `invalid_record_signature`
 * for a missing, malformed or foreign signature.
 */
export async function verifyAuthRecordSignature(
  version: AuthRecordVersion & { signature?: unknown },
): Promise<void> {
  const { signature } = version;
  if (
    typeof signature !== 'string' ||
    !/^0x[0-9a-fA-F]{130}$/.test(signature) ||
    !isAddress(version.wallet, { strict: false })
  ) {
    throw new InvalidSignatureError('The login record is not signed by its wallet', {
      code: 'invalid_record_signature',
    });
  }
  let signer: string;
  try {
    signer = await recoverMessageAddress({
      message: authRecordMessage(version),
      signature: signature as Hex,
    });
  } catch (cause) {
    throw new InvalidSignatureError('The login record signature cannot be recovered', {
      code: 'invalid_record_signature',
      cause,
    });
  }
  if (signer !== getAddress(version.wallet.toLowerCase())) {
    throw new InvalidSignatureError('The login record is not signed by its wallet', {
      code: 'invalid_record_signature',
    });
  }
}
