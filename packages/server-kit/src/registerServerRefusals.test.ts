import assert from 'node:assert/strict';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApp } from './createApp.js';
import { clientErrorResponse } from './registerServerRefusals.js';

type RawAnswer = { status: number; headers: Record<string, string>; body: string };

/** Parses every HTTP/1.1 response in `text` (pipelined answers arrive back to back). */
function parseAnswers(text: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    answers.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + length),
    });
    rest = rest.slice(end + 4 + length);
  }
  return answers;
}

/**
 * Writes raw bytes to the server over a real loopback socket and reads until the server closes
 * the connection: fetch and node:http refuse to send most of these requests at all.
 */
async function rawExchange(
  port: number,
  request: string,
  between?: () => Promise<string>,
): Promise<RawAnswer[]> {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // A reset after the answer (the server closes with bytes unread) is not a failure here.
  socket.on('error', () => {});
  socket.write(request, 'latin1');
  if (between) socket.write(await between(), 'latin1');
  await closed;
  return parseAnswers(received);
}

async function rawRequest(port: number, request: string): Promise<RawAnswer> {
  const [answer] = await rawExchange(port, request);
  assert.ok(answer, `an answer to ${JSON.stringify(request.slice(0, 60))}`);
  return answer;
}

/** Asserts the house error shape, the status, the stable code and the CORS headers. */
function assertRefusal(answer: RawAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.body);
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(answer.headers['access-control-allow-origin'], '*');
  assert.equal(answer.headers['cache-control'], 'no-store');
  const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 0);
}

describe('requests refused before any route runs', () => {
  let app: FastifyInstance;
  let port: number;
  let releaseSlow: () => void = () => {};
  let slowEntered: Promise<void>;
  let enterSlow: () => void = () => {};
  let closing: Promise<void> | undefined;

  before(async () => {
    app = createApp({ logger: false });
    app.get('/id', async () => ({ data: 'ok' }));
    app.get<{ Params: { id: string } }>('/p/:id', async (request) => ({ data: request.params.id }));
    slowEntered = new Promise((resolve) => (enterSlow = resolve));
    app.get('/slow', async () => {
      enterSlow();
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      return { data: 'slow' };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ({ port } = app.server.address() as AddressInfo);
  });

  after(async () => {
    releaseSlow();
    await (closing ?? app.close());
  });

  it('answers a control byte in the URL with 400 bad_request', async () => {
    for (const byte of ['\x01', '\x00', '\x7f', '\x1b']) {
      const answer = await rawRequest(port, `GET /id${byte}x HTTP/1.1\r\nHost: a\r\n\r\n`);
      assertRefusal(answer, 400, 'bad_request');
    }
  });

  it('answers a 20 KB header with 431 header_too_large', async () => {
    const answer = await rawRequest(
      port,
      `GET /id HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    assertRefusal(answer, 431, 'header_too_large');
  });

  it('answers a 20 KB URL with 414 uri_too_long', async () => {
    const answer = await rawRequest(
      port,
      `GET /id?q=${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    assertRefusal(answer, 414, 'uri_too_long');
  });

  it('answers malformed framing and methods with 400 bad_request', async () => {
    for (const request of [
      'GET /id HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx',
      'G@T /id HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /id HTTP/1.1\r\nHost: a\r\nBad\x01Name: x\r\n\r\n',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    ]) {
      assertRefusal(await rawRequest(port, request), 400, 'bad_request');
    }
  });

  it('answers an unsupported Expect with 417 expectation_failed', async () => {
    const answer = await rawRequest(
      port,
      'GET /id HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nConnection: close\r\n\r\n',
    );
    assertRefusal(answer, 417, 'expectation_failed');
  });

  it('answers CONNECT with 405 method_not_allowed instead of dropping the connection', async () => {
    const answer = await rawRequest(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n');
    assertRefusal(answer, 405, 'method_not_allowed');
  });

  it("answers fastify's own URL refusals with CORS headers, over a socket", async () => {
    const badUrl = await rawRequest(
      port,
      'GET /p/%E0%A4%A HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    assertRefusal(badUrl, 400, 'bad_url');
    const longParam = await rawRequest(
      port,
      `GET /p/${'a'.repeat(200)} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    );
    assertRefusal(longParam, 414, 'uri_too_long');
  });

  it('says a request took too long to arrive with 408 request_timeout', () => {
    // Node checks request deadlines every 30 s, too slow for a socket test: the mapping alone.
    const timeout = Object.assign(new Error('Request timeout'), {
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
    });
    assert.deepEqual(clientErrorResponse(timeout)?.body.error.code, 'request_timeout');
    assert.equal(clientErrorResponse(timeout)?.statusCode, 408);
    assert.equal(
      clientErrorResponse(Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
      undefined,
    );
  });

  it("answers a request that arrives while the app closes with our 503, not fastify's", async () => {
    const answers = await rawExchange(port, 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n', async () => {
      await slowEntered;
      closing = app.close();
      const deadline = Date.now() + 5_000;
      while (app.server.listening) {
        if (Date.now() > deadline) throw new Error('the server never began to close');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // The second request reaches fastify while the app is closing and the first is in flight.
      setTimeout(() => releaseSlow(), 50);
      return 'GET /id HTTP/1.1\r\nHost: a\r\n\r\n';
    });
    assert.equal(answers.length, 2);
    assert.deepEqual([answers[0]?.status, answers[0]?.body], [200, '{"data":"slow"}']);
    assertRefusal(answers[1]!, 503, 'unavailable');
    assert.equal(answers[1]?.headers.connection, 'close');
    await closing;
  });
});
