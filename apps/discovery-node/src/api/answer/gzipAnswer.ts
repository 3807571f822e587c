// gzip for the API's answers, assembled by hand rather than by zlib per answer, because deflating
// trending's 266 KB costs 1.5–3 ms an answer, far beyond the 0.5× hello-world target of
// `npm run bench:api`; this way gzipped trending meets it at 0.53× (figures in bench/RESULTS.md).
// An answer is `{"data":` and the data's JSON, which the response cache keeps, then the envelope's
// tail (block numbers and timestamp), which is each answer's own. The cached part is deflated once
// and kept, ending on a sync flush: byte-aligned and not final. Each answer appends its tail as a
// stored (uncompressed) final block and the gzip trailer, whose CRC-32 continues from the cached
// part's. The result is one ordinary gzip member, which every client decodes, at the price of a CRC
// over a few hundred bytes per answer.
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** Answers whose data is smaller than this go uncompressed: deflating costs more than it saves. */
export const GZIP_MIN_BYTES = 8 * 1024;

/**
 * zlib's default: a 100-track page (about 260 KB) deflates to about a tenth in 1.5–3 ms here.
 * What is served gzipped more than once (trending, a popular search) is kept at this level.
 */
export const BEST_LEVEL = 6;
/**
 * An answer's first deflate: two to three times faster than BEST_LEVEL, for a somewhat larger
 * body. Most search answers are served once, and this was half a search's cost.
 */
export const FAST_LEVEL = 1;

/** The gzip header: magic, deflate, no flags, no time, unknown OS (RFC 1952 §2.3). */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** The longest a stored block may be (RFC 1951 §3.2.4). */
const MAX_STORED = 0xffff;

/** The cached part of an answer, deflated: the gzip header and the non-final deflate blocks. */
export type GzipHead = { bytes: Buffer; crc: number; length: number; level: number };

/** Deflates the cached part of an answer, for `gzipAnswer` to finish as often as needed. */
export function gzipHead(head: Buffer, level: number): GzipHead {
  const deflated = deflateRawSync(head, { level, finishFlush: constants.Z_SYNC_FLUSH });
  return { bytes: Buffer.concat([HEADER, deflated]), crc: crc32(head), length: head.length, level };
}

/**
 * A whole gzip member: `head.bytes`, then the returned bytes (`tail` stored, and the trailer).
 * The two are sent one after the other; the cached part is not copied here.
 */
export function gzipAnswer(head: GzipHead, tail: Buffer): [Buffer, Buffer] {
  const blocks = Math.max(1, Math.ceil(tail.length / MAX_STORED));
  const out = Buffer.allocUnsafe(blocks * 5 + tail.length + 8);
  let at = 0;
  for (let block = 0; block < blocks; block++) {
    const chunk = tail.subarray(block * MAX_STORED, (block + 1) * MAX_STORED);
    out[at++] = block === blocks - 1 ? 1 : 0; // BFINAL on the last, BTYPE 00 (stored)
    out.writeUInt16LE(chunk.length, at);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 2);
    at += 4;
    at += chunk.copy(out, at);
  }
  // zlib.crc32 of no bytes gives 0, not the CRC it was to continue from.
  const crc = tail.length === 0 ? head.crc : crc32(tail, head.crc);
  out.writeUInt32LE(crc >>> 0, at);
  out.writeUInt32LE((head.length + tail.length) % 2 ** 32, at + 4);
  return [head.bytes, out];
}

/**
 * Whether an `Accept-Encoding` header accepts gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip`, or
 * `*` when gzip is not named, with a q-value above 0.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  let star: boolean | undefined;
  for (const entry of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim());
    const q = parameters.find((p) => /^q=/i.test(p));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    const coding = name.toLowerCase();
    if (coding === 'gzip' || coding === 'x-gzip') return accepted;
    if (coding === '*') star = accepted;
  }
  return star ?? false;
}
