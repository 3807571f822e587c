// The import rules of eslint.config.js (layers inside a node, packages that may not meet, no
// import of main.ts, no import loops), run on fixtures: files placed at paths in the real tree so
// the zones apply, each importing a real module. A forbidden import must be reported; an allowed
// one must not.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository's ESLint config, with only its import rules and without type information. */
function importRulesOnly(): ESLint {
  return new ESLint({
    cwd: ROOT,
    // The fixtures of the import loop sit in an ignored folder, so `npm run lint` passes.
    ignore: false,
    overrideConfig: tseslint.configs.disableTypeChecked,
    ruleFilter: ({ ruleId }) => ruleId.startsWith('import-x/'),
  });
}

/**
 * A module (not a test) under `folder`, the first in path order, as an import specifier from a
 * file in `fromFolder`. The nodes' folders are still being reshaped, so no file is named here.
 */
function moduleIn(folder: string, fromFolder: string): string {
  const walk = (dir: string): string | undefined => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        const found = walk(full);
        if (found) return found;
      } else if (/^[^.]+\.ts$/.test(name) && !name.startsWith('main.')) return full;
    }
    return undefined;
  };
  const found = walk(join(ROOT, folder));
  assert.ok(found, `no module under ${folder}`);
  const specifier = relative(join(ROOT, fromFolder), found).replace(/\.ts$/, '.js');
  return specifier.startsWith('.') ? specifier : `./${specifier}`;
}

/** A fixture at `folder/layersFixture.ts` that imports `specifier` and uses it. */
function fixture(folder: string, specifier: string) {
  return {
    filePath: join(ROOT, folder, 'layersFixture.ts'),
    code: `import * as imported from '${specifier}';\n\nexport const used = imported;\n`,
  };
}

/** The import-x messages ESLint reports for a fixture. */
async function importProblems(
  eslint: ESLint,
  { filePath, code }: { filePath: string; code: string },
) {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result);
  return result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

const DISCOVERY = 'apps/discovery-node/src';
const CONTENT = 'apps/content-node/src';

/** A layer importing a folder it may not, by a relative path. */
const across = (from: string, to: string) => fixture(from, moduleIn(to, from));

describe('eslint import rules', () => {
  const eslint = importRulesOnly();

  const forbidden: [string, { filePath: string; code: string }, RegExp][] = [
    ['api importing indexer', across(`${DISCOVERY}/api`, `${DISCOVERY}/indexer`), /api\/ may/],
    ['core importing api', across(`${DISCOVERY}/core`, `${DISCOVERY}/api`), /core\/ may/],
    ['core importing indexer', across(`${DISCOVERY}/core`, `${DISCOVERY}/indexer`), /core\/ may/],
    ['db importing core', across(`${DISCOVERY}/db`, `${DISCOVERY}/core`), /db\/ may/],
    ['indexer importing api', across(`${DISCOVERY}/indexer`, `${DISCOVERY}/api`), /indexer\/ may/],
    ["the content node's core importing api", across(`${CONTENT}/core`, `${CONTENT}/api`), /core/],
    ["the content node's jobs importing api", across(`${CONTENT}/jobs`, `${CONTENT}/api`), /jobs/],
    ['a node importing the other node', across(`${CONTENT}/core`, DISCOVERY), /the nodes talk/],
    ['the SDK importing server-kit', fixture('packages/sdk/src', '@coliving/server-kit'), /SDK/],
    ['the web player importing storage', fixture('apps/web/src', '@coliving/storage'), /SDK/],
    ['a module importing main.ts', fixture(`${DISCOVERY}/core`, '../main.js'), /main\.ts/],
  ];
  for (const [name, file, message] of forbidden) {
    it(`reports ${name}`, async () => {
      const problems = await importProblems(eslint, file);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]!.ruleId, 'import-x/no-restricted-paths');
      assert.match(problems[0]!.message, message);
    });
  }

  it('reports an import loop', async () => {
    const filePath = join(ROOT, 'scripts/fixtures/importCycle/first.ts');
    const problems = await importProblems(eslint, {
      filePath,
      code: readFileSync(filePath, 'utf8'),
    });
    assert.deepEqual(
      problems.map((p) => p.ruleId),
      ['import-x/no-cycle'],
    );
  });

  const allowed: [string, { filePath: string; code: string }][] = [
    ['api importing core', across(`${DISCOVERY}/api`, `${DISCOVERY}/core`)],
    ['api importing db', across(`${DISCOVERY}/api`, `${DISCOVERY}/db`)],
    ['indexer importing core', across(`${DISCOVERY}/indexer`, `${DISCOVERY}/core`)],
    ['core importing db', across(`${DISCOVERY}/core`, `${DISCOVERY}/db`)],
    ["the content node's jobs importing core", across(`${CONTENT}/jobs`, `${CONTENT}/core`)],
    ['a node importing server-kit', fixture(`${CONTENT}/api`, '@coliving/server-kit')],
    ['the SDK importing protocol', fixture('packages/sdk/src', '@coliving/protocol')],
  ];
  for (const [name, file] of allowed) {
    it(`allows ${name}`, async () => {
      assert.deepEqual(await importProblems(eslint, file), []);
    });
  }
});
