// Settings → Apps end to end, in Chromium against a real local network (both chains, one
// discovery node) and the production build of the player: a signed-in user creates a developer
// app, sees its API key and secret once (the secret is the key's private key) and never after a
// reload; allows the app (a Grant, as the consent page would write it) and revokes it from the
// page by keyboard, after which the node no longer lists it. axe-core finds no serious or
// critical WCAG 2 AA violation on the refused form, the secret or the dialog. Screenshots go to
// apps/web/test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ColivingSdk } from '@coliving/sdk';
import type { Browser, Page } from 'playwright-core';
import { privateKeyToAccount } from 'viem/accounts';
import { type LocalNetwork, startLocalNetwork } from '../testing/localNetwork.js';
import { ROOT, accessibilityViolations, browserMissing, launchBrowser } from './devnet.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`The Settings → Apps browser test needs Chromium under CI: ${missing}`);
}
if (missing) console.log(`# skipping the Settings → Apps browser test: ${missing}`);

const ARTIFACTS = join(ROOT, 'apps/web/test-artifacts');
/** A write (signed, relayed, indexed) or a cold start can take a while on a busy machine. */
const WRITE_MS = 60_000;

describe('Settings → Apps in a browser', { skip: missing }, () => {
  let network: LocalNetwork | undefined;
  let web: string;
  let browser: Browser;
  let page: Page;
  let key: `0x${string}`;
  let user: ColivingSdk;
  let userId: string;
  let apiKey = '';
  let secret = '';

  before(async () => {
    network = await startLocalNetwork({ web: true });
    web = network.web!;
    ({ key, userId, sdk: user } = await network.someone('appsdev', 'Apps Dev'));
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    // Logged in as that user: the session the player keeps after a log-in.
    await page.addInitScript(
      (privateKey) => localStorage.setItem('coliving.session', JSON.stringify({ privateKey })),
      key,
    );
  });

  after(async () => {
    await browser?.close();
    await network?.stop();
  });

  it('creates an app and shows its secret once', async () => {
    await page.goto(`${web}/settings`);
    const apps = page.getByRole('region', { name: 'Your developer apps' });
    await apps.getByText('You have no developer apps yet.').waitFor({ timeout: WRITE_MS });
    await apps.getByRole('button', { name: 'Create an app' }).click();
    await page.getByLabel('App name').fill('Browser Radio');
    await page.getByLabel('Redirect URIs (optional)').fill('radio.test/callback');
    await page.getByRole('button', { name: 'Create app' }).click();
    // Refused in words before anything is signed.
    await page
      .getByText('"radio.test/callback" is not a full web address', { exact: false })
      .waitFor();
    assert.deepEqual(await accessibilityViolations(page, 'the create form, refused'), []);
    await page.getByLabel('Redirect URIs (optional)').fill('http://127.0.0.1:5173/callback');
    await page.getByRole('button', { name: 'Create app' }).click();

    const box = page.getByRole('region', { name: 'Browser Radio is ready: copy its secret now' });
    await box.waitFor({ timeout: WRITE_MS });
    assert.ok(await box.getByText('it will not be shown again').isVisible());
    assert.deepEqual(await accessibilityViolations(page, 'the secret, once'), []);
    await page.screenshot({ path: join(ARTIFACTS, 'apps-secret.png'), fullPage: true });
    apiKey = await box.getByLabel('API key').inputValue();
    secret = await box.getByLabel('API secret').inputValue();
    assert.equal(privateKeyToAccount(secret as `0x${string}`).address.toLowerCase(), apiKey);
    const onChain = await user.developerApps.get(apiKey);
    assert.equal(onChain.name, 'Browser Radio');
    assert.deepEqual(onChain.redirect_uris, ['http://127.0.0.1:5173/callback']);

    await page.getByRole('button', { name: 'I have copied the secret' }).click();
    await page.reload();
    const item = apps.getByRole('listitem', { name: 'Browser Radio' });
    await item.waitFor({ timeout: WRITE_MS });
    assert.equal(await item.getByLabel('API key').inputValue(), apiKey);
    assert.ok(!(await page.content()).includes(secret.slice(2)), 'the secret is shown again');
  });

  it('revokes an app the user allowed, by keyboard', async () => {
    await user.grants.create({ userId, grantee: apiKey });
    await page.goto(`${web}/settings`);
    const allowed = page.getByRole('region', { name: 'Apps you allowed' });
    const item = allowed.getByRole('listitem', { name: 'Browser Radio' });
    await item.waitFor({ timeout: WRITE_MS });
    await item.getByRole('button', { name: 'Revoke Browser Radio' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke Browser Radio?' });
    await dialog.waitFor();
    assert.deepEqual(await accessibilityViolations(page, 'the revoke dialog'), []);
    await page.screenshot({ path: join(ARTIFACTS, 'apps-revoke.png') });
    // Focus starts on Cancel; Shift+Tab reaches Revoke.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await allowed
      .getByText('Browser Radio can no longer act for you.')
      .waitFor({ timeout: WRITE_MS });
    await allowed.getByText('You have not allowed any app to act for you.').waitFor();
    assert.deepEqual(await user.grants.authorizedApps(userId), []);
  });
});
