#!/usr/bin/env node
// Finds import loops inside each package and app, type-only imports included. ESLint's
// import-x/no-cycle skips `import type`, so a loop closed only by types (a design loop all the
// same: neither file can be read or moved without the other) passes it; this check does not.
// Usage: node scripts/importCycles.mjs [dir ...]   (default: every packages/*/src, apps/*/src,
// bench and scripts). Prints each loop and exits 1 when there is one. Part of `npm run lint`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'generated', 'fixtures']);

/** Source files under `dir`, depth first. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` on disk), or undefined. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  for (const candidate of [
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every relative import (value or type, static or dynamic) of `file`, resolved. */
function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = resolveRelative(file, fileName);
    if (target) targets.push(target);
  }
  return targets;
}

/** The loops (strongly connected components of two or more files, or a file importing itself). */
export function findImportCycles(dirs) {
  const files = dirs.flatMap((dir) => sourceFiles(dir));
  const edges = new Map(files.map((file) => [file, importsOf(file)]));
  // Tarjan's algorithm, iterative so a deep chain cannot overflow the stack.
  let next = 0;
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [{ file: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = edges.get(frame.file) ?? [];
      if (frame.i < targets.length) {
        const target = targets[frame.i++];
        if (!edges.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, i: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.file, Math.min(low.get(frame.file), index.get(target)));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file), low.get(frame.file)));
      if (low.get(frame.file) !== index.get(frame.file)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.file);
      const selfLoop = component.length === 1 && (edges.get(frame.file) ?? []).includes(frame.file);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  }
  return cycles.map((component) => component.map((file) => relative(ROOT, file)));
}

/** The default directories: every package's and app's src, bench and scripts. */
export function defaultDirs() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(ROOT, group)).sort()) {
      const src = join(ROOT, group, name, 'src');
      if (existsSync(src)) dirs.push(src);
    }
  }
  dirs.push(join(ROOT, 'bench'), join(ROOT, 'scripts'));
  return dirs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dirs = args.length > 0 ? args.map((dir) => resolve(dir)) : defaultDirs();
  const cycles = findImportCycles(dirs);
  for (const cycle of cycles) console.error(`import loop: ${cycle.join(' <-> ')}`);
  if (cycles.length > 0) {
    console.error(`${cycles.length} import loop(s); type-only imports count too`);
    process.exit(1);
  }
}
