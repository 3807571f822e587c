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
import type { Address } from 'viem';
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

/** URLs the lane remembers at most, and the longest it remembers (a signed URL is < 1 KiB). */
const MAX_REMEMBERED_URLS = 4096;
const MAX_REMEMBERED_URL = 2048;

/** What the lane needs from a stream URL. */
type LaneTarget = { cid: string; signature: string };

/**
 * The CID and the one signature of `/tracks/cidstream/<cid>?signature=…`, or null for what the
 * lane leaves to fastify: no query, an escaped or invalid CID, no or several signatures, a
 * download name or a hop.
 */
function readLaneTarget(url: string): LaneTarget | null {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return null;
  const cidText = url.slice(STREAM_PATH.length, queryAt);
  if (!PLAIN_PATH_PART.test(cidText)) return null;
  const query = new URLSearchParams(url.slice(queryAt + 1));
  const signatures = query.getAll('signature');
  if (signatures.length !== 1 || query.has('filename') || query.has(HOP_PARAM)) return null;
  try {
    return { cid: parseCid(cidText), signature: signatures[0]! };
  } catch {
    return null;
  }
}

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

  /** Stream URLs the lane has read, by the URL: a player asks one URL for every range of a track. */
  const laneTargets = new Map<string, LaneTarget | null>();

  /** The CID and the signature of a URL the lane may answer, or null (fastify answers it). */
  function laneTarget(url: string): LaneTarget | null {
    let target = laneTargets.get(url);
    if (target !== undefined) return target;
    target = readLaneTarget(url);
    // Long URLs are read each time, so that the memory held stays small whatever clients send.
    if (url.length <= MAX_REMEMBERED_URL) {
      laneTargets.set(url, target);
      if (laneTargets.size > MAX_REMEMBERED_URLS)
        laneTargets.delete(laneTargets.keys().next().value!);
    }
    return target;
  }

  /**
   * The same answer as serveStream for its common case (a GET of a stream a known discovery node
   * signed, no download name, no hop), without fastify's per-request work: false, having written
   * nothing, for anything else or any failure, and fastify's route answers it (createApp's
   * FastLane). A remembered signature of a blob in the read cache, a player's next range, is
   * answered at once; anything else waits for the signature's recovery or the disk. A test holds
   * the lane's and fastify's answers equal (serveStream.test.ts).
   */
  function takeStream(
    request: IncomingMessage,
    response: ServerResponse,
  ): boolean | Promise<boolean> {
    const url = request.url;
    if (request.method !== 'GET' || !url?.startsWith(STREAM_PATH)) return false;
    const begun = performance.now();
    const target = laneTarget(url);
    if (!target) return false;
    const known = verifyStream.recall(target.signature, target.cid);
    if (known) return answerInLane(request, response, target.cid, known, begun);
    return verifyStream(target.signature, target.cid).then((verified) =>
      answerInLane(request, response, target.cid, verified, begun),
    );
  }

  function answerInLane(
    request: IncomingMessage,
    response: ServerResponse,
    cid: string,
    { signer, data }: { signer: Address; data: StreamSignatureData },
    begun: number,
  ): boolean | Promise<boolean> {
    if (!network.isDiscoverySigner(signer)) return false;
    const rangeHeader =
      typeof request.headers.range === 'string' ? request.headers.range : undefined;
    const range = parseRangeHeader(rangeHeader);
    const cached = store.readCached?.(cid, range);
    if (cached) {
      const { bytes } = cached;
      const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const audio = { ...cached, length: bytes.byteLength, payload, borrowed: [] };
      sendInLane(request, response, cid, data, range, audio, begun);
      return true;
    }
    return readAudio(cid, range).then((audio) => {
      sendInLane(request, response, cid, data, range, audio, begun);
      return true;
    });
  }

  function sendInLane(
    request: IncomingMessage,
    response: ServerResponse,
    cid: string,
    data: StreamSignatureData,
    range: ByteRange | undefined,
    audio: Audio,
    begun: number,
  ): void {
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
