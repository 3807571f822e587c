// scripts/importCycles.mjs (part of `npm run lint`): the tree has no import loop, type-only
// imports included, and the check reports both a loop of values and a loop closed only by types.
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script without declarations.
import { defaultDirs as dirsOfTree, findImportCycles } from './importCycles.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const find = findImportCycles as (dirs: string[]) => string[][];
const defaultDirs = dirsOfTree as () => string[];

describe('import loops', () => {
  it('finds a loop closed only by type imports', () => {
    assert.deepEqual(find([join(ROOT, 'scripts/fixtures/typeCycle')]), [
      ['scripts/fixtures/typeCycle/painter.ts', 'scripts/fixtures/typeCycle/shape.ts'],
    ]);
  });

  it('finds a loop of value imports', () => {
    assert.deepEqual(find([join(ROOT, 'scripts/fixtures/importCycle')]), [
      ['scripts/fixtures/importCycle/first.ts', 'scripts/fixtures/importCycle/second.ts'],
    ]);
  });

  it('finds none in the packages, the apps, bench and scripts', () => {
    assert.deepEqual(find(defaultDirs()), []);
  });
});
