#!/usr/bin/env node
// The example app's own dev server: serves the page, its stylesheet, app.js bundled with esbuild
// (again on each request, so edits show on reload) and /config.json, which tells the page the
// discovery nodes, the app's API key and the web player whose consent page logs users in.
// It also holds the app's secret key (COLIVING_API_SECRET, never sent to the page) and writes for
// a logged-in user: POST /api/favorite {trackId} with `Authorization: Bearer <access token>`,
// after verifying the token is this app's and allows `write`.
//
//   COLIVING_API_SECRET=0x... node server.mjs [--port 4390] [--discovery-node URL ...]
//     [--api-key 0x...] [--web-url http://127.0.0.1:4300]
//
// Without --discovery-node it takes the local network's from ../../.coliving/devnet.json (what
// `npm start` in the Coliving repository writes). @coliving/sdk is the built package: this
// project's node_modules/@coliving/sdk once `npm install` ran here, else the repository's
// packages/sdk/dist (`npm run build -w packages/sdk`). Listens on 127.0.0.1 only.
/* global Buffer, URL */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_SDK = join(HERE, '../../packages/sdk/dist/index.js');
const DEVNET = join(HERE, '../../.coliving/devnet.json');
/** The largest request body POST /api/favorite reads. */
const MAX_BODY = 4096;

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '4390' },
    'discovery-node': { type: 'string', multiple: true },
    'api-key': { type: 'string' },
    'web-url': { type: 'string' },
  },
});
const apiSecret = process.env.COLIVING_API_SECRET;

/** The local network's manifest, if `npm start` wrote one. */
async function devnet() {
  try {
    return JSON.parse(await readFile(DEVNET, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The discovery nodes: the flags', else the local network's. */
async function discoveryNodes() {
  if (flags['discovery-node']?.length) return flags['discovery-node'];
  const manifest = await devnet();
  if (!manifest)
    throw new Error(`no --discovery-node and no local network at ${DEVNET} (npm start first)`);
  return manifest.discoveryNodes.map((n) => n.endpoint);
}

/** The web player with the consent page: the flag's, else the local network's. */
async function webUrl() {
  return flags['web-url'] ?? (await devnet())?.web?.url ?? 'http://127.0.0.1:4300';
}

/** Where `@coliving/sdk` comes from: this project's install, else the repository's build. */
function sdkAlias() {
  if (existsSync(join(HERE, 'node_modules/@coliving/sdk/package.json'))) return {};
  if (existsSync(REPO_SDK)) return { '@coliving/sdk': REPO_SDK };
  throw new Error(
    '@coliving/sdk is not built: run `npm run build -w packages/sdk` in the repository, or `npm install` here',
  );
}

/** app.js and the SDK as one ES module for the browser. */
async function bundle() {
  const result = await build({
    entryPoints: [join(HERE, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias: sdkAlias(),
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const nodes = await discoveryNodes();
const web = await webUrl();
const alias = sdkAlias(); // fails at start, not on the first page load, when there is no SDK
const { createColivingSdk, isColivingSdkError } = await import(
  alias['@coliving/sdk'] ? pathToFileURL(alias['@coliving/sdk']).href : '@coliving/sdk'
);
if (apiSecret !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(apiSecret))
  throw new Error('COLIVING_API_SECRET must be the app’s secret key (0x and 64 hex digits)');
if (apiSecret && !flags['api-key']) throw new Error('COLIVING_API_SECRET needs --api-key');
/** The app's own SDK: it verifies tokens as this app and signs writes with the app's key. */
const appSdk = flags['api-key']
  ? createColivingSdk({ discoveryNodes: nodes, apiKey: flags['api-key'], apiSecret, webUrl: web })
  : undefined;

/** A JSON answer: `{error, code}` for a refusal. */
function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
const refuse = (response, status, code, error) => sendJson(response, status, { error, code });

/** The request's body as JSON (at most MAX_BODY bytes), or undefined when it is not that. */
async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * POST /api/favorite: the page sends the user's access token and a track id; this server checks
 * the token (signed by a discovery node, for this app, not expired, scope write) and favorites
 * the track for the token's user, signing with the app's key. The chain's grant decides whether
 * the write stands (a revoked grant is refused by the relay, whatever the token says).
 */
async function favorite(request, response) {
  if (!appSdk || !apiSecret)
    return refuse(
      response,
      503,
      'no_api_secret',
      'This server has no app secret (COLIVING_API_SECRET)',
    );
  const bearer = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
  if (!bearer)
    return refuse(response, 401, 'no_token', 'Log in with Coliving first (no access token)');
  let profile;
  try {
    profile = await appSdk.oauth.verifyToken(bearer[1]);
  } catch (error) {
    if (isColivingSdkError(error, 'network') || isColivingSdkError(error, 'no_healthy_node'))
      return refuse(response, 502, 'network', `Coliving could not be reached: ${error.message}`);
    return refuse(
      response,
      401,
      error.code ?? 'invalid_token',
      `The access token was refused: ${error.message}`,
    );
  }
  if (profile.scope !== 'write')
    return refuse(
      response,
      403,
      'insufficient_scope',
      'You allowed this app to read only: log in again and allow it to act for you',
    );
  const body = await readJson(request);
  const trackId = body?.trackId;
  if (typeof trackId !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(trackId))
    return refuse(response, 400, 'invalid_track_id', 'trackId must be a track id');
  try {
    await appSdk.tracks.save(profile.userId, trackId);
    return sendJson(response, 200, { favorited: trackId, userId: profile.userId });
  } catch (error) {
    const status = error.status >= 400 && error.status < 500 ? error.status : 502;
    return refuse(response, status, error.code ?? error.type ?? 'failed', error.message);
  }
}

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const send = (status, type, body) => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  const answer = async () => {
    if (path === '/api/favorite') {
      if (request.method !== 'POST') return send(405, 'text/plain', 'POST only');
      return favorite(request, response);
    }
    if (request.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (path === '/config.json')
      return send(
        200,
        'application/json',
        JSON.stringify({ discoveryNodes: nodes, apiKey: flags['api-key'] ?? null, webUrl: web }),
      );
    if (path === '/app.js') return send(200, 'text/javascript; charset=utf-8', await bundle());
    const file = STATIC[path];
    if (!file) return send(404, 'text/plain', 'Not found');
    return send(200, file[1], await readFile(join(HERE, file[0])));
  };
  answer().catch((error) => send(500, 'text/plain', `${error.message}\n`));
});
server.listen(Number(flags.port), '127.0.0.1', () => {
  console.log(`Favorites viewer on http://127.0.0.1:${server.address().port}`);
  console.log(`discovery nodes: ${nodes.join(', ')}; API key: ${flags['api-key'] ?? '(none)'}`);
  console.log(
    `consent page: ${web}/oauth/auth; writes: ${apiSecret ? 'on' : 'off (no COLIVING_API_SECRET)'}`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => server.close(() => process.exit(0)));
