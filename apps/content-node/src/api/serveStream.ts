import { Readable } from 'node:stream';
import { ForbiddenError, NotFoundError, parseCid } from '@coliving/protocol';
import { BufferPool } from '@coliving/server-kit';
import { type BlobStore, resolveRange } from '@coliving/storage';
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
import { redirectToHolder } from './redirectToHolder.js';

export type ServeStreamComponents = {
  store: BlobStore;
  listens: ListenJournal;
  /** Per (track, IP) limits a listen must be within to be journaled. */
  playLimits: PlayLimiter;
  network: NetworkView;
  /** A peer holding a blob this node lacks: the listener is sent there. */
  findHolder: FindHolder;
  metrics: Pick<ContentNodeMetrics, 'bytesServed' | 'listensLost' | 'listensOverLimit'>;
  log: FastifyBaseLogger;
};

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
  log,
}: ServeStreamComponents) {
  const verifyStream = createStreamSignatureVerifier();
  const buffers = new BufferPool(64 * 1024, MAX_BUFFERED_RANGE_BYTES);

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
    const lent: Buffer[] = [];
    const lend = (length: number): Uint8Array => {
      const buffer = buffers.take(length);
      lent.push(buffer);
      return buffer.subarray(0, length);
    };
    // One lookup gives the size, the range (a range past the end is a 416 before anything is
    // sent, for HEAD as for GET) and, for GET, the bytes.
    let size: number, start: number, end: number;
    let body: AsyncIterable<Uint8Array> | undefined;
    let inMemory: Uint8Array | undefined;
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
      size = info.size;
      ({ start, end } = resolveRange(range, size));
    } else {
      try {
        ({
          size,
          start,
          end,
          body,
          bytes: inMemory,
        } = await store.read(cid, {
          range,
          allocate: lend,
        }));
      } catch (error) {
        return redirectToHolder(findHolder, cid, request, reply, error);
      }
      // A listen: the audio from its first byte, signed as one (a preview or skip_play_count is
      // signed skipPlayCount), within the per (track, IP) limits; one over them is only counted.
      if (start === 0 && data.skipPlayCount !== true) {
        if (!playLimits.admit(data.trackId, request.ip)) {
          metrics.listensOverLimit.inc();
        } else {
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
      }
    }
    const length = Math.max(0, end - start + 1);
    reply
      .header('accept-ranges', 'bytes')
      .header('content-type', filename ? downloadContentType(filename) : 'audio/mpeg')
      .header('content-length', String(length))
      .header('cache-control', 'private, max-age=3600');
    if (filename) {
      reply
        .header('content-disposition', attachmentHeader(filename))
        .header('x-content-type-options', 'nosniff');
    }
    if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    if (body === undefined) return reply.send();
    metrics.bytesServed.inc(length);
    // A blob in the read cache: its range is a view of the cached buffer, sent as it is.
    if (inMemory) {
      return reply.send(Buffer.from(inMemory.buffer, inMemory.byteOffset, inMemory.byteLength));
    }
    if (length > MAX_BUFFERED_RANGE_BYTES) {
      // A long range (a whole-file download) streams, at the pace the client takes it.
      lent.length = 0;
      return reply.send(Readable.from(body, { objectMode: false }));
    }
    // A player's range is read whole into lent buffers and sent in one write; the buffers go
    // back to the pool once the response has finished (not if it was cut off midway).
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const payload =
      chunks.length === 1
        ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength)
        : Buffer.concat(chunks);
    const borrowed = lent.splice(0);
    if (borrowed.length > 0) {
      reply.raw.once('finish', () => {
        for (const buffer of borrowed) buffers.give(buffer);
      });
    }
    return reply.send(payload);
  }

  return { serveStream };
}
