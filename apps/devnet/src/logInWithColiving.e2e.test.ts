// Log in with Coliving end to end (docs/design.md §12, issue 25) in Chromium against a real local
// network with two discovery nodes: a developer registers an app on chain; the example app
// (examples/log-in-with-coliving, its own server holding the app's secret) opens the web player's
// consent page in a popup; the user logs in there and allows `write` (the page writes the Grant
// and waits for it to be indexed); the app's server favorites a track for the user, signing with
// the app's key, and both discovery nodes index it. The user revokes the grant: the app's next
// favorite is refused by the relay (403 grant_revoked, before any gas) and no favorite changes.
// Also: the app's server refuses no token, a bad token and a read-only token; the consent page
// refuses, in words and without redirecting, a redirect URI the app did not register and an
// unknown app; the page never sees the secret; a login in the same window (redirect) works too.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newPkceVerifier, pkceChallenge } from '@coliving/protocol';
import { createColivingSdk } from '@coliving/sdk';
import type { Browser, Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { allocatePorts } from './allocatePorts.js';
import { buildWeb } from './buildWeb.js';
import {
  buildSdkForExample,
  launchChromium,
  missingBrowser,
  removeSdkFromExample,
  startExampleServer,
} from './exampleAppTesting.js';
import { type WebServer, serveWeb } from './serveWeb.js';
import { sineWav } from './sineWav.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** How long one step waits for the network (indexing on both nodes, a page's answer). */
const STEP_MS = 90_000;
const EMAIL = 'lee@listener.fm';
const PASSWORD = 'favorite-things-42';

const noBrowser = missingBrowser();

let dir: string;
let network: StartNetworkReturnType | undefined;
let web: WebServer | undefined;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let appUrl: string;
let nodes: string[];
let apiKey: string;
let apiSecret: `0x${string}`;
let listenerKey: `0x${string}`;
let listenerId: string;
let firstTrack: string;
let secondTrack: string;

/** GETs a discovery node's v1 route and answers its `data`. */
async function read<T>(node: string, path: string): Promise<T> {
  const response = await fetch(`${node}${path}`);
  assert.equal(response.status, 200, `${node}${path} answered ${response.status}`);
  return ((await response.json()) as { data: T }).data;
}

/** Reads until `done` holds (bounded: fails after STEP_MS with the last value). */
async function until<T>(what: string, get: () => Promise<T>, done: (v: T) => boolean) {
  const deadline = Date.now() + STEP_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await get();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`${what}: still ${JSON.stringify(last)}`);
}

type Favorite = { favorite_item_id: string; favorite_type: string };
const favoritesOn = (node: string) =>
  read<Favorite[]>(node, `/v1/users/${listenerId}/favorites`).then((f) =>
    f.map((x) => x.favorite_item_id).sort(),
  );

/** POSTs to the example's /api/favorite with `token` (if any). */
async function postFavorite(token: string | undefined, trackId: string) {
  const response = await fetch(`${appUrl}/api/favorite`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ trackId }),
  });
  return { status: response.status, body: (await response.json()) as { code?: string } };
}

/** The access token the example page keeps for its login (evaluated in the page). */
const accessToken = async (page: Page): Promise<string> =>
  String(
    await page.evaluate(
      "JSON.parse(sessionStorage.getItem('favorites-viewer.login')).token.accessToken",
    ),
  );

describe(
  'Log in with Coliving: the example app in Chromium',
  { skip: noBrowser, timeout: 20 * 60_000 },
  () => {
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'coliving-login-with-'));
      const sdkBuilt = buildSdkForExample();
      const webBuilt = buildWeb({
        root: ROOT,
        outDir: join(dir, 'web'),
        logFile: join(dir, 'web-build.log'),
      });
      network = await startNetwork({
        dir: join(dir, 'devnet'),
        contentNodes: 1,
        discoveryNodes: 2,
      });
      nodes = network.discoveryNodes.map((n) => n.endpoint);
      assert.equal(nodes.length, 2);
      const actor = async (handle: string, name: string, key = generatePrivateKey()) => {
        const sdk = createColivingSdk({
          discoveryNodes: [nodes[0]!],
          account: privateKeyToAccount(key),
          pollIntervalMs: 100,
        });
        const { userId } = await sdk.users.create({ handle, name });
        return { sdk, userId };
      };
      const landlord = await actor('nightowl', 'Night Owl');
      for (const [title, hz] of [
        ['Packed Tone', 440],
        ['Second Tone', 660],
      ] as const) {
        const { trackId } = await landlord.sdk.tracks.upload({
          userId: landlord.userId,
          file: sineWav(4, hz),
          fileName: 'tone.wav',
          metadata: { title, genre: 'Electronic' },
        });
        if (title === 'Packed Tone') firstTrack = trackId;
        else secondTrack = trackId;
      }
      // The listener has an email and password (the web player's log in) and a profile.
      const signUp = createColivingSdk({ discoveryNodes: [nodes[0]!], pollIntervalMs: 100 });
      ({ privateKey: listenerKey } = await signUp.auth.signUp({
        email: EMAIL,
        password: PASSWORD,
      }));
      listenerId = (await actor('listener', 'Lee Listener', listenerKey)).userId;

      const [port] = await allocatePorts({ uses: ['the example app'] });
      const developer = await actor('devco', 'Dev Co');
      ({ apiKey, apiSecret } = await developer.sdk.developerApps.create({
        userId: developer.userId,
        name: 'Favorites viewer',
        description: 'Shows what you love',
        redirectUris: [`http://127.0.0.1:${port}/`],
      }));
      const { outDir } = await webBuilt;
      web = await serveWeb({ distDir: outDir, config: { discoveryNodes: nodes }, port: 0 });
      await sdkBuilt;
      let url: string;
      ({ url, child: server } = await startExampleServer({
        port: port!,
        discoveryNodes: nodes,
        apiKey,
        webUrl: web.url,
        apiSecret,
      }));
      appUrl = url.replace(/\/$/, '');
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      server?.kill();
      await web?.close();
      await network?.stop();
      await removeSdkFromExample();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('logs in through the consent page, favorites for the user, and stops when the grant is revoked', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(appUrl);
      await page.getByText('Favorites viewer: Shows what you love').waitFor();

      // The page and its bundle never carry the secret.
      const config = await (await fetch(`${appUrl}/config.json`)).text();
      const bundle = await (await fetch(`${appUrl}/app.js`)).text();
      for (const text of [config, bundle, await page.content()]) {
        assert.ok(!text.toLowerCase().includes(apiSecret.slice(2).toLowerCase()));
      }

      // The consent page in a popup: not logged in there yet, so log in first and come back.
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.getByRole('button', { name: 'Log in with Coliving' }).click(),
      ]);
      await popup.getByRole('heading', { name: 'Favorites viewer' }).waitFor({ timeout: STEP_MS });
      assert.ok(popup.url().startsWith(`${web!.url}/oauth/auth?`));
      await popup.getByText('Act for you on Coliving').waitFor();
      await popup.locator('#main').getByRole('link', { name: 'Log in', exact: true }).click();
      await popup.getByLabel('Email').fill(EMAIL);
      await popup.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await popup.getByRole('button', { name: 'Log in', exact: true }).click();
      await popup.getByText('It will act as').waitFor({ timeout: STEP_MS });
      assert.match(
        await popup.locator('.consent-account').innerText(),
        /Lee Listener \(@listener\)/,
      );
      await popup.getByRole('button', { name: 'Allow' }).click();
      // The popup answers the app and closes; the app redeems the code and shows the user.
      await popup.waitForEvent('close', { timeout: STEP_MS });
      await page.locator('#me').getByText('Lee Listener (@listener)').waitFor({ timeout: STEP_MS });

      // The grant is on chain, listed by both nodes.
      for (const node of nodes) {
        const apps = await read<{ address: string }[]>(
          node,
          `/v1/users/${listenerId}/authorized_apps`,
        );
        assert.deepEqual(
          apps.map((a) => a.address),
          [apiKey.toLowerCase()],
        );
      }

      // The app favorites a track for the user: its server signs with the app's key.
      await page.getByRole('button', { name: 'Favorite Packed Tone' }).click({ timeout: STEP_MS });
      await page.getByText('You favorited “Packed Tone”.').waitFor({ timeout: STEP_MS });
      await page.locator('#favorites').getByText('Packed Tone by Night Owl').waitFor();
      for (const node of nodes) {
        await until(
          `the favorite on ${node}`,
          () => favoritesOn(node),
          (f) => f.includes(firstTrack),
        );
        assert.deepEqual(await favoritesOn(node), [firstTrack]);
      }

      // The app's server: no token, a forged one, and a read-only one are refused.
      const token = await accessToken(page);
      assert.deepEqual(await postFavorite(undefined, secondTrack), {
        status: 401,
        body: { code: 'no_token', error: 'Log in with Coliving first (no access token)' },
      });
      const [head, payload] = token.split('.');
      const forged = await postFavorite(`${head}.${payload}.${'A'.repeat(86)}`, secondTrack);
      assert.equal(forged.status, 401);
      const verifier = newPkceVerifier();
      const redirectUri = `${appUrl}/`;
      const code = await createColivingSdk({
        discoveryNodes: [nodes[1]!],
        account: privateKeyToAccount(listenerKey),
      }).oauth.authorize({
        apiKey,
        redirectUri,
        scope: 'read',
        codeChallenge: await pkceChallenge(verifier),
      });
      const readToken = await createColivingSdk({
        discoveryNodes: [nodes[1]!],
        apiKey,
      }).oauth.redeem({
        code,
        codeVerifier: verifier,
        redirectUri,
      });
      assert.equal(readToken.scope, 'read');
      const readOnly = await postFavorite(readToken.accessToken, secondTrack);
      assert.equal(readOnly.status, 403);
      assert.equal(readOnly.body.code, 'insufficient_scope');

      // The user revokes the grant; the app's next favorite is refused before any gas is spent.
      await createColivingSdk({
        discoveryNodes: [nodes[0]!],
        account: privateKeyToAccount(listenerKey),
        pollIntervalMs: 100,
      }).grants.revoke({ userId: listenerId, grantee: apiKey });
      for (const node of nodes) {
        await until(
          `the revocation on ${node}`,
          () => read<unknown[]>(node, `/v1/users/${listenerId}/authorized_apps`),
          (apps) => apps.length === 0,
        );
      }
      await page.getByRole('button', { name: 'Favorite Second Tone' }).click();
      await page.getByText('“Second Tone” was not favorited').waitFor({ timeout: STEP_MS });
      const revoked = await postFavorite(token, secondTrack);
      assert.equal(revoked.status, 403);
      assert.equal(revoked.body.code, 'grant_revoked');
      for (const node of nodes) {
        assert.deepEqual(await favoritesOn(node), [firstTrack]);
        assert.deepEqual(await read<unknown[]>(node, `/v1/tracks/${secondTrack}/favorites`), []);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });

    it('logs in in the same window: the consent page redirects back with the code', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(appUrl);
      await page.getByText('Favorites viewer: Shows what you love').waitFor();
      await page.getByLabel('in this window instead of a popup').check();
      await page.getByRole('button', { name: 'Log in with Coliving' }).click();
      await page.waitForURL(`${web!.url}/oauth/auth?**`, { timeout: STEP_MS });
      await page.locator('#main').getByRole('link', { name: 'Log in', exact: true }).click();
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      // The earlier grant was revoked: Allow writes a new one before the code is sent.
      await page.getByRole('button', { name: 'Allow' }).click({ timeout: STEP_MS });
      await page.waitForURL(`${appUrl}/`, { timeout: STEP_MS });
      await page.locator('#me').getByText('Lee Listener (@listener)').waitFor({ timeout: STEP_MS });
      assert.equal(new URL(page.url()).search, '', 'the code and state are gone from the address');
      const apps = await read<{ address: string }[]>(
        nodes[0]!,
        `/v1/users/${listenerId}/authorized_apps`,
      );
      assert.deepEqual(
        apps.map((a) => a.address),
        [apiKey.toLowerCase()],
      );
      assert.deepEqual(errors, []);
      await context.close();
    });

    it('refuses, without redirecting, a redirect URI the app did not register and an unknown app', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      const visited: string[] = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) visited.push(frame.url());
      });
      const consent = (clientId: string, redirect: string) =>
        `${web!.url}/oauth/auth?${new URLSearchParams({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: redirect,
          scope: 'write',
          state: 'xyz',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        }).toString()}`;

      await page.goto(consent(apiKey, 'http://127.0.0.1:9/steal'));
      await page
        .getByText(
          'Favorites viewer did not register http://127.0.0.1:9/steal as a place to return to',
        )
        .waitFor({ timeout: STEP_MS });
      assert.equal(await page.getByRole('button', { name: 'Allow' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Deny' }).count(), 0);

      await page.goto(consent(privateKeyToAccount(generatePrivateKey()).address, `${appUrl}/`));
      await page
        .getByText('No app is registered on Coliving with this key')
        .waitFor({ timeout: STEP_MS });
      assert.equal(await page.getByRole('button', { name: 'Allow' }).count(), 0);

      assert.ok(
        visited.every((url) => url.startsWith(`${web!.url}/`)),
        `the consent page left the web player: ${visited.join(', ')}`,
      );
      await context.close();
    });
  },
);
