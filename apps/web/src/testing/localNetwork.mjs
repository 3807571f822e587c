// A real local network for the web player's tests (both chains, one discovery node, no content
// node) in a process of its own, as `coliving devnet` starts one; started and stopped by
// startLocalNetwork in localNetwork.ts. With `--web`, the web player is also built (into
// <dir>/web, so no other build is disturbed) and served on loopback with /config.json naming the
// node. Prints `{"endpoint": …, "web": …}` once ready; stops everything on SIGTERM or when its
// parent goes away (stdin closes).
// Usage: node localNetwork.mjs <dir> [--web]
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const dir = process.argv[2];
const withWeb = process.argv.includes('--web');
const { startNetwork } = await import('../../../devnet/src/index.ts');
const network = await startNetwork({ dir, contentNodes: 0, discoveryNodes: 1 });
const endpoint = network.discoveryNodes[0].endpoint;
let web;
if (withWeb) {
  const { buildWeb } = await import('../../../devnet/src/buildWeb.ts');
  const { serveWeb } = await import('../../../devnet/src/serveWeb.ts');
  const { outDir } = await buildWeb({
    root: ROOT,
    outDir: join(dir, 'web'),
    logFile: join(dir, 'web-build.log'),
  });
  web = await serveWeb({ distDir: outDir, config: { discoveryNodes: [endpoint] }, port: 0 });
}
process.stdout.write(`${JSON.stringify({ endpoint, web: web?.url })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await web?.close();
  await network.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
