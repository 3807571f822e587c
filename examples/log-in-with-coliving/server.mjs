#!/usr/bin/env node
// The example app's own dev server: serves the page, its stylesheet, app.js bundled with esbuild
// (again on each request, so edits show on reload) and /config.json, which tells the page the
// discovery nodes and the app's API key.
//
//   node server.mjs [--port 4390] [--discovery-node URL ...] [--api-key 0x...]
//
// Without --discovery-node it takes the local network's from ../../.coliving/devnet.json (what
// `npm start` in the Coliving repository writes). @coliving/sdk is the built package: this
// project's node_modules/@coliving/sdk once `npm install` ran here, else the repository's
// packages/sdk/dist (`npm run build -w packages/sdk`). Listens on 127.0.0.1 only.
/* global URL */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_SDK = join(HERE, '../../packages/sdk/dist/index.js');
const DEVNET = join(HERE, '../../.coliving/devnet.json');

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '4390' },
    'discovery-node': { type: 'string', multiple: true },
    'api-key': { type: 'string' },
  },
});

/** The discovery nodes: the flags', else the local network's. */
async function discoveryNodes() {
  if (flags['discovery-node']?.length) return flags['discovery-node'];
  try {
    const manifest = JSON.parse(await readFile(DEVNET, 'utf8'));
    return manifest.discoveryNodes.map((n) => n.endpoint);
  } catch {
    throw new Error(`no --discovery-node and no local network at ${DEVNET} (npm start first)`);
  }
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
sdkAlias(); // fails at start, not on the first page load, when there is no SDK to bundle
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const send = (status, type, body) => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  const answer = async () => {
    if (request.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (path === '/config.json')
      return send(
        200,
        'application/json',
        JSON.stringify({ discoveryNodes: nodes, apiKey: flags['api-key'] ?? null }),
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
});
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => server.close(() => process.exit(0)));
