import { type Hex, bytesToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { DEV_ACCOUNT_COUNT, DEV_MNEMONIC } from './constants.js';

let devKeys: Hex[] | undefined;
/** Private keys of the dev accounts (derived once, on first use). */
export function devAccountKeys(): Hex[] {
  devKeys ??= Array.from({ length: DEV_ACCOUNT_COUNT }, (_, i) => {
    const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
    if (!key) throw new Error('dev key derivation failed');
    return bytesToHex(key);
  });
  return devKeys;
}
