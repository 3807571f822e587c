// $DGCO amounts as people read and type them. On the wire an amount is a decimal string of wei
// (18 decimals); on screen it is "2.5 DGCO", rounded down to four decimals so a balance is never
// shown larger than it is.
import { formatUnits, parseUnits } from 'viem';

export const DGCO_DECIMALS = 18;
const SHOWN_DECIMALS = 4;

/** "1,000", "2.5", "0.0001" (rounded down), "<0.0001" for dust above zero. */
export function dgcoNumber(wei: bigint | string): string {
  const value = typeof wei === 'bigint' ? wei : toWei(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const [whole = '0', fraction = ''] = formatUnits(abs, DGCO_DECIMALS).split('.');
  const shown = fraction.slice(0, SHOWN_DECIMALS).replace(/0+$/, '');
  if (abs > 0n && whole === '0' && shown === '') return '<0.0001';
  const grouped = BigInt(whole).toLocaleString('en-US');
  return `${negative ? '-' : ''}${grouped}${shown ? `.${shown}` : ''}`;
}

/** "2.5 DGCO". */
export function formatDgco(wei: bigint | string): string {
  return `${dgcoNumber(wei)} DGCO`;
}

/** A wei string from the API as a bigint (anything unreadable counts as 0). */
export function toWei(wei: string): bigint {
  return /^-?\d+$/.test(wei.trim()) ? BigInt(wei.trim()) : 0n;
}

/** An amount as typed ("2.5", "1,000", ".5") in wei, or a sentence saying what is wrong. */
export function parseDgco(typed: string): { wei: bigint } | { error: string } {
  const text = typed.trim().replace(/,/g, '');
  if (text === '') return { error: 'Enter an amount of DGCO.' };
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return { error: 'Enter a number, like 2.5.' };
  const [, fraction = ''] = text.split('.');
  if (fraction.length > DGCO_DECIMALS)
    return { error: `DGCO has at most ${DGCO_DECIMALS} decimals.` };
  const wei = parseUnits(text.startsWith('.') ? `0${text}` : text, DGCO_DECIMALS);
  if (wei <= 0n) return { error: 'Enter an amount above 0.' };
  return { wei };
}
