// The web player end to end, in Debian's Chromium against a devnet started as a user starts it:
// sign up, upload with progress, the track on the profile, play and seek by the waveform, the
// listen counted (History, the stats page), follow, search, a reload that restores the queue,
// and a content node killed mid-track.
// Screenshots of every page go to apps/web/test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createColivingSdk } from '@coliving/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type AccessibilityViolation,
  type Devnet,
  ROOT,
  accessibilityViolations,
  browserMissing,
  launchBrowser,
  makeSong,
  startDevnet,
} from './devnet.js';

const ARTIFACTS = join(ROOT, 'apps/web/test-artifacts');
const missing = browserMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`The web player's browser tests need Chromium under CI: ${missing}`);
}
if (missing) console.log(`# skipping the web player's browser tests: ${missing}`);

/** Polls `check` until it returns a value that is not undefined, or fails with `what`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type AudioState = {
  currentTime: number;
  paused: boolean;
  src: string;
  duration: number;
  /** [start, end] of each buffered range, for a failure's message. */
  buffered: number[][];
};

function audio(page: Page): Promise<AudioState> {
  return page.$eval('[data-testid="player-audio"]', (el) => {
    const a = el as HTMLAudioElement;
    const buffered: number[][] = [];
    for (let i = 0; i < a.buffered.length; i++) {
      buffered.push([a.buffered.start(i), a.buffered.end(i)]);
    }
    return {
      currentTime: a.currentTime,
      paused: a.paused,
      src: a.currentSrc,
      duration: a.duration,
      buffered,
    };
  });
}

describe('the web player in a browser', { skip: missing }, () => {
  let devnet: Devnet;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let web: string;
  const stamp = Date.now().toString(36).slice(-5);
  const handle = `e2e${stamp}`;
  const title = `Lighthouse Signal ${stamp}`;
  const song = join(tmpdir(), `coliving-e2e-${stamp}.mp3`);
  const consoleErrors: string[] = [];
  let trackPath = '';

  const violations: AccessibilityViolation[] = [];
  /** A screenshot of the page for the artifacts, and axe-core's check of it. */
  const shot = async (name: string, on: Page = page) => {
    await on.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    violations.push(...(await accessibilityViolations(on, name)));
  };

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // Five minutes: more than a browser buffers ahead, so a dead node is noticed mid-track.
    const [started, made] = await Promise.allSettled([startDevnet(3), makeSong(song, 300)]);
    if (started.status === 'fulfilled') devnet = started.value;
    if (started.status === 'rejected') throw started.reason;
    if (made.status === 'rejected') throw made.reason;
    web = devnet.manifest.web.url!;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  after(async () => {
    if (consoleErrors.length) console.log(`# browser console errors:\n${consoleErrors.join('\n')}`);
    await browser?.close();
    await devnet?.stop();
    await rm(song, { force: true });
  });

  it('shows the demo catalog on the trending page', async () => {
    // Trending is recomputed every few seconds; right after seeding it may not be yet, and the
    // page shows what the node has when it loads (a listener would reload).
    await until('a trending track', async () => {
      await page.goto(web);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      return (await page.locator('.track-row').count()) > 0 ? true : undefined;
    });
    await shot('trending');
  });

  it('signs up, then uploads a track and shows upload, transcode and publish', async () => {
    await page.goto(`${web}/signup`);
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Confirm password').fill('correct horse battery');
    await page.getByLabel('Display name').fill(`E2E ${stamp}`);
    await page.getByLabel('Handle').fill(handle);
    await shot('signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${web}/${handle}`, { timeout: 120_000 });

    await page.goto(`${web}/upload`);
    await page.getByLabel('Audio file').setInputFiles(song);
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Genre').selectOption('Electronic');
    await shot('upload-form');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const stages: string[] = [];
    await until(
      'the upload to be published',
      async () => {
        const text =
          (await page
            .getByTestId('upload-stage')
            .textContent()
            .catch(() => '')) ?? '';
        if (text && stages.at(-1) !== text) stages.push(text);
        if (/transcod/i.test(text) && !stages.some((s) => s === 'shot')) {
          stages.push('shot');
          await shot('upload-progress');
        }
        return /published/i.test(text) ? true : undefined;
      },
      300_000,
    );
    const seen = stages.filter((s) => s !== 'shot').join(' | ');
    const order = [/upload/i, /transcod/i, /publish/i].map((re) =>
      stages.findIndex((s) => re.test(s)),
    );
    assert.ok(
      order.every((i) => i >= 0),
      `each stage was shown: ${seen}`,
    );
    assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, `in order: ${seen}`);
    await shot('upload-done');
  });

  it('shows the new track on the landlord profile', async () => {
    await page.goto(`${web}/${handle}`);
    const link = page.getByRole('main').getByRole('link', { name: title }).first();
    await link.waitFor({ timeout: 60_000 });
    trackPath = new URL((await link.getAttribute('href'))!, web).pathname;
    assert.match(trackPath, new RegExp(`^/${handle}/`));
    await shot('profile-own');
  });

  it('plays the track, and seeks by clicking the waveform', async () => {
    await page.goto(`${web}${trackPath}`);
    await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
    await shot('track');
    await page
      .getByRole('button', { name: `Play ${title}` })
      .first()
      .click();
    const started = await until('playback to start', async () => {
      const a = await audio(page);
      return !a.paused && a.currentTime > 1 ? a : undefined;
    });
    assert.ok(started.duration > 290 && started.duration < 310, `duration ${started.duration}`);
    const box = (await page.getByTestId('waveform').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    const sought = await until('the seek', async () => {
      const a = await audio(page);
      return a.currentTime > 140 ? a : undefined;
    });
    assert.ok(
      Math.abs(sought.currentTime - 150) < 10,
      `at ${sought.currentTime} s after a 50% click`,
    );
    const later = await until('playback to go on after the seek', async () => {
      const a = await audio(page);
      return a.currentTime > sought.currentTime + 1 ? a : undefined;
    });
    assert.equal(later.paused, false);
  });

  it('counts the listen: the track is in History and on the stats page', async () => {
    // The content node sends its journal to the play log every few seconds and the discovery
    // node indexes it from there, so the listen shows up soon after the play, not at once.
    await until(
      'the listen in History',
      async () => {
        await page.goto(`${web}/history`);
        const list = page.getByRole('list', { name: 'Recently played' });
        await list
          .or(page.getByText(/Nothing played yet/))
          .first()
          .waitFor({ timeout: 30_000 });
        return (await list.getByRole('link', { name: title }).count()) > 0 ? true : undefined;
      },
      120_000,
    );
    await shot('history');
    await page.goto(`${web}/dashboard`);
    const table = page.getByRole('table', { name: 'Plays per track' });
    await table.waitFor({ timeout: 60_000 });
    const row = table.getByRole('row').filter({ has: page.getByRole('button', { name: title }) });
    const cells = await row.getByRole('cell').allTextContents();
    // Last 7 days, 30, 365 and all time: the play just made is in each.
    assert.equal(cells.length, 4);
    assert.ok(Number(cells[3]) >= 1, `all-time plays ${cells[3]}`);
    assert.deepEqual(cells.slice(0, 3), [cells[3], cells[3], cells[3]]);
    await shot('stats');
  });

  it('follows a landlord, and the follow holds after a reload', async () => {
    const landlord = devnet.manifest.accounts.find((a) => a.role === 'landlord')!;
    await page.goto(`${web}/${landlord.handle}`);
    const follow = page.getByRole('button', { name: /^Follow / });
    await follow.waitFor({ timeout: 60_000 });
    await follow.click();
    await page.getByRole('button', { name: /^Unfollow / }).waitFor({ timeout: 60_000 });
    await page
      .locator('button[aria-busy="true"]')
      .first()
      .waitFor({ state: 'detached', timeout: 60_000 });
    await shot('profile-landlord');
    await page.reload();
    await page.getByRole('button', { name: /^Unfollow / }).waitFor({ timeout: 60_000 });
  });

  it('finds the new track by a search with a typo, as it is typed', async () => {
    // Typo matching uses a word list each discovery node rebuilds every few seconds; a track
    // published a moment ago is found by a typo once it is in the list (eventual, as in Audius).
    const api = devnet.manifest.discoveryNodes[0]!.endpoint;
    await until('the discovery node to match the typo', async () => {
      const res = await fetch(`${api}/v1/tracks/search?query=lighthose%20signa`);
      const body = (await res.json()) as { data?: { title: string }[] };
      return body.data?.some((t) => t.title === title) ? true : undefined;
    });
    await page.goto(`${web}/search`);
    // "Lighthouse Signal" typed as "lighthose signa": a missing letter and a prefix.
    await page.getByRole('searchbox').pressSequentially('lighthose signa', { delay: 40 });
    // In the results, not the player bar (which shows the same title while it plays).
    const results = page.getByRole('region', { name: /^Tracks/ });
    await results.getByRole('link', { name: title }).first().waitFor({ timeout: 60_000 });
    await until('the query in the URL', async () =>
      /[?&]q=lighthose/.test(page.url()) ? true : undefined,
    );
    await shot('search');
  });

  it('restores the queue and position after a reload', async () => {
    const before = await audio(page);
    assert.ok(before.currentTime > 140, 'still playing from the seek');
    await page.reload();
    const bar = page.getByRole('region', { name: 'Player' });
    await bar.getByText(title).first().waitFor({ timeout: 30_000 });
    const restored = await audio(page);
    assert.equal(restored.paused, true, 'restored paused: browsers block autoplay');
    await bar.getByRole('button', { name: 'Play', exact: true }).click();
    const resumed = await until('playback to resume', async () => {
      const a = await audio(page);
      return !a.paused && a.currentTime > 0 ? a : undefined;
    });
    assert.ok(resumed.currentTime > 130, `resumed at ${resumed.currentTime} s, not from the start`);
  });

  it('moves to a mirror at the same position when the serving content node dies', async () => {
    // Over loopback a browser has the whole file in a moment and would never need the dead node.
    // Throttled (DevTools delivers the bytes at 1.6 times the bitrate), it holds only seconds; a
    // seek past them after the node died needs bytes, and only the other holders have them.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: 64 * 1024,
      uploadThroughput: -1,
    });
    try {
      // A reload restores the track paused; played again, it streams at the throttled rate.
      await page.reload();
      const bar = page.getByRole('region', { name: 'Player' });
      await bar.getByRole('button', { name: 'Play', exact: true }).click();
      const started = await until('playback after the reload', async () => {
        const a = await audio(page);
        return !a.paused && a.currentTime > 0 ? a : undefined;
      });
      const now = await until('a few seconds of playback', async () => {
        const a = await audio(page);
        return a.currentTime > started.currentTime + 2 ? a : undefined;
      });
      const serving = new URL(now.src).origin;
      process.kill(await devnet.contentNodePid(serving), 'SIGKILL');
      const bufferedEnd = Math.max(now.currentTime, ...now.buffered.map(([, end]) => end!));
      const target = Math.min(now.duration - 20, bufferedEnd + 30);
      assert.ok(target > bufferedEnd, `room to seek past the buffer: ${JSON.stringify(now)}`);
      await page.evaluate((t) => {
        (document.querySelector('[data-testid="player-audio"]') as HTMLAudioElement).currentTime =
          t;
      }, target);
      const killedAt = target;
      const moved = await until(
        'playback from another node',
        async () => {
          const a = await audio(page);
          return new URL(a.src).origin !== serving && !a.paused && a.currentTime > killedAt + 1
            ? a
            : undefined;
        },
        90_000,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}; audio: ${JSON.stringify(await audio(page))}`);
      });
      assert.ok(
        moved.currentTime < killedAt + 60,
        `went on from ${moved.currentTime} s, near the seek made after the node died (${killedAt} s)`,
      );
      await shot('playing-after-failover');
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
  });

  it('favorites the track into the library; renders a playlist, log in and settings; fits a phone', async () => {
    await page.goto(`${web}${trackPath}`);
    await page.getByRole('button', { name: 'Favorite', exact: true }).click();
    // The button turns at once; the write is done (indexed) when it is no longer busy.
    await page
      .locator('button[aria-pressed="true"]:not([aria-busy])', { hasText: 'Unfavorite' })
      .waitFor({ timeout: 60_000 });
    await page.goto(`${web}/library`);
    await page.getByRole('main').getByRole('link', { name: title }).first().waitFor({
      timeout: 60_000,
    });
    await shot('library');
    await page.goto(`${web}/settings`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await shot('settings');
    await page.goto(web);
    const playlistLink = page
      .locator('main a[href*="/playlist/"], main a[href*="/album/"]')
      .first();
    await playlistLink.waitFor({ timeout: 60_000 });
    await playlistLink.click();
    await page
      .getByRole('button', { name: /^Play / })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.locator('.track-row').first().waitFor({ timeout: 60_000 });
    await shot('playlist');
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${web}/login`);
    await phone.getByRole('heading', { level: 1 }).first().waitFor();
    await shot('phone-login', phone);
    await phone.goto(web);
    await phone.locator('.track-row').first().waitFor({ timeout: 60_000 });
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 1, `no sideways scrolling at phone width (${overflow}px)`);
    await shot('phone-trending', phone);
    await phone.close();
  });

  it('plays a track with the keyboard alone: skip link, Tab to a track, Enter, space', async () => {
    await page.goto(web);
    await page.locator('.track-row').first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => ({
        text: document.activeElement?.textContent?.trim() ?? '',
        label: document.activeElement?.getAttribute('aria-label') ?? '',
        tag: document.activeElement?.tagName ?? '',
        id: document.activeElement?.id ?? '',
        outline: getComputedStyle(document.activeElement!).outlineStyle,
      }));
    assert.equal((await focused()).text, 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal((await focused()).id, 'main', 'the skip link moves focus to the page');
    let onTrack = await focused();
    for (let i = 0; i < 40 && !onTrack.label.startsWith('Play '); i++) {
      await page.keyboard.press('Tab');
      onTrack = await focused();
    }
    assert.match(onTrack.label, /^Play /, 'a track play button is reachable by Tab');
    assert.notEqual(onTrack.outline, 'none', 'and shows where focus is');
    await page.keyboard.press('Enter');
    await until('keyboard playback', async () => {
      const a = await audio(page);
      return !a.paused && a.currentTime > 0.5 ? true : undefined;
    });
    // Space on the page (focus on no control) pauses, as in any player.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await until('the pause from the space bar', async () =>
      (await audio(page)).paused ? true : undefined,
    );
  });

  it('sees the lock on a track for sale, plays its preview, buys it and plays it in full', async () => {
    // A demo landlord puts one of their tracks up for sale (the small catalog has none), and a
    // demo resident (1,000 DGCO from the seeding) comes to buy it.
    const api = devnet.manifest.discoveryNodes[0]!.endpoint;
    const landlord = devnet.manifest.accounts.find((a) => a.role === 'landlord')!;
    const resident = devnet.manifest.accounts.find((a) => a.role === 'resident')!;
    const sdk = createColivingSdk({ discoveryNodes: [api] });
    const { privateKey } = await sdk.auth.logIn({
      email: landlord.email,
      password: landlord.password,
    });
    sdk.setAccount(privateKeyToAccount(privateKey));
    const owner = await sdk.users.byHandle(landlord.handle);
    const [first] = await sdk.users.tracks(owner.id, { limit: 1 });
    assert.ok(first, 'the demo landlord has a track');
    const target = await sdk.tracks.update(owner.id, first.id, {
      streamConditions: { purchase: { price: '2.5' } },
    });

    const buyer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await buyer.newPage();
    try {
      await tab.goto(`${web}/login`);
      await tab.getByLabel('Email').fill(resident.email);
      await tab.getByLabel('Password').fill(resident.password);
      await tab.getByRole('button', { name: 'Log in' }).click();
      await tab.getByRole('link', { name: /^Wallet: / }).waitFor({ timeout: 30_000 });

      // The lock and the price before anyone presses play.
      await tab.goto(`${web}${target.permalink}`);
      const buy = tab.getByRole('button', { name: `Buy ${target.title} for 2.5 DGCO` }).first();
      await buy.waitFor({ timeout: 30_000 });
      await shot('locked-track', tab);

      // Its preview plays meanwhile.
      await tab
        .getByRole('button', { name: `Play ${target.title}` })
        .first()
        .click();
      await tab.locator('.preview-note', { hasText: 'Preview' }).waitFor({ timeout: 30_000 });
      const previewSrc = await until('the preview playing', async () => {
        const a = await audio(tab);
        return !a.paused && a.currentTime > 0 ? a.src : undefined;
      });

      // Buy: the price and split, then the result.
      await buy.click();
      const dialog = tab.getByRole('dialog', { name: `Buy ${target.title}` });
      await dialog.getByRole('list', { name: 'Who gets what' }).waitFor();
      await shot('buy-confirmation', tab);
      await dialog.getByRole('button', { name: /^Pay / }).click();
      await dialog
        .getByText(`You bought ${target.title}.`, { exact: false })
        .waitFor({ timeout: 120_000 });
      await dialog.getByRole('button', { name: 'Done' }).click();

      // At once: the full stream replaces the preview and plays; no lock is left.
      await until('the full track playing', async () => {
        const a = await audio(tab);
        return a.src !== previewSrc && !a.paused && a.currentTime > 0 ? true : undefined;
      });
      assert.equal(await tab.locator('.preview-note').count(), 0);
      assert.equal(await buy.count(), 0);
      await tab.goto(`${web}/wallet`);
      await tab.getByRole('table', { name: 'Wallet history' }).getByText(target.title).waitFor();
      await shot('wallet', tab);
    } finally {
      await buyer.close();
    }
  });

  it('has no serious or critical accessibility violations on any page (axe-core, WCAG 2 AA)', () => {
    assert.deepEqual(violations, []);
  });
});
