import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { createDemoSeeding } from './demoSeeding.js';

describe('createDemoSeeding', () => {
  it("lets the run's concurrent calls all listen to its signal without a Node warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // With and without the caller's own signal (the run then listens through AbortSignal.any).
      for (const outer of [undefined, new AbortController().signal]) {
        const { signal } = createDemoSeeding({ cacheDir: tmpdir(), signal: outer });
        // What `npm start` does at its busiest: writes, uploads and image renders at once.
        for (let i = 0; i < 60; i++) signal.addEventListener('abort', () => undefined);
      }
      // Node emits a warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    );
  });
});
