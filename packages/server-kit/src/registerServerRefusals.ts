import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { HttpError } from './httpError.js';
import { CORS_HEADERS } from './registerCors.js';

/** What Node's HTTP server hands to `clientError`: a parse error and the bytes it stopped in. */
export type ClientError = Error & {
  code?: string;
  reason?: string;
  rawPacket?: unknown;
  bytesParsed?: unknown;
};

/** An error answer of ours that no domain error stands for. */
export function refusal(statusCode: number, code: string, message: string): HttpError {
  return { statusCode, body: { error: { code, message } }, headers: {}, log: false };
}

/** llhttp's reasons are fixed texts ("Invalid header value char"); anything else is not echoed. */
const PLAIN_REASON = /^[A-Za-z0-9 ,.'-]{1,80}$/;

/**
 * True when the parser overflowed inside a request line, so the URL is what is too long: the line
 * holding the failing byte starts with a method and a space, as no header line can. When a long
 * line arrived in many small packets its start is out of sight, and the answer stays 431.
 */
function overflowedInRequestLine(error: ClientError): boolean {
  const packet = error.rawPacket;
  if (!Buffer.isBuffer(packet)) return false;
  const at = typeof error.bytesParsed === 'number' ? error.bytesParsed : packet.length;
  const from = at > 0 ? packet.lastIndexOf(0x0a, Math.min(at, packet.length) - 1) + 1 : 0;
  return /^[A-Z]{3,16} /.test(packet.subarray(from, from + 20).toString('latin1'));
}

/**
 * The answer to a request Node's HTTP parser refused before any route could see it (a control
 * byte in the URL, a header section over `--max-http-header-size`, a request that took too long
 * to arrive, malformed framing), or undefined for a failing connection (ECONNRESET, EPIPE, …):
 * no one is there to read an answer.
 */
export function clientErrorResponse(error: ClientError): HttpError | undefined {
  if (typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) return undefined;
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return overflowedInRequestLine(error)
        ? refusal(414, 'uri_too_long', 'The request URL is too long')
        : refusal(431, 'header_too_large', 'The request headers are too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return refusal(413, 'payload_too_large', 'The chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refusal(408, 'request_timeout', 'The request took too long to arrive');
    default: {
      const reason = typeof error.reason === 'string' ? error.reason : '';
      const detail = PLAIN_REASON.test(reason) ? `: ${reason}` : '';
      return refusal(400, 'bad_request', `The request is not valid HTTP${detail}`);
    }
  }
}

/** A whole HTTP/1.1 response, as bytes for a socket no `ServerResponse` stands for. */
export function rawResponse(http: HttpError): string {
  const body = JSON.stringify(http.body);
  const headers: Record<string, string> = {
    ...http.headers,
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${http.statusCode} ${STATUS_CODES[http.statusCode] ?? ''}\r\n${lines.join('')}\r\n${body}`;
}

/** Writes `http` to a socket Node has no response object for, and closes it. */
export function answerOnSocket(socket: Duplex, http: HttpError): void {
  // A response already under way on this connection (a pipelined request timed out) cannot be
  // followed by another one; the connection just closes. Node's own handler checks the same.
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !current?.headersSent) socket.write(rawResponse(http));
  socket.destroy();
}

/**
 * fastify's `clientErrorHandler`: answers what Node's parser refused with the house error body,
 * where fastify's default answers its own shape and no stable code.
 */
export function answerClientError(this: FastifyInstance, error: Error, socket: Duplex): void {
  const http = clientErrorResponse(error);
  if (!http) {
    socket.destroy();
    return;
  }
  // Malformed requests are the client's business, and scanners send many: not worth a warning.
  this.log.debug({ err: error }, 'refused a malformed request');
  answerOnSocket(socket, http);
}

/**
 * The refusals outside fastify's error handler, each with the house error body: two requests
 * Node's HTTP server refuses itself before fastify sees them, an `Expect` other than
 * 100-continue (Node answers 417 with no body) and the CONNECT method (Node drops the connection
 * without an answer); and requests that arrive on an open connection while the app closes (a 503
 * that tells the client to go to another node, where fastify's own has another shape). Parser
 * errors are `answerClientError`, set as fastify's `clientErrorHandler`.
 */
export function registerServerRefusals(app: FastifyInstance): void {
  const server: Server = app.server;
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A callback hook, not an async one: it runs on every request, streams included.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply
      .status(503)
      .headers({ connection: 'close', 'cache-control': 'no-store' })
      .send(refusal(503, 'unavailable', 'The node is stopping; ask another node').body);
  });
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const http = refusal(417, 'expectation_failed', 'Only "Expect: 100-continue" is supported');
    const body = JSON.stringify(http.body);
    response.writeHead(http.statusCode, {
      ...CORS_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    response.end(body);
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, refusal(405, 'method_not_allowed', 'CONNECT is not supported'));
  });
}
