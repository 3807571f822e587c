import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  ConflictError,
  ForbiddenError,
  InvalidSignatureError,
  NotFoundError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from '@coliving/protocol';
import type { FastifyInstance } from 'fastify';
import { CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './constants.js';
import { type FastLane, createApp } from './createApp.js';
import { createLogger } from './createLogger.js';

/** Collects log lines so tests can see what was (and was not) logged. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, stream };
}

describe('createApp', () => {
  const sink = logSink();
  let app: FastifyInstance;

  before(async () => {
    app = createApp({
      logger: createLogger({ name: 'test', destination: sink.stream }),
      bodyLimit: 1024,
    });
    const thrown: Record<string, () => Error> = {
      validation: () => new ValidationError('Bad id "x"', { code: 'invalid_id' }),
      unauthorized: () => new UnauthorizedError('Sign in first'),
      signature: () =>
        new InvalidSignatureError('Signature has expired', { code: 'signature_expired' }),
      forbidden: () => new ForbiddenError('Not yours'),
      notfound: () => new NotFoundError('No such track'),
      conflict: () => new ConflictError('Handle taken', { code: 'handle_taken' }),
      toolarge: () => new PayloadTooLargeError('Too big'),
      range: () => new RangeNotSatisfiableError('Range starts past the end', { size: 100 }),
      unprocessable: () => new UnprocessableError('Not audio', { code: 'not_audio' }),
      ratelimited: () => new RateLimitedError('Slow down', { retryAfterSeconds: 2.5 }),
      unavailable: () =>
        new UnavailableError('Chain unreachable', { details: 'ECONNREFUSED 10.0.0.1:8545' }),
      internal: () => new Error('password=hunter2 at /srv/secret/path'),
    };
    app.get<{ Params: { kind: string } }>('/throw/:kind', async (request) => {
      throw (thrown[request.params.kind] ?? (() => new Error('unknown')))();
    });
    app.post(
      '/echo',
      {
        schema: {
          body: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 10 } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
      async (request) => ({ data: request.body }),
    );
    app.get(
      '/query',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: {
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
              id: { type: 'array', items: { type: 'string' }, maxItems: 3 },
            },
            additionalProperties: false,
          },
        },
      },
      async (request) => ({ data: request.query }),
    );
    app.get('/stream-then-fail', async (_request, reply) => {
      reply
        .header('content-range', 'bytes 0-9/100')
        .header('cache-control', 'public, max-age=31536000, immutable');
      throw new NotFoundError('Blob is gone');
    });
    app.get('/plugin-error', async () => {
      throw Object.assign(new Error('reach files limit'), {
        code: 'FST_FILES_LIMIT',
        statusCode: 413,
      });
    });
    app.get('/id', async (request) => ({ data: request.id }));
    app.post('/big', { bodyLimit: 4096 }, async (request) => ({
      data: (request.body as { s: string }).s.length,
    }));
    await app.ready();
  });

  after(async () => {
    await app.close();
  });

  it('maps each domain error to its status and stable code', async () => {
    const expected: [string, number, string, string][] = [
      ['validation', 400, 'invalid_id', 'Bad id "x"'],
      ['unauthorized', 401, 'unauthorized', 'Sign in first'],
      ['signature', 401, 'signature_expired', 'Signature has expired'],
      ['forbidden', 403, 'forbidden', 'Not yours'],
      ['notfound', 404, 'not_found', 'No such track'],
      ['conflict', 409, 'handle_taken', 'Handle taken'],
      ['toolarge', 413, 'payload_too_large', 'Too big'],
      ['range', 416, 'range_not_satisfiable', 'Range starts past the end'],
      ['unprocessable', 422, 'not_audio', 'Not audio'],
      ['ratelimited', 429, 'rate_limited', 'Slow down'],
      ['unavailable', 503, 'unavailable', 'Chain unreachable'],
    ];
    for (const [kind, status, code, message] of expected) {
      const res = await app.inject({ method: 'GET', url: `/throw/${kind}` });
      assert.equal(res.statusCode, status, kind);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(res.json(), { error: { code, message } }, kind);
    }
  });

  it('drops headers a failed handler had set, and never lets an error be cached', async () => {
    const res = await app.inject({ method: 'GET', url: '/stream-then-fail' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['content-range'], undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('keeps the 4xx status of plugin errors', async () => {
    const res = await app.inject({ method: 'GET', url: '/plugin-error' });
    assert.equal(res.statusCode, 413);
    assert.deepEqual(res.json(), {
      error: { code: 'payload_too_large', message: 'reach files limit' },
    });
  });

  it('answers a malformed URL with the house error body', async () => {
    const res = await app.inject({ method: 'GET', url: '/throw/%E0%A4%A' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'bad_url');
  });

  it('keeps a plain client request id and replaces a hostile one', async () => {
    const plain = await app.inject({
      method: 'GET',
      url: '/id',
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.deepEqual(plain.json(), { data: 'abc-123' });
    for (const hostile of ['x'.repeat(5000), 'a b', 'id\u0000']) {
      const res = await app.inject({
        method: 'GET',
        url: '/id',
        headers: { 'x-request-id': hostile },
      });
      assert.match(res.json<{ data: string }>().data, /^[0-9a-f-]{36}$/);
    }
  });

  it('says the resource length on 416', async () => {
    const res = await app.inject({ method: 'GET', url: '/throw/range' });
    assert.equal(res.headers['content-range'], 'bytes */100');
  });

  it('sets Retry-After on 429, rounded up to whole seconds', async () => {
    const res = await app.inject({ method: 'GET', url: '/throw/ratelimited' });
    assert.equal(res.headers['retry-after'], '3');
  });

  it('answers unknown errors with a generic 500 and logs the cause', async () => {
    const res = await app.inject({ method: 'GET', url: '/throw/internal' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), {
      error: { code: 'internal_error', message: 'Internal server error' },
    });
    assert.doesNotMatch(res.body, /hunter2|secret|at \//);
    const logged = sink.lines.find(
      (l) => l.msg === 'request failed' && JSON.stringify(l).includes('hunter2'),
    );
    assert.ok(logged, 'the cause is logged for operators');
  });

  it('never sends details of a domain error', async () => {
    const res = await app.inject({ method: 'GET', url: '/throw/unavailable' });
    assert.doesNotMatch(res.body, /ECONNREFUSED|10\.0\.0\.1/);
  });

  it('lets web apps on other origins read answers, errors included, and preflights any route', async () => {
    for (const url of ['/stream-then-fail', '/nope', '/throw/notfound']) {
      const res = await app.inject({ method: 'GET', url, headers: { origin: 'http://app.test' } });
      assert.equal(res.headers['access-control-allow-origin'], '*', url);
      assert.match(String(res.headers['access-control-expose-headers']), /content-range/);
    }
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/uploads',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-coliving-signature,content-type',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    const allowed = String(preflight.headers['access-control-allow-headers']).split(', ');
    for (const name of [
      'x-coliving-wallet',
      'x-coliving-timestamp',
      'x-coliving-signature',
      'x-coliving-content-sha256',
    ]) {
      assert.ok(allowed.includes(name), name);
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      error: { code: 'route_not_found', message: 'No route for GET /nope' },
    });
  });

  it('refuses schema violations, unknown properties and wrong types with 400', async () => {
    for (const payload of [
      {},
      { name: 5 },
      { name: 'x'.repeat(11) },
      { name: 'ok', admin: true },
      [1],
    ]) {
      const res = await app.inject({ method: 'POST', url: '/echo', payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const body = res.json<{ error: { code: string; message: string } }>();
      assert.equal(body.error.code, 'validation_error');
      assert.ok(body.error.message.length > 0);
    }
    const ok = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'ok' } });
    assert.deepEqual(ok.json(), { data: { name: 'ok' } });
  });

  it('coerces query strings to the schema types, with defaults, and refuses bad values', async () => {
    const ok = await app.inject({ method: 'GET', url: '/query?limit=10&id=a&id=b' });
    assert.deepEqual(ok.json(), { data: { limit: 10, id: ['a', 'b'] } });
    const single = await app.inject({ method: 'GET', url: '/query?id=a' });
    assert.deepEqual(single.json(), { data: { limit: 100, id: ['a'] } });
    for (const query of ['limit=abc', 'limit=0', 'limit=501', 'id=a&id=b&id=c&id=d']) {
      const res = await app.inject({ method: 'GET', url: `/query?${query}` });
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'validation_error');
    }
  });

  it('drops query parameters a route does not declare (Audius ignores them), keeps bodies exact', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/query?limit=7&isrc=US1234567890&omit_tracks=true&is_verified=1&id=a',
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { data: { limit: 7, id: ['a'] } });
    const bad = await app.inject({ method: 'GET', url: '/query?sneaky=1&limit=abc' });
    assert.equal(bad.statusCode, 400);
    const body = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { name: 'ok', sneaky: 1 },
    });
    assert.equal(body.statusCode, 400);
    assert.equal(body.json<{ error: { code: string } }>().error.code, 'validation_error');
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'invalid_json');
  });

  it('refuses unsupported media types with 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/x-evil' },
      payload: 'name=x',
    });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'unsupported_media_type');
  });

  it('enforces the app body limit and per-route limits with 413', async () => {
    const big = { name: 'x', pad: 'y'.repeat(2000) };
    const res = await app.inject({ method: 'POST', url: '/echo', payload: big });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'payload_too_large');
    const roomier = await app.inject({
      method: 'POST',
      url: '/big',
      payload: { s: 'y'.repeat(3000) },
    });
    assert.deepEqual(roomier.json(), { data: 3000 });
    const tooBig = await app.inject({
      method: 'POST',
      url: '/big',
      payload: { s: 'y'.repeat(5000) },
    });
    assert.equal(tooBig.statusCode, 413);
  });

  it('cuts off a chunked body with no Content-Length at the limit, over a real socket', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const result = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0;
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/echo',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
          },
        );
        req.on('error', reject);
        // Write 1 MiB in chunks; the server must answer 413 without waiting for all of it.
        req.write('{"name":"');
        const chunk = 'z'.repeat(16 * 1024);
        const pump = () => {
          while (sent < 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end('"}');
        };
        pump();
      },
    );
    assert.equal(result.status, 413);
    assert.equal(
      (JSON.parse(result.body) as { error: { code: string } }).error.code,
      'payload_too_large',
    );
  });
});

describe('createApp with a fast lane', () => {
  let app: FastifyInstance;
  let base: string;
  const lane: FastLane = {};

  before(async () => {
    app = createApp({ logger: false, fastLane: lane });
    app.get('/fast', async () => ({ by: 'fastify' }));
    app.get('/declined', async () => ({ by: 'fastify' }));
    app.get('/thrown', async () => ({ by: 'fastify' }));
    lane.take = async (request, response) => {
      if (request.url === '/thrown') throw new Error('the lane failed before writing');
      if (request.url !== '/fast') return false;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"by":"lane"}');
      return true;
    };
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await app?.close();
  });

  it('answers what the lane takes, and fastify answers what it declines or fails on', async () => {
    assert.deepEqual(await (await fetch(`${base}/fast`)).json(), { by: 'lane' });
    assert.deepEqual(await (await fetch(`${base}/declined`)).json(), { by: 'fastify' });
    assert.deepEqual(await (await fetch(`${base}/thrown`)).json(), { by: 'fastify' });
    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(
      ((await missing.json()) as { error: { code: string } }).error.code,
      'route_not_found',
    );
  });

  it('keeps the server timeouts fastify would set', () => {
    assert.equal(app.server.requestTimeout, REQUEST_TIMEOUT_MS);
    assert.equal(app.server.timeout, CONNECTION_TIMEOUT_MS);
    assert.ok(app.server.keepAliveTimeout > 5000);
  });
});
