// Test harness of the web player's end-to-end test and benchmark: a devnet started as a user
// starts it (`coliving devnet up`, as a process), Debian's Chromium driven by playwright-core, and
// a generated audio file. Node only.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, type Page, chromium } from 'playwright-core';

const run = promisify(execFile);
export const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const CLI = join(ROOT, 'apps/cli/bin/coliving.mjs');
/** A cold devnet on a loaded two-core machine takes minutes (tsx compiles each node). */
const READY_DEADLINE_MS = 15 * 60_000;

/** The Chromium to drive: COLIVING_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.COLIVING_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set COLIVING_CHROMIUM)`;
}

/** Flags for a headless Chromium on a machine with no network but loopback (DEVELOPERS.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export type Manifest = {
  web: { url: string | null };
  discoveryNodes: { endpoint: string }[];
  contentNodes: { endpoint: string }[];
  accounts: { handle: string; email: string; password: string; role: string }[];
};

export type Devnet = {
  dir: string;
  manifest: Manifest;
  /** The PID of the content node answering at `endpoint`. */
  contentNodePid(endpoint: string): Promise<number>;
  stop(): Promise<void>;
};

/** `coliving devnet up` on free ports with the small catalog; resolves once it is ready. */
export async function startDevnet(contentNodes = 3): Promise<Devnet> {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-web-e2e-'));
  const args = ['devnet', 'up', '--dir', dir, '--content-nodes', String(contentNodes)];
  args.push('--discovery-nodes', '1', '--catalog', 'small', '--json');
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, COLIVING_PORT_BASE: 'auto' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const stop = async () => {
    await run(process.execPath, [CLI, 'devnet', 'down', '--dir', dir]).catch(() => {});
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((done, fail) => {
      let stdout = '';
      const timer = setTimeout(
        () => fail(new Error(`devnet up was not ready in time:\n${output.join('')}`)),
        READY_DEADLINE_MS,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"ready": true')) {
          clearTimeout(timer);
          done();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`devnet up exited with ${code}:\n${output.join('')}${stdout}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const manifest = JSON.parse(await readFile(join(dir, 'devnet.json'), 'utf8')) as Manifest;
  return {
    dir,
    manifest,
    async contentNodePid(endpoint) {
      const network = JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')) as {
        contentNodes: { pid: number; endpoint: string }[];
      };
      const node = network.contentNodes.find((n) => n.endpoint === endpoint);
      if (!node) throw new Error(`no content node at ${endpoint}`);
      return node.pid;
    },
    stop,
  };
}

/** ffmpeg: the system's when there is one, else the static build from npm. */
function ffmpegPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'ffmpeg'))) return join(dir, 'ffmpeg');
  }
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/**
 * An MP3 of `seconds` seconds: a slow arpeggio over noise, so every second sounds (and encodes)
 * different. Long enough that a browser cannot have buffered all of it when a node dies.
 */
export async function makeSong(path: string, seconds: number): Promise<void> {
  const notes = [220, 277.18, 329.63, 440];
  const expr = notes
    // Commas inside a filter's arguments are escaped, or ffmpeg takes them as separators.
    .map((f, i) => `sin(2*PI*${f}*t)*between(mod(t\\,${notes.length})\\,${i}\\,${i + 1})`)
    .join('+');
  await run(ffmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `aevalsrc=0.4*(${expr})|0.4*(${expr}):s=44100:d=${seconds}`],
    ...['-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:c=pink:a=0.05:r=44100`],
    ...['-filter_complex', '[0][1]amix=inputs=2:duration=first', '-ac', '2', '-b:a', '128k', path],
  ]);
}

export type AccessibilityViolation = {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
};

/**
 * Runs axe-core (WCAG 2 A and AA rules) on what the page shows now; the serious and critical
 * violations, each with the elements it found.
 */
export async function accessibilityViolations(
  page: Page,
  name: string,
): Promise<AccessibilityViolation[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const found = await page.evaluate(async () => {
    type Result = {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: string[] }[];
      }[];
    };
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<Result> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: name, ...v }));
}
