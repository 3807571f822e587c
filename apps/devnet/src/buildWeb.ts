// "Builds what needs building": the web player's production build, made again only when a source
// it is built from changed since the last build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { WebBuildError } from './errors.js';

export type BuildWebParameters = {
  /** The repository root. */
  root: string;
  /** Where the build goes (default apps/web/dist). */
  outDir?: string;
  /** vite's output is appended here. */
  logFile: string;
  signal?: AbortSignal;
};

export type BuildWebReturnType = { outDir: string; built: boolean };

/** What the build is made from: the app, and the workspaces it bundles. */
const SOURCES = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'packages/sdk/src',
  'packages/protocol/src',
  'package-lock.json',
];
const STAMP = '.coliving-build.json';

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path)).sort()) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts') || entry.endsWith('.test.tsx'))
      continue;
    out.push(...(await listFiles(join(path, entry))));
  }
  return out;
}

/** A hash of every source file's path, size and modification time. */
export async function webSourceFingerprint(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of await listFiles(join(root, source))) {
      const info = await stat(file);
      hash.update(`${relative(root, file)}\0${info.size}\0${info.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

/** Runs `vite build` for apps/web unless the build in `outDir` is from the current sources. */
export async function buildWeb({
  root,
  outDir = join(root, 'apps/web/dist'),
  logFile,
  signal,
}: BuildWebParameters): Promise<BuildWebReturnType> {
  const fingerprint = await webSourceFingerprint(root);
  const stamp = await readFile(join(outDir, STAMP), 'utf8').then(
    (text) => (JSON.parse(text) as { fingerprint?: string }).fingerprint,
    () => undefined,
  );
  if (stamp === fingerprint) return { outDir, built: false };
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  // The output is kept in memory and written once the build ends: the devnet builds while it
  // prepares its state directory, logs included.
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: join(root, 'apps/web'), stdio: ['ignore', 'pipe', 'pipe'], signal },
    );
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', reject);
    child.once('close', resolve);
  });
  await mkdir(dirname(logFile), { recursive: true });
  await appendFile(logFile, Buffer.concat(output));
  if (code !== 0) throw new WebBuildError(logFile, code);
  await writeFile(join(outDir, STAMP), `${JSON.stringify({ fingerprint })}\n`);
  return { outDir, built: true };
}
