// examples/log-in-with-coliving in Chromium against a real local network (both chains, a content
// node and a discovery node as processes): its own dev server bundles the built SDK package (as
// `npm install` of it would place it, in the example's node_modules), and the page shows the
// developer app registered on chain by its API key, then a user's profile and favorited track,
// and says so in words for a handle no one has. Log in with Coliving and the app's writes for a
// user are logInWithColiving.e2e.test.ts.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createColivingSdk } from '@coliving/sdk';
import { type Browser, chromium } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { allocatePorts } from './allocatePorts.js';
import { sineWav } from './sineWav.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/log-in-with-coliving');
/** Where `npm install` would put the SDK package for the example. */
const INSTALLED_SDK = join(EXAMPLE, 'node_modules/@coliving/sdk');
const CHROMIUM = process.env.COLIVING_CHROMIUM ?? '/usr/bin/chromium';

const noBrowser = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set COLIVING_CHROMIUM)`;
if (noBrowser && process.env.CI === 'true') throw new Error(noBrowser);

let dir: string;
let network: StartNetworkReturnType | undefined;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let pageUrl: string;

/** Starts the example's server; resolves with its URL once it listens. */
async function startExampleServer(discovery: string, apiKey: string): Promise<string> {
  const [port] = await allocatePorts({ uses: ['the example app'] });
  const child = spawn(
    process.execPath,
    ['server.mjs', '--port', String(port), '--discovery-node', discovery, '--api-key', apiKey],
    { cwd: EXAMPLE, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Favorites viewer on (http:\/\/\S+)/.exec(output);
      if (listening) resolve(listening[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`the example server exited (${code}):\n${output}`)),
    );
  });
}

describe(
  'examples/log-in-with-coliving in Chromium',
  { skip: noBrowser, timeout: 15 * 60_000 },
  () => {
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'coliving-example-app-'));
      const built = run(
        'npm',
        ['run', 'build', '-w', 'packages/sdk', '--', '--out-dir', INSTALLED_SDK],
        {
          cwd: ROOT,
          timeout: 8 * 60_000,
        },
      );
      network = await startNetwork({
        dir: join(dir, 'devnet'),
        contentNodes: 1,
        discoveryNodes: 1,
      });
      const discovery = network.discoveryNodes[0]!.endpoint;
      const actor = async (handle: string, name: string) => {
        const sdk = createColivingSdk({
          discoveryNodes: [discovery],
          account: privateKeyToAccount(generatePrivateKey()),
          pollIntervalMs: 100,
        });
        const { userId } = await sdk.users.create({ handle, name });
        return { sdk, userId };
      };
      const landlord = await actor('nightowl', 'Night Owl');
      const listener = await actor('listener', 'Lee Listener');
      const developer = await actor('devco', 'Dev Co');
      const { trackId } = await landlord.sdk.tracks.upload({
        userId: landlord.userId,
        file: sineWav(4, 440),
        fileName: 'tone.wav',
        metadata: { title: 'Packed Tone', genre: 'Electronic' },
      });
      await listener.sdk.tracks.save(listener.userId, trackId);
      const { apiKey } = await developer.sdk.developerApps.create({
        userId: developer.userId,
        name: 'Favorites viewer',
        description: 'Shows what you love',
        redirectUris: ['http://127.0.0.1:4390/'],
      });
      await built;
      pageUrl = await startExampleServer(discovery, apiKey);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
    });

    after(async () => {
      await browser?.close();
      server?.kill();
      await network?.stop();
      await rm(INSTALLED_SDK, { recursive: true, force: true });
      // node_modules/@coliving and node_modules too, when the build was all they held.
      for (const empty of [join(INSTALLED_SDK, '..'), join(INSTALLED_SDK, '../..')])
        await rmdir(empty).catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('shows the app by its API key, then a user’s profile and favorites', async () => {
      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pageUrl);
      await page.getByText('Favorites viewer: Shows what you love').waitFor();
      assert.equal(await page.title(), 'Favorites viewer');

      await page.getByLabel('Handle').fill('@listener');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('#profile').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#profile-name').textContent(), 'Lee Listener');
      assert.equal(await page.locator('#profile-handle').textContent(), '@listener');
      assert.deepEqual(await page.locator('#favorites li').allTextContents(), [
        'Packed Tone by Night Owl',
      ]);

      await page.getByLabel('Handle').fill('nobody-here');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByText('No one has the handle @nobody-here.').waitFor();
      assert.equal(await page.locator('#profile').isVisible(), false);
      assert.deepEqual(errors, []);
      await page.close();
    });
  },
);
