// Hedgehog-style login (docs/design.md §5), the client's half: the wallet comes from 16 bytes of entropy,
// the entropy is encrypted in the client with a key made from the password, and the content
// nodes keep only {lookupKey, iv, cipherText}. The password and the key never leave this file.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english';
import { type HDAccount, mnemonicToAccount } from 'viem/accounts';
import { ColivingSdkError } from './errors.js';

/** scrypt's cost (docs/design.md §5): about 32 MiB and a fraction of a second per derivation. */
export const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1, dkLen: 32 } as const;
/** The fixed salt of lookup keys: one email and password give one key on every client. */
export const LOOKUP_KEY_SALT = 'coliving:hedgehog:lookup-key:v1';
export const ENTROPY_BYTES = 16;
export const IV_BYTES = 12;

/** What content nodes store: nothing in it reveals the password or the wallet's key. */
export type AuthRecordInput = { lookupKey: string; iv: string; cipherText: string };

const textEncoder = new TextEncoder();

/** Text as UTF-8 in one Unicode form, so "é" typed on any keyboard gives the same key. */
function utf8(text: string): Uint8Array {
  return textEncoder.encode(text.normalize('NFKC'));
}

/** Fresh wallet entropy from the platform's CSPRNG. */
export function newEntropy(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(ENTROPY_BYTES));
}

/**
 * The wallet of some entropy: the entropy as a BIP-39 mnemonic (12 words), its first Ethereum
 * account (m/44'/60'/0'/0/0), as Hedgehog and Audius derive it. The same entropy always gives
 * the same wallet, and the mnemonic can be imported into any Ethereum wallet.
 */
export function walletFromEntropy(entropy: Uint8Array): HDAccount {
  if (entropy.length !== ENTROPY_BYTES) {
    throw new ColivingSdkError('invalid_input', `Wallet entropy is ${ENTROPY_BYTES} bytes`, {
      code: 'invalid_entropy',
    });
  }
  return mnemonicToAccount(entropyToMnemonic(entropy, english));
}

/** The mnemonic of some entropy (to show a user who wants to export the wallet). */
export function mnemonicFromEntropy(entropy: Uint8Array): string {
  return entropyToMnemonic(entropy, english);
}

/** `hex(scrypt(lower(email) + ":::" + password, LOOKUP_KEY_SALT))`: 64 lowercase hex digits. */
export async function lookupKeyOf(email: string, password: string): Promise<string> {
  const key = await scryptAsync(
    utf8(`${email.toLowerCase()}:::${password}`),
    utf8(LOOKUP_KEY_SALT),
    SCRYPT_PARAMS,
  );
  return bytesToHex(key);
}

/**
 * The bytes as a view over a plain ArrayBuffer, which the DOM's WebCrypto types require (a view
 * could be over a SharedArrayBuffer); copies only when it is not.
 */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/** The AES-256-GCM key of a record: scrypt(password, salt = the record's random iv). */
async function recordKey(password: string, iv: Uint8Array, usage: 'encrypt' | 'decrypt') {
  const raw = await scryptAsync(utf8(password), iv, SCRYPT_PARAMS);
  return globalThis.crypto.subtle.importKey('raw', own(raw), { name: 'AES-GCM' }, false, [usage]);
}

/** Encrypts the entropy under the password with a fresh random iv (also the key's salt). */
export async function encryptEntropy(
  entropy: Uint8Array,
  password: string,
): Promise<{ iv: string; cipherText: string }> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await recordKey(password, iv, 'encrypt');
  const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, own(entropy));
  return { iv: bytesToHex(iv), cipherText: toBase64(new Uint8Array(sealed)) };
}

/** Decrypts a record's entropy; `wrong_credentials` when the password does not open it. */
export async function decryptEntropy(
  record: { iv: string; cipherText: string },
  password: string,
): Promise<Uint8Array> {
  let iv: Uint8Array;
  let sealed: Uint8Array;
  try {
    if (!/^[0-9a-f]{24}$/.test(record.iv)) throw new Error('iv is not 12 bytes of hex');
    iv = hexToBytes(record.iv);
    sealed = fromBase64(record.cipherText);
  } catch (cause) {
    throw new ColivingSdkError('server', 'The login record is malformed', {
      code: 'invalid_auth_record',
      cause,
    });
  }
  const key = await recordKey(password, iv, 'decrypt');
  let entropy: Uint8Array;
  try {
    entropy = new Uint8Array(
      await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: own(iv) }, key, own(sealed)),
    );
  } catch (cause) {
    // GCM's tag does not verify: another password (or a tampered record).
    throw new ColivingSdkError('wrong_credentials', 'Wrong email or password', {
      code: 'wrong_credentials',
      cause,
    });
  }
  if (entropy.length !== ENTROPY_BYTES) {
    throw new ColivingSdkError('server', 'The login record holds no wallet entropy', {
      code: 'invalid_auth_record',
    });
  }
  return entropy;
}

/** A whole record for an email, a password and some entropy. */
export async function createAuthRecord(
  email: string,
  password: string,
  entropy: Uint8Array,
): Promise<AuthRecordInput> {
  const [lookupKey, sealed] = await Promise.all([
    lookupKeyOf(email, password),
    encryptEntropy(entropy, password),
  ]);
  return { lookupKey, ...sealed };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new Error('not base64');
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
