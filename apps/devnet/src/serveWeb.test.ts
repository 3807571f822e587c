import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { buildWeb } from './buildWeb.js';
import { type WebServer, serveWeb } from './serveWeb.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A raw request, so the test sees exactly what went over the wire (no fetch normalising). */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveWeb', () => {
  let dir: string;
  let web: WebServer;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), script);
    await writeFile(join(dir, 'secret.txt'), 'inside');
    web = await serveWeb({
      distDir: dir,
      port: 0,
      config: { discoveryNodes: ['http://127.0.0.1:4310'] },
    });
  });
  after(async () => {
    await web.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the player where the discovery nodes are', async () => {
    const res = await get(`${web.url}/config.json`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body.toString()), {
      discoveryNodes: ['http://127.0.0.1:4310'],
    });
    assert.equal(res.headers['cache-control'], 'no-cache');
  });

  it('serves hashed assets for good, gzipped when asked, and answers a matching ETag with 304', async () => {
    const plain = await get(`${web.url}/assets/index-abc123.js`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.toString(), script);
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    const gz = await get(`${web.url}/assets/index-abc123.js`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gz.body.length < plain.body.length / 10);
    assert.equal(gunzipSync(gz.body).toString(), script);
    const again = await get(`${web.url}/assets/index-abc123.js`, {
      'if-none-match': String(plain.headers.etag),
    });
    assert.equal(again.status, 304);
    const head = await get(`${web.url}/assets/index-abc123.js`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(script.length));
  });

  it('answers every page path with index.html, so deep links and reloads work', async () => {
    for (const path of ['/', '/trending', '/nightowl/midnight-chords', '/a/playlist/b?x=1']) {
      const res = await get(`${web.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.body.toString(), /id="root"/, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assert.equal(res.headers['x-frame-options'], undefined, `${path} may be embedded`);
    }
  });

  it('serves the consent page so that no other site can frame it', async () => {
    const res = await get(`${web.url}/oauth/auth?client_id=0x1&state=s`);
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /id="root"/);
    assert.equal(res.headers['content-security-policy'], "frame-ancestors 'none'");
    assert.equal(res.headers['x-frame-options'], 'DENY');
  });

  it('refuses missing files, paths out of the site and other methods', async () => {
    const missing = await get(`${web.url}/assets/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(
      (JSON.parse(missing.body.toString()) as { error: { code: string } }).error.code,
      'not_found',
    );
    // %2f is not a separator to the URL parser, so this one reaches the file check and is refused.
    const escaped = await get(`${web.url}/..%2f..%2fpackage.json`);
    assert.equal(escaped.status, 400);
    assert.equal(
      (JSON.parse(escaped.body.toString()) as { error: { code: string } }).error.code,
      'invalid_path',
    );
    // The parser folds %2e%2e into "..", so these land inside the site: a page, never the file.
    for (const path of ['/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fsecret.txt/../x']) {
      const res = await get(`${web.url}${path}`);
      assert.doesNotMatch(res.body.toString(), /root:|inside/, path);
    }
    const nul = await get(`${web.url}/a%00b`);
    assert.equal(nul.status, 400);
    const bad = await get(`${web.url}/%E0%A4%A`);
    assert.equal(bad.status, 400);
    const post = await get(`${web.url}/`, {}, 'POST');
    assert.equal(post.status, 405);
  });
});

describe('buildWeb', () => {
  it('builds the player once, and again only when its sources changed', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'coliving-web-build-'));
    const logFile = join(outDir, '..', `${outDir.split('/').pop()}.log`);
    try {
      const first = await buildWeb({ root: ROOT, outDir, logFile });
      assert.equal(first.built, true);
      const html = await readFile(join(outDir, 'index.html'), 'utf8');
      assert.match(html, /<script type="module"[^>]+src="\/assets\/index-[^"]+\.js"/);
      // The budget: the JavaScript the first page (trending) loads, at most 250 KB gzipped.
      const manifest = JSON.parse(
        await readFile(join(outDir, '.vite/manifest.json'), 'utf8'),
      ) as Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>;
      const files = new Set<string>();
      const visit = (key: string) => {
        const chunk = manifest[key]!;
        if (files.has(chunk.file)) return;
        files.add(chunk.file);
        for (const imported of chunk.imports ?? []) visit(imported);
      };
      visit('index.html');
      visit('src/pages/TrendingPage.tsx');
      let gzipped = 0;
      for (const file of files) gzipped += gzipSync(await readFile(join(outDir, file))).length;
      assert.ok(files.size >= 2, [...files].join(', '));
      assert.ok(gzipped <= 250 * 1024, `first page JS ${(gzipped / 1024).toFixed(1)} KB gzipped`);

      const second = await buildWeb({ root: ROOT, outDir, logFile });
      assert.equal(second.built, false, 'nothing changed: no second build');
      await writeFile(join(outDir, '.coliving-build.json'), '{"fingerprint":"old"}');
      const third = await buildWeb({ root: ROOT, outDir, logFile });
      assert.equal(third.built, true, 'a build from other sources is made again');
    } finally {
      await rm(outDir, { recursive: true, force: true });
      await rm(logFile, { force: true });
    }
  });
});
