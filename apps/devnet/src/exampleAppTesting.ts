// What the example app's browser tests share (exampleApp.e2e.test.ts, logInWithColiving.e2e.test.ts):
// Chromium or the reason it is missing, the SDK package built where `npm install` would put it for
// examples/log-in-with-coliving, and the example's own server started as a developer starts it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/log-in-with-coliving');
/** Where `npm install` would put the SDK package for the example. */
const INSTALLED_SDK = join(EXAMPLE, 'node_modules/@coliving/sdk');
/** Longest the SDK's build may take on a busy machine. */
const SDK_BUILD_TIMEOUT_MS = 8 * 60_000;

export const CHROMIUM = process.env.COLIVING_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined; under CI=true a missing browser fails. */
export function missingBrowser(): string | undefined {
  const reason = existsSync(CHROMIUM)
    ? undefined
    : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set COLIVING_CHROMIUM)`;
  if (reason && process.env.CI === 'true') throw new Error(reason);
  return reason;
}

/** Headless Chromium as the tests drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** Builds the SDK package into the example's node_modules (`npm run build -w packages/sdk`). */
export async function buildSdkForExample(): Promise<void> {
  try {
    await run('npm', ['run', 'build', '-w', 'packages/sdk', '--', '--out-dir', INSTALLED_SDK], {
      cwd: ROOT,
      timeout: SDK_BUILD_TIMEOUT_MS,
    });
  } catch (error) {
    const { killed, stdout, stderr } = error as {
      killed?: boolean;
      stdout?: string;
      stderr?: string;
    };
    const why = killed
      ? `took longer than ${SDK_BUILD_TIMEOUT_MS / 60_000} minutes and was stopped`
      : 'failed';
    throw new Error(`building the SDK for the example ${why}:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}

/** Removes the built SDK, and node_modules/@coliving and node_modules when it was all they held. */
export async function removeSdkFromExample(): Promise<void> {
  await rm(INSTALLED_SDK, { recursive: true, force: true });
  for (const empty of [join(INSTALLED_SDK, '..'), join(INSTALLED_SDK, '../..')])
    await rmdir(empty).catch(() => undefined);
}

export type ExampleServerOptions = {
  port: number;
  discoveryNodes: string[];
  apiKey: string;
  /** The web player whose consent page the app opens (the example's default otherwise). */
  webUrl?: string;
  /** The app's secret, given as the example's README says (COLIVING_API_SECRET). */
  apiSecret?: string;
};

/**
 * Starts `node server.mjs` in the example's folder; resolves with its URL once it says it listens,
 * and the child to stop. Rejects with the server's output if it exits first.
 */
export function startExampleServer({
  port,
  discoveryNodes,
  apiKey,
  webUrl,
  apiSecret,
}: ExampleServerOptions): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      'server.mjs',
      '--port',
      String(port),
      ...discoveryNodes.flatMap((node) => ['--discovery-node', node]),
      '--api-key',
      apiKey,
      ...(webUrl ? ['--web-url', webUrl] : []),
    ],
    {
      cwd: EXAMPLE,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: apiSecret ? { ...process.env, COLIVING_API_SECRET: apiSecret } : process.env,
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Favorites viewer on (http:\/\/\S+)/.exec(output);
      if (listening) resolve({ url: listening[1]!, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`the example server exited (${code}):\n${output}`)),
    );
  });
}
