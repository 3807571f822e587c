import type { ByteRange } from '@coliving/storage';

/**
 * Parses a single-range `Range: bytes=…` header. Returns undefined for no header, several
 * ranges, or a header that does not parse: RFC 9110 lets a server ignore those and send the whole
 * blob. A suffix range (`bytes=-500`) is the last bytes, resolved against the blob's size later.
 */
export function parseRangeHeader(header: string | undefined): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, startText = '', endText = ''] = match;
  if (startText === '' && endText === '') return undefined;
  if (startText === '') {
    const suffix = Number(endText);
    if (!Number.isSafeInteger(suffix) || suffix === 0) return undefined;
    return { suffix };
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
