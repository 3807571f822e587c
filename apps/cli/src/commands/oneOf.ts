// The fixed lists an option must name one of (`--genre`, `--mood`), checked before anything is
// uploaded or signed.
import { UsageError } from '../errors.js';

/**
 * The list's spelling of `value`, matched without regard to case ("electronic" is
 * "Electronic"); anything else is a UsageError that names the option and lists what it takes.
 */
export function oneOf(option: string, value: string, list: readonly string[]): string {
  const wanted = value.trim().toLowerCase();
  const found = list.find((item) => item.toLowerCase() === wanted);
  if (found === undefined) throw new UsageError(`--${option} must be one of: ${list.join(', ')}`);
  return found;
}
