import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import {
  ForbiddenError,
  NotFoundError,
  type StreamSignatureData,
  parseCid,
} from '@coliving/protocol';
import { BufferPool, CORS_HEADERS } from '@coliving/server-kit';
import { type BlobStore, type ByteRange, resolveRange } from '@coliving/storage';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BUFFERED_RANGE_BYTES } from '../constants.js';
import {
  attachmentHeader,
  downloadContentType,
  filenameParam,
} from '../core/contentDisposition.js';
import { parseRangeHeader } from '../core/httpRange.js';
import type { FindHolder } from '../core/findHolder.js';
import type { NetworkView } from '../core/network.js';
import type { PlayLimiter } from '../core/playLimits.js';
import { createStreamSignatureVerifier } from '../core/streamSignatureCache.js';
import type { ListenJournal } from '../db/listenJournal.js';
import type { ContentNodeMetrics } from '../metrics.js';
import { HOP_PARAM, redirectToHolder } from './redirectToHolder.js';

export type ServeStreamComponents = {
  store: BlobStore;
  listens: ListenJournal;
  /** Per (track, IP) limits a listen must be within to be journaled. */
  playLimits: PlayLimiter;
  network: NetworkView;
  /** A peer holding a blob this node lacks: the listener is sent there. */
  findHolder: FindHolder;
  metrics: Pick<
    ContentNodeMetrics,
    'bytesServed' | 'listensLost' | 'listensOverLimit' | 'recordRequest'
  >;
  /** The client's address as fastify's `request.ip` gives it (for the fast lane). */
  clientIp: (request: IncomingMessage) => string;
  log: FastifyBaseLogger;
};

/** The route's path before the CID, and its pattern as the request histogram labels it. */
const STREAM_PATH = '/tracks/cidstream/';
const STREAM_ROUTE = '/tracks/cidstream/:cid';
/** A CID as it appears in a path: no escapes, nothing a decoder would change. */
const PLAIN_PATH_PART = /^[A-Za-z0-9]+$/;

type StreamRequest = FastifyRequest<{
  Params: { cid: string };
  Querystring: { signature?: string; filename?: string };
}>;

/**
 * Audio by CID, for GET and HEAD with ranges, to holders of a stream signature from a registered
 * discovery node. A full stream from the first byte journals a listen (docs/design.md §11). A blob this node lacks is a
 * redirect to a peer that has it (once: see redirectToHolder). With `filename` it is a download:
 * an attachment saved under that name (cleaned: see contentDisposition.ts).
 */
export function serveStream({
  store,
  listens,
  playLimits,
  network,
  findHolder,
  metrics,
  clientIp,
  log,
}: ServeStreamComponents) {
  const verifyStream = createStreamSignatureVerifier();
  const buffers = new BufferPool(64 * 1024, MAX_BUFFERED_RANGE_BYTES);

  /**
   * A listen: the audio from its first byte, signed as one (a preview or skip_play_count is signed
   * skipPlayCount), within the per (track, IP) limits; one over them is only counted.
   */
  function countListen(cid: string, data: StreamSignatureData, ip: string): void {
    if (data.skipPlayCount === true) return;
    if (!playLimits.admit(data.trackId, ip)) {
      metrics.listensOverLimit.inc();
      return;
    }
    // Journaled in the background (group commit); the stream does not wait for the disk. A
    // failed write is logged and counted, never silently dropped.
    listens
      .record({
        cid,
        trackId: data.trackId,
        ...(data.userId ? { userId: data.userId } : {}),
        at: Date.now(),
      })
      .catch((error: unknown) => {
        metrics.listensLost.inc();
        log.error({ err: error, cid }, 'a listen could not be journaled');
      });
  }

  /** The headers of an audio answer (CORS aside, which the app adds to every answer). */
  function audioHeaders(
    length: number,
    range: ByteRange | undefined,
    span: { start: number; end: number; size: number },
    filename?: string,
  ): Record<string, string> {
    return {
      'accept-ranges': 'bytes',
      'content-type': filename ? downloadContentType(filename) : 'audio/mpeg',
      'content-length': String(length),
      'cache-control': 'private, max-age=3600',
      ...(filename
        ? { 'content-disposition': attachmentHeader(filename), 'x-content-type-options': 'nosniff' }
        : {}),
      ...(range ? { 'content-range': `bytes ${span.start}-${span.end}/${span.size}` } : {}),
    };
  }

  /** The bytes of an audio blob, whole or a range. */
  async function serveStream(request: StreamRequest, reply: FastifyReply) {
    const cid = parseCid(request.params.cid);
    const { signer, data } = await verifyStream(request.query.signature, cid);
    if (!network.isDiscoverySigner(signer)) {
      throw new ForbiddenError('The stream was not signed by a registered discovery node', {
        code: 'unknown_signer',
      });
    }
    // Checked before any bytes are read: a bad name is a 400, not a broken header.
    const filename = filenameParam(request.query.filename);
    const rangeHeader =
      typeof request.headers.range === 'string' ? request.headers.range : undefined;
    const range = parseRangeHeader(rangeHeader);
    // One lookup gives the size, the range (a range past the end is a 416 before anything is
    // sent, for HEAD as for GET) and, for GET, the bytes.
    if (request.method === 'HEAD') {
      const info = await store.head(cid);
      if (!info)
        return redirectToHolder(
          findHolder,
          cid,
          request,
          reply,
          new NotFoundError(`Blob ${cid} not found`),
        );
      const span = { ...resolveRange(range, info.size), size: info.size };
      const length = Math.max(0, span.end - span.start + 1);
      return reply
        .status(range ? 206 : 200)
        .headers(audioHeaders(length, range, span, filename))
        .send();
    }
    let audio: Audio;
    try {
      audio = await readAudio(cid, range);
    } catch (error) {
      return redirectToHolder(findHolder, cid, request, reply, error);
    }
    if (audio.start === 0) countListen(cid, data, request.ip);
    metrics.bytesServed.inc(audio.length);
    reply.status(range ? 206 : 200).headers(audioHeaders(audio.length, range, audio, filename));
    if (audio.borrowed.length > 0) reply.raw.once('finish', () => giveBack(audio.borrowed));
    return reply.send(audio.payload);
  }

  /**
   * The same answer as serveStream for its common case (a GET of a stream a known discovery node
   * signed, no download name, no hop), without fastify's per-request work: resolves false, having
   * written nothing, for anything else or any failure, and fastify's route answers it
   * (createApp's FastLane). A test holds the two answers equal (serveStream.test.ts).
   */
  async function takeStream(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const url = request.url;
    if (request.method !== 'GET' || !url?.startsWith(STREAM_PATH)) return false;
    const begun = performance.now();
    const queryAt = url.indexOf('?');
    if (queryAt === -1) return false;
    const cidText = url.slice(STREAM_PATH.length, queryAt);
    if (!PLAIN_PATH_PART.test(cidText)) return false;
    const query = new URLSearchParams(url.slice(queryAt + 1));
    const signatures = query.getAll('signature');
    if (signatures.length !== 1 || query.has('filename') || query.has(HOP_PARAM)) return false;
    const cid = parseCid(cidText);
    const { signer, data } = await verifyStream(signatures[0], cid);
    if (!network.isDiscoverySigner(signer)) return false;
    const rangeHeader =
      typeof request.headers.range === 'string' ? request.headers.range : undefined;
    const range = parseRangeHeader(rangeHeader);
    const audio = await readAudio(cid, range);
    if (audio.start === 0) countListen(cid, data, clientIp(request));
    metrics.bytesServed.inc(audio.length);
    const statusCode = range ? 206 : 200;
    response.writeHead(statusCode, {
      ...audioHeaders(audio.length, range, audio),
      ...CORS_HEADERS,
    });
    response.once('finish', () => {
      giveBack(audio.borrowed);
      metrics.recordRequest('GET', STREAM_ROUTE, statusCode, (performance.now() - begun) / 1000);
    });
    if (Buffer.isBuffer(audio.payload)) response.end(audio.payload);
    else pipeline(audio.payload, response, () => {});
    return true;
  }

  /** Range buffers back to the pool once their response has finished (not if it was cut off). */
  function giveBack(borrowed: Buffer[]): void {
    for (const buffer of borrowed) buffers.give(buffer);
  }

  /** A range (or all) of an audio blob, ready to send. */
  type Audio = {
    size: number;
    start: number;
    end: number;
    length: number;
    payload: Buffer | Readable;
    /** Pool buffers the payload lives in, to give back once it has been sent. */
    borrowed: Buffer[];
  };

  async function readAudio(cid: string, range: ByteRange | undefined): Promise<Audio> {
    const lent: Buffer[] = [];
    const lend = (length: number): Uint8Array => {
      const buffer = buffers.take(length);
      lent.push(buffer);
      return buffer.subarray(0, length);
    };
    const { size, start, end, body, bytes } = await store.read(cid, { range, allocate: lend });
    const length = Math.max(0, end - start + 1);
    const span = { size, start, end, length };
    // A blob in the read cache: its range is a view of the cached buffer, sent as it is.
    if (bytes)
      return {
        ...span,
        payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        borrowed: [],
      };
    // A long range (a whole-file download) streams, at the pace the client takes it.
    if (length > MAX_BUFFERED_RANGE_BYTES)
      return { ...span, payload: Readable.from(body, { objectMode: false }), borrowed: [] };
    // A player's range is read whole into lent buffers and sent in one write.
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const payload =
      chunks.length === 1
        ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength)
        : Buffer.concat(chunks);
    return { ...span, payload, borrowed: lent };
  }

  return { serveStream, takeStream };
}
