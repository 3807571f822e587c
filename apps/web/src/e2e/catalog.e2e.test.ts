// A landlord manages their catalog in the web player, in Debian's Chromium against a devnet
// started as a user starts it: log in as a demo landlord (coming back to the page they were on),
// edit a track's title and genre from its page and see them changed, move its preview start (a
// new preview is cut), delete a track after its confirmation (Escape first keeps it) and see it
// gone from their profile.
// Screenshots go to apps/web/test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Devnet, ROOT, browserMissing, launchBrowser, startDevnet } from './devnet.js';

const ARTIFACTS = join(ROOT, 'apps/web/test-artifacts');
const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`The catalog browser tests need Chromium under CI: ${missing}`);
}
if (missing) console.log(`# skipping the catalog browser tests: ${missing}`);

describe('a landlord manages their catalog in a browser', { skip: missing }, () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let web: string;
  let handle = '';
  const consoleErrors: string[] = [];
  const stamp = Date.now().toString(36).slice(-5);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `catalog-${name}.png`) });

  /** The landlord's own track rows on their profile, by title. */
  const ownTitles = async () => {
    const list = page.getByRole('list', { name: /^Tracks by / });
    await list.waitFor({ timeout: 60_000 });
    return list.locator('.track-title').allTextContents();
  };

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    devnet = await startDevnet(1);
    web = devnet.manifest.web.url!;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  after(async () => {
    if (consoleErrors.length) console.log(`# browser console errors:\n${consoleErrors.join('\n')}`);
    await browser?.close();
    await devnet?.stop();
  });

  it('logs in as a landlord from their profile and comes back to it', async () => {
    const landlord = devnet.manifest.accounts.find((a) => a.role === 'landlord');
    assert.ok(landlord, 'the demo catalog has a landlord');
    handle = landlord.handle;
    await page.goto(`${web}/${handle}`);
    await page.getByRole('navigation').getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(`${web}/login?next=/${handle}`);
    await page.getByLabel('Email').fill(landlord.email);
    await page.getByLabel('Password', { exact: true }).fill(landlord.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${web}/${handle}`, { timeout: 120_000 });
    assert.ok((await ownTitles()).length >= 2, 'the landlord has tracks to edit and delete');
  });

  it('edits a track: the new title and genre show on its page and profile', async () => {
    const titles = await ownTitles();
    const before = titles[0]!;
    const renamed = `Renamed ${stamp}`;
    await page.getByRole('link', { name: before, exact: true }).first().click();
    await page.getByRole('button', { name: 'Edit track' }).click();
    const form = page.getByRole('form', { name: `Edit ${before}` });
    await form
      .getByRole('radio', { name: /Public|Followers|Tippers|For sale/ })
      .first()
      .waitFor();
    // Bad input is refused in words before anything is sent.
    await form.getByLabel('Title').fill('');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('Give the track a title.').waitFor();
    await form.getByLabel('Title').fill(renamed);
    await form.getByLabel('Genre').selectOption('Ambient');
    await shot('edit-form');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: renamed }).waitFor({ timeout: 120_000 });
    assert.equal(await form.count(), 0, 'the form closes after saving');
    await page.getByText('Ambient', { exact: true }).first().waitFor();
    await shot('edited');
    await page.goto(`${web}/${handle}`);
    const after = await ownTitles();
    assert.ok(after.includes(renamed), `the profile lists the new title: ${after.join(', ')}`);
    assert.ok(!after.includes(before), `and not the old one: ${after.join(', ')}`);
  });

  it("moves a track's preview start: a new preview is cut and the track names it", async () => {
    const node = devnet.manifest.discoveryNodes[0]!.endpoint;
    type Previewed = { preview_cid: string | null; preview_start_seconds: number | null };
    const read = async (permalink: string) =>
      (
        (await (
          await fetch(`${node}/v1/tracks?permalink=${encodeURIComponent(permalink)}`)
        ).json()) as { data: (Previewed & { duration: number })[] }
      ).data[0]!;
    const title = (await ownTitles())[0]!;
    await page.getByRole('link', { name: title, exact: true }).first().click();
    await page.getByRole('button', { name: 'Edit track' }).click();
    const permalink = new URL(page.url()).pathname;
    const before = await read(permalink);
    const form = page.getByRole('form', { name: `Edit ${title}` });
    await form
      .getByRole('radio', { name: /Public|Followers|Tippers|For sale/ })
      .first()
      .waitFor();
    const field = form.getByLabel(/Preview starts at/);
    // Past the end: refused in words, nothing sent.
    await field.fill(String(before.duration + 10));
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText(/The preview must start before the end of the track/).waitFor();
    const start = before.preview_start_seconds === 5 ? 6 : 5;
    await field.fill(String(start));
    await shot('preview-start');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached', timeout: 120_000 });
    const after = await read(permalink);
    assert.equal(after.preview_start_seconds, start);
    assert.ok(after.preview_cid && after.preview_cid !== before.preview_cid, 'a new preview');
    // Opened again, the form shows the new start.
    await page.getByRole('button', { name: 'Edit track' }).click();
    assert.equal(await page.getByLabel(/Preview starts at/).inputValue(), String(start));
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.goto(`${web}/${handle}`);
  });

  it('deletes a track after its confirmation, and the profile says so and no longer lists it', async () => {
    const titles = await ownTitles();
    const doomed = titles.at(-1)!;
    await page.getByRole('link', { name: doomed, exact: true }).first().click();
    await page.getByRole('button', { name: 'Delete track' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete “${doomed}”?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete track' }).click();
    await shot('delete-dialog');
    await dialog.getByRole('button', { name: 'Delete track' }).click();
    await page.waitForURL(`${web}/${handle}`, { timeout: 120_000 });
    // The profile says what happened: the track is simply gone from it otherwise.
    await page
      .getByRole('status')
      .filter({ hasText: `Deleted “${doomed}”.` })
      .waitFor();
    const after = await ownTitles();
    assert.ok(!after.includes(doomed), `"${doomed}" is gone: ${after.join(', ')}`);
    assert.equal(after.length, titles.length - 1);
    await shot('deleted');
  });
});
