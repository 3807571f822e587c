// The web player's production build on loopback, with /config.json naming the devnet's
// discovery nodes. A small static server: the devnet needs no more, and a real deployment puts
// the same dist/ behind any web server or CDN.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export type ServeWebParameters = {
  /** The build (apps/web/dist). */
  distDir: string;
  /** What /config.json tells the player. */
  config: { discoveryNodes: string[] };
  /** 0 for any free port. */
  port: number;
};

export type WebServer = { url: string; port: number; close(): Promise<void> };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
/** Text compresses well; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.map', '.svg', '.txt']);

type Body = { bytes: Buffer; gzipped: Buffer | null; etag: string; mtimeMs: number };

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Body,
): void {
  const gzip = body.gzipped !== null && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const bytes = gzip ? body.gzipped! : body.bytes;
  if (request.headers['if-none-match'] === body.etag && status === 200) {
    response.writeHead(304, { etag: body.etag, vary: 'accept-encoding' });
    response.end();
    return;
  }
  response.writeHead(status, {
    ...headers,
    etag: body.etag,
    vary: 'accept-encoding',
    'content-length': String(bytes.length),
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    'x-content-type-options': 'nosniff',
  });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
}

/** Serves `distDir`: files as they are, any other page path as index.html (the app routes it). */
export async function serveWeb({ distDir, config, port }: ServeWebParameters): Promise<WebServer> {
  const root = resolve(distDir);
  const cache = new Map<string, Body>();
  const configBody = Buffer.from(JSON.stringify(config));
  const configJson: Body = {
    bytes: configBody,
    gzipped: null,
    etag: `"${createHash('sha256').update(configBody).digest('hex').slice(0, 16)}"`,
    mtimeMs: 0,
  };

  async function load(path: string): Promise<Body | undefined> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const cached = cache.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached;
    const bytes = await readFile(path);
    const body: Body = {
      bytes,
      gzipped: COMPRESSIBLE.has(extname(path)) && bytes.length > 512 ? gzipSync(bytes) : null,
      etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`,
      mtimeMs: info.mtimeMs,
    };
    cache.set(path, body);
    return body;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return error(response, 405, 'method_not_allowed', 'Only GET and HEAD are served');
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://web').pathname);
    } catch {
      return error(response, 400, 'invalid_path', 'The path is not valid percent-encoding');
    }
    if (path.includes('\0')) return error(response, 400, 'invalid_path', 'The path has a NUL');
    if (path === '/config.json') {
      return send(
        request,
        response,
        200,
        {
          'content-type': TYPES['.json']!,
          'cache-control': 'no-cache',
        },
        configJson,
      );
    }
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) {
      return error(response, 400, 'invalid_path', 'The path leaves the site');
    }
    const found = path.endsWith('/') ? undefined : await load(file);
    if (found) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // Vite names assets by content hash: they never change, so they are cached for good.
      const cacheControl = path.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache';
      return send(
        request,
        response,
        200,
        { 'content-type': type, 'cache-control': cacheControl },
        found,
      );
    }
    // A path with a file extension names a file that is not there; any other is a page.
    if (extname(path) !== '') return error(response, 404, 'not_found', `No file ${path}`);
    const index = await load(join(root, 'index.html'));
    if (!index) return error(response, 503, 'not_built', 'The web player has not been built');
    return send(
      request,
      response,
      200,
      {
        'content-type': TYPES['.html']!,
        'cache-control': 'no-cache',
        // The consent page is never framed (clickjacking on Allow); other pages may be embedded.
        ...(path.startsWith('/oauth/')
          ? { 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY' }
          : {}),
      },
      index,
    );
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) => {
      if (!response.headersSent) error(response, 500, 'internal', 'The file could not be read');
      else response.destroy(cause as Error);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => done());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
