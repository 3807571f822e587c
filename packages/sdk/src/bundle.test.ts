import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

describe('the package in a browser', () => {
  it('bundles for the browser with no Node built-in and no server package', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes('packages/sdk/src/createColivingSdk.ts')));
    assert.deepEqual(
      inputs.filter((i) => /^node:|server-kit|packages\/storage|apps\/|testing\//.test(i)),
      [],
    );
  });
});
