#!/usr/bin/env node
// @ts-check
// Builds @coliving/sdk for apps outside this repository: `npm run build -w packages/sdk` writes
// `packages/sdk/dist/`, a complete package to pack or publish from (`npm pack ./packages/sdk/dist`):
//
//   index.js, index.js.map  one ES module (esbuild) that runs in Node 20+ and in browsers; the
//                           workspace packages it imports (@coliving/protocol), which are not
//                           published, are bundled in; npm packages (viem, ...) stay imports
//   index.d.ts              the declarations, bundled (rollup-plugin-dts): the workspace packages'
//                           types are inlined, npm packages' types stay imports
//   package.json            `exports` with `types` and `import`, `sideEffects: false`, `files`,
//                           and as `dependencies` exactly the npm packages the two files import,
//                           at the versions the workspace packages ask for
//   README.md               the quickstart
//
// `npm run build -w packages/sdk -- --out-dir <dir>` writes the same to another directory.
// Inside the repository nothing uses dist/: `@coliving/sdk` resolves to src/index.ts (tsx, vite
// and tsc read TypeScript), so tests and apps need no build step. That is why the package to
// publish is dist/ with its own package.json, not this directory (see docs/architecture.md).
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(PACKAGE_DIR, '../..');
/** `--out-dir <dir>` builds elsewhere (the package test builds into its own temp dir). */
const { values: options } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const DIST = options['out-dir'] ? resolve(options['out-dir']) : join(PACKAGE_DIR, 'dist');
const ENTRY = join(PACKAGE_DIR, 'src/index.ts');
/** What the build writes, all of it packed. */
const FILES = ['index.js', 'index.js.map', 'index.d.ts', 'package.json', 'README.md'];
/** Workspace packages: bundled, never dependencies of the published package. */
const WORKSPACE_SCOPE = '@coliving/';

/** @param {string} file */
async function readJson(file) {
  return JSON.parse(await readFile(file, 'utf8'));
}

/** `viem/accounts` → `viem`, `@noble/hashes/sha2.js` → `@noble/hashes`. */
function packageNameOf(/** @type {string} */ specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether a bare specifier names an npm package (kept as an import) rather than bundled code. */
function isNpmPackage(/** @type {string} */ specifier) {
  return (
    !specifier.startsWith('.') &&
    !specifier.startsWith('/') &&
    !specifier.startsWith(WORKSPACE_SCOPE)
  );
}

/**
 * The version range of each npm dependency of the SDK and of the workspace packages it bundles:
 * the SDK's own ranges first, then each bundled workspace package's.
 * @param {string[]} workspaceDirs
 * @returns {Promise<Map<string, string>>}
 */
async function dependencyRanges(workspaceDirs) {
  const ranges = new Map();
  for (const dir of [PACKAGE_DIR, ...workspaceDirs]) {
    const manifest = await readJson(join(dir, 'package.json'));
    for (const [name, range] of Object.entries(manifest.dependencies ?? {}))
      if (!name.startsWith(WORKSPACE_SCOPE) && !ranges.has(name)) ranges.set(name, range);
  }
  return ranges;
}

/** The JavaScript bundle; answers the npm packages it imports and the workspace dirs it bundled. */
async function buildJs() {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: join(DIST, 'index.js'),
    bundle: true,
    format: 'esm',
    // Neither Node's nor the browser's: the SDK uses only what both have (fetch, WebCrypto,
    // TextEncoder), and bundle.test.ts keeps Node built-ins out.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'npm-packages-stay-imports',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
            isNpmPackage(args.path) ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  const imports = new Set();
  const workspaceDirs = new Set();
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    const match = /^(packages|apps)\/[^/]+/.exec(relative(ROOT, join(process.cwd(), input)));
    if (match && match[0] !== 'packages/sdk') workspaceDirs.add(join(ROOT, match[0]));
    for (const i of info.imports) if (i.external) imports.add(i.path);
  }
  const builtins = [...imports].filter((i) => i.startsWith('node:'));
  if (builtins.length > 0)
    throw new Error(`the SDK must run in browsers, but it imports ${builtins.join(', ')}`);
  const output = result.metafile.outputs[relative(process.cwd(), join(DIST, 'index.js'))];
  if (!output) throw new Error('esbuild wrote no index.js');
  return {
    imports: [...imports],
    workspaceDirs: [...workspaceDirs],
    exports: new Set(output.exports),
  };
}

/**
 * rollup-plugin-dts lists a name that src/ exports as a type only (`export type { Track }`) among
 * the values when the inlined package also declares a value of that name (a schema `Track` beside
 * the type `Track`); the bundle has no such value, so `import { Track }` would type-check and then
 * fail at run time. Names the JavaScript bundle does not export move to the `export type` list.
 * @param {string} text
 * @param {Set<string>} runtimeExports
 */
function typeOnlyExports(text, runtimeExports) {
  const values = /^export \{ ([^}]*) \};$/m.exec(text);
  if (!values) return text;
  const names = values[1].split(', ');
  const exportedName = (/** @type {string} */ n) => n.split(' as ').at(-1) ?? n;
  const typeOnly = names.filter((n) => !runtimeExports.has(exportedName(n)));
  if (typeOnly.length === 0) return text;
  const kept = names.filter((n) => runtimeExports.has(exportedName(n)));
  let out = text.replace(values[0], `export { ${kept.join(', ')} };`);
  const types = /^export type \{ ([^}]*) \};$/m.exec(out);
  const allTypes = [...(types ? types[1].split(', ') : []), ...typeOnly].sort();
  out = types
    ? out.replace(types[0], `export type { ${allTypes.join(', ')} };`)
    : `${out}export type { ${allTypes.join(', ')} };\n`;
  return out;
}

/**
 * The bundled declarations; answers the npm packages they import.
 * @param {Set<string>} runtimeExports what index.js exports
 */
async function buildTypes(runtimeExports) {
  const bundle = await rollup({
    input: ENTRY,
    // Workspace packages' types are inlined; npm packages' stay imports.
    external: (id) => isNpmPackage(id) && !id.startsWith('\0'),
    plugins: [
      dts({
        respectExternal: true,
        tsconfig: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true },
      }),
    ],
  });
  const { output } = await bundle.write({ file: join(DIST, 'index.d.ts'), format: 'es' });
  await bundle.close();
  const text = typeOnlyExports(await readFile(join(DIST, 'index.d.ts'), 'utf8'), runtimeExports);
  await writeFile(join(DIST, 'index.d.ts'), text);
  const missing = [...runtimeExports].filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
  if (missing.length > 0) throw new Error(`index.d.ts does not declare ${missing.join(', ')}`);
  const leaked = text.match(/["']@coliving\/[^"']*["']/g);
  if (leaked) throw new Error(`index.d.ts still imports workspace packages: ${leaked.join(', ')}`);
  return output.flatMap((chunk) => (chunk.type === 'chunk' ? chunk.imports : []));
}

async function main() {
  // Only the files this build writes are replaced: an --out-dir may hold other things.
  await mkdir(DIST, { recursive: true });
  for (const name of FILES) await rm(join(DIST, name), { force: true });
  const js = await buildJs();
  const typeImports = await buildTypes(js.exports);
  const ranges = await dependencyRanges(js.workspaceDirs);
  const dependencies = /** @type {Record<string, string>} */ ({});
  for (const name of [...new Set([...js.imports, ...typeImports].map(packageNameOf))].sort()) {
    const range = ranges.get(name);
    if (range === undefined)
      throw new Error(
        `the build imports ${name}, which is a dependency of neither the SDK nor a workspace package it bundles`,
      );
    dependencies[name] = range;
  }

  const source = await readJson(join(PACKAGE_DIR, 'package.json'));
  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './index.d.ts', import: './index.js', default: './index.js' },
      './package.json': './package.json',
    },
    main: './index.js',
    module: './index.js',
    types: './index.d.ts',
    files: FILES.filter((name) => name !== 'package.json'),
    engines: { node: '>=20' },
    dependencies,
  };
  await writeFile(join(DIST, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(PACKAGE_DIR, 'README.md'), join(DIST, 'README.md'));
  console.log(
    `built ${DIST}: index.js, index.d.ts, package.json (dependencies: ${Object.keys(dependencies).join(', ')})`,
  );
}

await main();
