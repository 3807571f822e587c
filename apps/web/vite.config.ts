import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The player is a static build: `vite build` writes dist/, which the devnet (or any static host)
// serves with /config.json beside it naming the discovery nodes.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: true,
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
