// Benchmarks the web player: time to first audio, from the click on a track's play button to the
// audio element's `playing` event, over 20 plays on loopback against a devnet (each play in a
// fresh browser context, so nothing comes from the media cache), and the bundle sizes: the
// JavaScript the first page loads (gzipped, as served) and every chunk of the build.
// Usage: npm run bench:web
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, browserMissing, launchBrowser, startDevnet } from '../apps/web/src/e2e/devnet.js';

const PLAYS = 20;
const P50_TARGET_MS = 300;
const INITIAL_JS_TARGET_KB = 250;

// The page's DOM as far as the measurement touches it (this file is typechecked without the DOM
// library; the functions below run in the browser).
type MiniAudio = {
  addEventListener(type: 'playing', listener: () => void, options: { once: true }): void;
};
type MiniDom = {
  document: {
    querySelector(selector: string): MiniAudio | null;
    querySelectorAll(selector: string): ArrayLike<{ click(): void }>;
  };
  performance: {
    now(): number;
    getEntriesByType(type: 'resource'): { name: string; encodedBodySize: number }[];
  };
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function bundleSizes(): Promise<{ name: string; kb: number }[]> {
  const dir = join(ROOT, 'apps/web/dist/assets');
  const out: { name: string; kb: number }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.js') && !name.endsWith('.css')) continue;
    out.push({ name, kb: gzipSync(await readFile(join(dir, name))).length / 1024 });
  }
  return out.sort((a, b) => b.kb - a.kb);
}

async function main() {
  const missing = browserMissing();
  if (missing) throw new Error(`bench:web needs Chromium: ${missing}`);
  console.log('starting a devnet (3 content nodes, 1 discovery node, small catalog) ...');
  const devnet = await startDevnet(3);
  const browser = await launchBrowser();
  try {
    const web = devnet.manifest.web.url!;
    const times: number[] = [];
    let initialJsKb = 0;
    for (let i = 0; i < PLAYS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(web);
      await page.locator('.track-row .track-play').first().waitFor({ timeout: 60_000 });
      if (i === 0) {
        initialJsKb = await page.evaluate(
          () =>
            (globalThis as unknown as MiniDom).performance
              .getEntriesByType('resource')
              .filter((e) => e.name.endsWith('.js'))
              .reduce((sum, e) => sum + e.encodedBodySize, 0) / 1024,
        );
      }
      const rows = await page.locator('.track-row .track-play').count();
      const ms = await page.evaluate(async (index) => {
        const { document, performance } = globalThis as unknown as MiniDom;
        const audio = document.querySelector('[data-testid="player-audio"]')!;
        const button = document.querySelectorAll('.track-row .track-play')[index]!;
        return new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no playing event in 30 s')), 30_000);
          const t0 = performance.now();
          audio.addEventListener(
            'playing',
            () => {
              clearTimeout(timer);
              resolve(performance.now() - t0);
            },
            { once: true },
          );
          button.click();
        });
      }, i % rows);
      times.push(ms);
      console.log(
        `  play ${String(i + 1).padStart(2)}: ${ms.toFixed(0)} ms (track ${(i % rows) + 1})`,
      );
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    console.log('');
    console.log(
      `time to first audio over ${PLAYS} plays: p50 ${p50.toFixed(0)} ms (target <= ${P50_TARGET_MS} ms: ${p50 <= P50_TARGET_MS ? 'met' : 'NOT met'}), p90 ${percentile(sorted, 90).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
    );
    console.log(
      `initial JavaScript of the first page: ${initialJsKb.toFixed(1)} KB gzipped (target <= ${INITIAL_JS_TARGET_KB} KB: ${initialJsKb <= INITIAL_JS_TARGET_KB ? 'met' : 'NOT met'})`,
    );
    console.log('build, gzipped:');
    for (const { name, kb } of await bundleSizes())
      console.log(`  ${kb.toFixed(1).padStart(7)} KB  ${name}`);
  } finally {
    await browser.close();
    await devnet.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
