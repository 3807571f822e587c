// examples/log-in-with-coliving in Chromium against a real local network (both chains, a content
// node and a discovery node as processes): its own dev server bundles the built SDK package (as
// `npm install` of it would place it, in the example's node_modules), and the page shows the
// developer app registered on chain by its API key, then a user's profile and favorited track,
// and says so in words for a handle no one has. Log in with Coliving and the app's writes for a
// user are logInWithColiving.e2e.test.ts.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createColivingSdk } from '@coliving/sdk';
import type { Browser } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { allocatePorts } from './allocatePorts.js';
import {
  buildSdkForExample,
  launchChromium,
  missingBrowser,
  removeSdkFromExample,
  startExampleServer,
} from './exampleAppTesting.js';
import { sineWav } from './sineWav.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const noBrowser = missingBrowser();

let dir: string;
let network: StartNetworkReturnType | undefined;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let pageUrl: string;

describe(
  'examples/log-in-with-coliving in Chromium',
  { skip: noBrowser, timeout: 15 * 60_000 },
  () => {
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'coliving-example-app-'));
      const built = buildSdkForExample();
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
      const [port] = await allocatePorts({ uses: ['the example app'] });
      let url: string;
      ({ url, child: server } = await startExampleServer({
        port: port!,
        discoveryNodes: [discovery],
        apiKey,
      }));
      pageUrl = url;
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      server?.kill();
      await network?.stop();
      await removeSdkFromExample();
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
