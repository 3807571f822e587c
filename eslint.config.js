// @ts-check
import { join } from 'node:path';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The nodes: processes that talk over HTTP and the chain, so neither imports the other. */
const NODES = ['apps/content-node', 'apps/discovery-node'];

/**
 * The import directions inside a node (STYLE.md, docs/architecture.md): `api -> core -> db`, and
 * the background work (`indexer`, `jobs`) -> core. A lower layer never imports a higher one; the
 * API and the indexer are siblings and share only what lies below them; background work does not
 * reach into the HTTP edge.
 * @param {string} node
 */
function layerZones(node) {
  const src = `${node}/src`;
  /** @type {(layer: string, notFrom: string[], why: string) => object} */
  const zone = (layer, notFrom, why) => ({
    target: `${src}/${layer}`,
    from: notFrom.map((name) => `${src}/${name}`),
    message: `${layer}/ may not import ${notFrom.join(', ')}/: ${why}`,
  });
  const below = 'it lies below them; move what both need down, or pass it in.';
  return [
    zone('db', ['core', 'api', 'indexer', 'jobs'], below),
    zone('core', ['api', 'indexer', 'jobs'], below),
    zone('api', ['indexer'], 'they are siblings; what both need lives in core.'),
    zone('indexer', ['api'], 'they are siblings; what both need lives in core.'),
    zone('jobs', ['api'], 'background work does not reach into the HTTP edge.'),
  ];
}

/** Who may not import whom across packages and apps, for every file, tests included. */
const PACKAGE_ZONES = [
  ...NODES.flatMap((node) =>
    NODES.filter((other) => other !== node).map((other) => ({
      target: node,
      from: other,
      message: 'the nodes talk over HTTP and the chain; what both need goes in a package.',
    })),
  ),
  {
    target: ['packages/sdk', 'apps/web'],
    from: ['packages/server-kit', 'packages/storage'],
    message: 'the SDK and the web player run in browsers, without server-side packages.',
  },
  {
    // The bins (apps/cli/bin) start main.ts; nothing else does, except by spawning it.
    target: ['packages/*/src/**', 'apps/*/src/**', 'bench/**', 'scripts/**'],
    from: ['**/src/main.ts', '**/src/main.tsx'],
    message: 'main.ts starts a process: import what it wires, not main itself.',
  },
];

/** Every zone, for source files; a test may assemble any layers of its own node. */
const SOURCE_ZONES = [...PACKAGE_ZONES, ...NODES.flatMap(layerZones)];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.coliving/**',
      'packages/contracts/src/generated/**',
      // Fixtures of scripts/lintLayers.test.ts: an import loop, on purpose.
      'scripts/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Floating promises lose errors; every promise is awaited or handed off explicitly.
      '@typescript-eslint/no-floating-promises': 'error',
      // fastify handlers and test doubles are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Layers and cycles (docs/architecture.md). The TypeScript resolver follows workspace packages
    // to their sources, so a package import is checked like a relative one.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'apps/web/tsconfig.json'].map((file) =>
            join(import.meta.dirname, file),
          ),
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: PACKAGE_ZONES },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: SOURCE_ZONES },
      ],
    },
  },
  {
    // Test files hand promises to node:test (describe/it), which awaits them itself.
    files: ['**/*.test.ts', 'packages/storage/src/compliance.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
  prettier,
);
