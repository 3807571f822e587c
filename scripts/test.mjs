#!/usr/bin/env node
// Runs every workspace's tests (and the repository's own, under scripts/) in one node:test run, so
// the run closes on one summary, then the web player's component tests (`*.test.tsx`, in a DOM)
// with vitest.
// Usage: node scripts/test.mjs [path-prefix ...]   (e.g. `packages/protocol`, `apps/web`)
// A prefix is taken from the current directory: a workspace's `npm test` runs
// `node ../../scripts/test.mjs .` inside the workspace, so `npm test -w <workspace>` runs its tests.
// Extra flags after `--` go to node's test runner (e.g. `-- --test-name-pattern=hashid`).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const prefixes = (dash === -1 ? args : args.slice(0, dash)).map((p) => relative(root, resolve(p)));
const runnerFlags = dash === -1 ? [] : args.slice(dash + 1);

/** Whether `file` (relative to the root) lies under one of the prefixes, or there are none. */
function isSelected(file) {
  return prefixes.length === 0 || prefixes.some((p) => file.startsWith(p));
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.coliving', 'test-artifacts']);

/** Lists test files (`*.test.ts`, or `suffix`) under `dir`, depth first, in a stable order. */
function findTests(dir, suffix = '.test.ts') {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full, suffix));
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

const files = findTests(join(root, 'scripts'));
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
    // The web player's unit and component tests run in vitest (a DOM); node:test takes only its
    // end-to-end tests, which drive a browser against a devnet.
    files.push(...findTests(src).filter((f) => name !== 'web' || f.endsWith('.e2e.test.ts')));
  }
}

/**
 * Seconds the slowest files took in a CI run (node:test at concurrency 2 on two cores, 2026-12).
 * Only the order of the run uses them: node:test starts files in the order given, so the longest
 * start first and none is left running alone at the end. Files not named here come after, the
 * other end-to-end files (each starts a network) before the rest.
 */
const SLOW_FILES = {
  'apps/cli/src/money.e2e.test.ts': 285,
  // Builds the SDK, starts a network and npm-installs the package meanwhile (230 s alone).
  'apps/devnet/src/sdkPackage.e2e.test.ts': 230,
  'apps/web/src/e2e/player.e2e.test.ts': 177,
  'apps/devnet/src/demoGates.e2e.test.ts': 135,
  // A build of the SDK, a network and Chromium.
  'apps/devnet/src/exampleApp.e2e.test.ts': 120,
  // Two discovery nodes, the built player, the example app and Chromium.
  'apps/devnet/src/logInWithColiving.e2e.test.ts': 200,
  // npm-installs @audius/sdk on a machine without it cached (about 60 s), then a network.
  'apps/devnet/src/audiusSdk.e2e.test.ts': 180,
  'apps/devnet/src/payments.e2e.test.ts': 117,
  'apps/cli/src/devnet.e2e.test.ts': 115,
};
const weight = (file) => SLOW_FILES[file] ?? (file.endsWith('.e2e.test.ts') ? 60 : 0);

const selected = files
  .map((f) => relative(root, f))
  .filter(isSelected)
  .map((file, index) => ({ file, index }))
  .sort((a, b) => weight(b.file) - weight(a.file) || a.index - b.index)
  .map(({ file }) => file);

const webDir = join(root, 'apps/web');
const webTests = [
  ...findTests(join(webDir, 'src'), '.test.tsx'),
  ...findTests(join(webDir, 'src')).filter((f) => !f.endsWith('.e2e.test.ts')),
]
  .sort()
  .map((f) => relative(root, f))
  .filter(isSelected);

if (selected.length === 0 && webTests.length === 0) {
  console.error(`no test files found${prefixes.length ? ` under ${prefixes.join(', ')}` : ''}`);
  process.exit(1);
}

/**
 * Runs a command to its end; its exit code (1 when killed). With `quiet`, its output is kept and
 * handed back instead of printed, so two runs at once do not interleave.
 */
function run(command, commandArgs, cwd, { quiet = false } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, commandArgs, {
      cwd,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    const output = [];
    if (quiet) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('close', (code, signal) => {
      if (signal) output.push(Buffer.from(`${commandArgs[0]} killed by ${signal}\n`));
      resolveRun({ code: signal ? 1 : (code ?? 1), output: Buffer.concat(output) });
    });
  });
}

const concurrency = process.env.COLIVING_TEST_CONCURRENCY ?? '2';
// The web player's component tests (a minute of CPU) run beside the node:test run, whose
// end-to-end tests mostly wait on chains and nodes; their report is printed after it.
const web =
  webTests.length > 0
    ? run(
        process.execPath,
        [
          join(root, 'node_modules/vitest/vitest.mjs'),
          'run',
          ...webTests.map((f) => relative(webDir, join(root, f))),
        ],
        webDir,
        { quiet: true },
      )
    : undefined;
let failed = false;
if (selected.length > 0) {
  const { code } = await run(
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
    root,
  );
  failed ||= code !== 0;
}
if (web) {
  const { code, output } = await web;
  process.stdout.write(output);
  failed ||= code !== 0;
}
process.exit(failed ? 1 : 0);
