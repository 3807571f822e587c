import type { ByteRange } from '@coliving/storage';

/**
 * Parses a single-range `Range: bytes=…` header into a range for a blob of `size` bytes.
 * Returns undefined for no header, several ranges, or a header that does not parse: RFC 9110 lets
 * a server ignore those and send the whole blob. A suffix range (`bytes=-500`) is the last bytes.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, startText = '', endText = ''] = match;
  if (startText === '' && endText === '') return undefined;
  if (startText === '') {
    const suffix = Number(endText);
    if (!Number.isSafeInteger(suffix) || suffix === 0) return undefined;
    return { start: Math.max(0, size - suffix) };
  }
  const start = Number(startText);
  const end = endText === '' ? undefined : Number(endText);
  if (
    !Number.isSafeInteger(start) ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start))
  )
    return undefined;
  return { start, end };
}
