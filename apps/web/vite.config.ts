import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const DEVNET_MANIFEST = fileURLToPath(new URL('../../.coliving/devnet.json', import.meta.url));

/**
 * `vite` (the dev server) answers /config.json from the running devnet's manifest, so
 * `npm start` in one terminal and `npm run dev -w apps/web` in another is all a developer needs.
 */
function devnetConfig(): Plugin {
  return {
    name: 'coliving-devnet-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_request, response) => {
        readFile(DEVNET_MANIFEST, 'utf8').then(
          (text) => {
            const manifest = JSON.parse(text) as { discoveryNodes: { endpoint: string }[] };
            response.setHeader('content-type', 'application/json');
            response.end(
              JSON.stringify({ discoveryNodes: manifest.discoveryNodes.map((n) => n.endpoint) }),
            );
          },
          () => {
            response.statusCode = 503;
            response.end(`No devnet manifest at ${DEVNET_MANIFEST}: run npm start first`);
          },
        );
      });
    },
  };
}

// The player is a static build: `vite build` writes dist/, which the devnet (or any static host)
// serves with /config.json beside it naming the discovery nodes.
export default defineConfig({
  plugins: [react(), devnetConfig()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // dist/.vite/manifest.json: the chunk graph, from which the test of the JS budget reads what
    // the first page loads.
    manifest: true,
    // The budget is checked by bench:web and a test; vite's own warning is noise at our sizes.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: 'happy-dom',
    // Unit and component tests; the *.e2e.test.ts files drive a real browser under node:test.
    include: ['src/**/*.test.{ts,tsx}'],
    exclude: ['src/**/*.e2e.test.ts', 'node_modules/**'],
    setupFiles: ['src/testing/setup.ts'],
  },
});
