// Playlists and albums end to end, in Chromium against a devnet: a landlord uploads an album of
// three files at once, adds its tracks to a new playlist from each row's More menu, reorders the
// playlist by keyboard, removes a track and finds it saved so after a reload; makes it private
// and, after a reload, still has it on its page and in the library, while a stranger does not.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Devnet, browserMissing, launchBrowser, makeSong, startDevnet } from './devnet.js';

const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`The playlist browser tests need Chromium under CI: ${missing}`);
}
if (missing) console.log(`# skipping the playlist browser tests: ${missing}`);

/** A network write (signed, relayed, indexed) can take a while on a busy machine. */
const WRITE_MS = 120_000;

describe('playlists and albums in a browser', { skip: missing }, () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let web: string;
  const stamp = Date.now().toString(36).slice(-5);
  const handle = `pl${stamp}`;
  const titles = ['Harbor Lights', 'Tidal Drift', 'Night Ferry'];
  const files = titles.map((_, i) => join(tmpdir(), `coliving-album-${stamp}-${i}.mp3`));
  let albumPath = '';

  before(async () => {
    const [started] = await Promise.all([
      startDevnet(1),
      // Three short, different songs (the length makes each file's audio its own).
      ...files.map((file, i) => makeSong(file, 4 + i)),
    ]);
    devnet = started;
    web = devnet.manifest.web.url!;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
    await Promise.all(files.map((f) => rm(f, { force: true })));
  });

  it('uploads an album of three files at once, in the chosen order', async () => {
    await page.goto(`${web}/signup`);
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Confirm password').fill('correct horse battery');
    await page.getByLabel('Display name').fill(`Playlists ${stamp}`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${web}/${handle}`, { timeout: WRITE_MS });

    await page.goto(`${web}/upload`);
    await page.getByRole('link', { name: 'An album' }).click();
    await page.getByLabel('Album name').fill(`Coastline ${stamp}`);
    await page.getByLabel('Genre').selectOption('Electronic');
    await page.getByLabel('Audio files (choose several)').setInputFiles(files);
    for (const [i, title] of titles.entries()) {
      await page.getByLabel(`Track ${i + 1} title`).fill(title);
    }
    // The last goes first.
    await page.getByRole('button', { name: `Move “${titles[2]}” up` }).click();
    await page.getByRole('button', { name: `Move “${titles[2]}” up` }).click();
    await page.getByRole('button', { name: 'Publish album' }).click();
    const published = page.getByRole('status').filter({ hasText: 'Published' });
    await published.waitFor({ timeout: 3 * WRITE_MS });
    assert.match((await published.textContent()) ?? '', /an album of 3 tracks/);
    await published.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `Coastline ${stamp}` }).waitFor();
    albumPath = new URL(page.url()).pathname;
    assert.match(albumPath, new RegExp(`^/${handle}/album/`));
    const label = `Tracks in Coastline ${stamp}`;
    await page.getByRole('list', { name: label }).waitFor();
    const order = await page
      .getByRole('list', { name: label })
      .getByRole('button', { name: /^More for / })
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(
      order,
      [titles[2], titles[0], titles[1]].map((t) => `More for ${t}`),
    );
  });

  it('adds tracks to a new playlist, reorders them by keyboard and removes one', async () => {
    assert.ok(albumPath, 'the album was uploaded');
    const addTo = async (
      title: string,
      choose: (dialog: ReturnType<Page['getByRole']>) => Promise<void>,
    ) => {
      await page
        .getByRole('button', { name: `More for ${title}` })
        .first()
        .click();
      await page.getByRole('menuitem', { name: 'Add to playlist…' }).click();
      const dialog = page.getByRole('dialog', { name: `Add “${title}” to a playlist` });
      await dialog.waitFor();
      await choose(dialog);
      const said = dialog.getByRole('status').filter({ hasText: /^(Added to|Created)/ });
      await said.waitFor({ timeout: WRITE_MS });
      const words = (await said.textContent()) ?? '';
      await dialog.getByRole('button', { name: 'Done' }).click();
      return words;
    };
    const first = await addTo(titles[0]!, async (dialog) => {
      await dialog.getByLabel('Name').fill('Road trip');
      await dialog.getByRole('button', { name: 'Create and add' }).click();
    });
    assert.equal(first, `Created Road trip with “${titles[0]}”.`);
    for (const title of [titles[1]!, titles[2]!]) {
      const words = await addTo(title, async (dialog) => {
        await dialog.getByRole('button', { name: 'Road trip', exact: true }).click();
      });
      assert.equal(words, 'Added to Road trip.');
    }

    await page.goto(`${web}/${handle}/playlist/road-trip`);
    await page.getByRole('heading', { name: 'Track order' }).waitFor({ timeout: WRITE_MS });
    const row = (title: string) =>
      page.getByRole('listitem', { name: new RegExp(`^${title}, position`) });
    // Keyboard: the first track, focused, moves down one with Alt+Down.
    await row(titles[0]!).focus();
    await page.keyboard.press('Alt+ArrowDown');
    assert.equal(await row(titles[0]!).getAttribute('aria-label'), `${titles[0]}, position 2 of 3`);
    await page.getByRole('button', { name: `Remove “${titles[2]}”` }).click();
    await page.getByRole('button', { name: 'Save tracks' }).click();
    await page.getByText('Tracks saved.').waitFor({ timeout: WRITE_MS });

    await page.reload();
    const list = page.getByRole('list', { name: 'Tracks in Road trip' });
    await list.waitFor({ timeout: WRITE_MS });
    const order = await list
      .getByRole('button', { name: /^More for / })
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(order, [`More for ${titles[1]}`, `More for ${titles[0]}`]);
  });

  it('keeps a playlist made private for its owner after a reload, and from no one else', async () => {
    const path = `/${handle}/playlist/road-trip`;
    assert.equal(new URL(page.url()).pathname, path, 'on the playlist made above');
    await page.getByLabel('Private: only you can see it').check();
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Saved. Only you can see this playlist.').waitFor({ timeout: WRITE_MS });

    // Reloaded, it is still there for its owner, private, with its tracks.
    await page.reload();
    const list = page.getByRole('list', { name: 'Tracks in Road trip' });
    await list.waitFor({ timeout: WRITE_MS });
    assert.equal(await list.getByRole('button', { name: /^More for / }).count(), 2);
    assert.equal(await page.getByLabel('Private: only you can see it').isChecked(), true);
    // The library lists it among the owner's playlists.
    await page.goto(`${web}/library?tab=playlists`);
    await page
      .getByRole('list', { name: 'Your playlists' })
      .getByRole('link', { name: 'Road trip' })
      .waitFor({ timeout: WRITE_MS });

    // Anyone else (here: no one logged in) finds nothing at its address.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${web}${path}`);
    await stranger
      .getByRole('heading', { level: 1, name: 'Playlist not found' })
      .waitFor({ timeout: WRITE_MS });
    await stranger.context().close();
  });
});
