// Amounts of $DGCO as people type and read them ("2.5") and as the chain keeps them (wei, 18
// decimals). Typed amounts are checked here, before anything is signed; printed amounts keep
// every digit, and --json output carries the exact wei beside them.
import { DGCO_DECIMALS, formatDgco } from '@coliving/sdk';
import { parseUnits } from 'viem';
import { UsageError } from './errors.js';

export { formatDgco };

const AMOUNT = /^(\d+)(\.\d+)?$/;

/**
 * `text` (whole DGCO, or a decimal with at most 18 places: "10", "2.5", "0.001") as wei; a
 * UsageError naming `what` for anything else (a sign, a letter, a comma, too many places).
 */
export function parseDgco(text: string, what: string): bigint {
  const value = text.trim();
  if (value.startsWith('-')) throw new UsageError(`${what} must be above 0 DGCO (got ${value})`);
  const match = AMOUNT.exec(value);
  if (!match) throw new UsageError(`${what} must be an amount of DGCO such as 2.5 (got "${text}")`);
  if ((match[2]?.length ?? 0) - 1 > DGCO_DECIMALS)
    throw new UsageError(`${what} has more than ${DGCO_DECIMALS} decimals (got ${value})`);
  return parseUnits(value, DGCO_DECIMALS);
}

/** An amount in --json: DGCO for reading, and the wei exactly (a decimal string). */
export function dgcoJson(wei: bigint | string): { dgco: string; wei: string } {
  const exact = typeof wei === 'string' ? BigInt(wei) : wei;
  return { dgco: formatDgco(exact), wei: exact.toString() };
}
