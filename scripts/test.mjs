#!/usr/bin/env node
// Runs every workspace's tests in one node:test run, so the run closes on one summary.
// Usage: node scripts/test.mjs [path-prefix ...]   (e.g. `packages/protocol`)
// Extra flags after `--` go to node's test runner (e.g. `-- --test-name-pattern=hashid`).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const prefixes = (dash === -1 ? args : args.slice(0, dash)).map((p) => relative(root, resolve(p)));
const runnerFlags = dash === -1 ? [] : args.slice(dash + 1);

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.coliving', 'test-artifacts']);

/** Lists `*.test.ts` files under `dir`, depth first, in a stable order. */
function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = [];
for (const group of ['packages', 'apps']) {
  const groupDir = join(root, group);
  let names = [];
  try {
    names = readdirSync(groupDir).sort();
  } catch {
    continue;
  }
  for (const name of names) {
    const src = join(groupDir, name, 'src');
    try {
      if (!statSync(src).isDirectory()) continue;
    } catch {
      continue;
    }
    files.push(...findTests(src));
  }
}

const selected = files
  .map((f) => relative(root, f))
  .filter((f) => prefixes.length === 0 || prefixes.some((p) => f.startsWith(p)));
if (selected.length === 0) {
  console.error(`no test files found${prefixes.length ? ` under ${prefixes.join(', ')}` : ''}`);
  process.exit(1);
}

const concurrency = process.env.COLIVING_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    ...runnerFlags,
    ...selected,
  ],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  if (signal) {
    console.error(`test runner killed by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
