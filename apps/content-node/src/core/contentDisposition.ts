// The `Content-Disposition: attachment` of a download (RFC 6266): the name a browser saves the file
// under. The name comes from a query parameter anyone holding the URL may change, so it is cleaned
// until it can neither break the header nor name a path.
import { ValidationError } from '@coliving/protocol';

/** Longer names are cut: most file systems allow 255 bytes, and a header should stay short. */
export const MAX_FILENAME_CHARS = 200;

/** The audio types a download may be served as, by the name's extension; anything else is bytes. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
};

/**
 * `raw` as a safe file name: no control or format characters (CR, LF, NUL, bidi overrides that
 * disguise an extension), no quotes, backslashes or slashes (no path), no leading dots (no hidden
 * file, no `..`), trimmed and cut to MAX_FILENAME_CHARS. Undefined when nothing is left.
 */
export function cleanFilename(raw: string): string | undefined {
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"\\/]/gu, '')
    .replace(/^[\s.]+/u, '')
    .trim();
  const cut = [...cleaned].slice(0, MAX_FILENAME_CHARS).join('').trim();
  return cut === '' ? undefined : cut;
}

/** RFC 5987 `ext-value` characters: everything else is percent-encoded as UTF-8. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The header value for saving as `filename` (already cleaned): an ASCII `filename` for old
 * clients (other characters as `_`) and `filename*=UTF-8''...` with the exact name.
 */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}

/** The content type a download named `filename` is served as. */
export function downloadContentType(filename: string): string {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(filename)?.[1]?.toLowerCase();
  return (extension && TYPES_BY_EXTENSION[extension]) || 'application/octet-stream';
}

/**
 * The `filename` query parameter, cleaned; undefined when absent. A repeated parameter, or one
 * with nothing usable, is a ValidationError (`invalid_filename`).
 */
export function filenameParam(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 4 * MAX_FILENAME_CHARS)
    throw new ValidationError('filename must be one name of at most 200 characters', {
      code: 'invalid_filename',
    });
  const name = cleanFilename(value);
  if (name === undefined)
    throw new ValidationError('filename has no usable characters', { code: 'invalid_filename' });
  return name;
}
