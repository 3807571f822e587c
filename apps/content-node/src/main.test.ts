import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@coliving/server-kit';
import { loadContentNodeConfig } from './config.js';
import { freePort } from './testing.js';

const here = dirname(fileURLToPath(import.meta.url));
const KEY = '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd';
const WALLET = '0xcd3B766CCDd6AE721141F452C550Ca635964ce71';
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, output: () => output };
}

describe('content node config and process', () => {
  it('reads a fixed network and defaults', () => {
    const config = loadContentNodeConfig({
      COLIVING_PUBLIC_URL: 'http://127.0.0.1:4001',
      COLIVING_DELEGATE_PRIVATE_KEY: KEY,
      COLIVING_PEERS: `${WALLET}@http://127.0.0.1:4001`,
      COLIVING_DISCOVERY_SIGNERS: WALLET,
      COLIVING_MAX_UPLOAD_BYTES: '50MiB',
    });
    assert.equal(config.port, 4000);
    assert.equal(config.maxUploadBytes, 50 * 1024 * 1024);
    assert.deepEqual(config.peers, [`${WALLET}@http://127.0.0.1:4001`]);
  });

  it('lists every bad variable at once', () => {
    assert.throws(
      () =>
        loadContentNodeConfig({
          COLIVING_PORT: 'x',
          COLIVING_PEERS: 'nonsense',
          COLIVING_DELEGATE_PRIVATE_KEY: '0x12',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.variable).sort(), [
          'COLIVING_DELEGATE_PRIVATE_KEY',
          'COLIVING_PEERS',
          'COLIVING_PORT',
          'COLIVING_PUBLIC_URL',
        ]);
        return true;
      },
    );
  });

  it('runs as a process: serves /health_check and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coliving-cn-main-'));
    dirs.push(dataDir);
    const port = await freePort();
    const proc = startProcess({
      COLIVING_PORT: String(port),
      COLIVING_PUBLIC_URL: `http://127.0.0.1:${port}`,
      COLIVING_DATA_DIR: dataDir,
      COLIVING_DELEGATE_PRIVATE_KEY: KEY,
      COLIVING_PEERS: `${WALLET}@http://127.0.0.1:${port}`,
      COLIVING_LOG_LEVEL: 'warn',
    });
    const deadline = Date.now() + 60_000;
    let health: { data: { version: string; endpoint: string } } | undefined;
    while (!health) {
      if (Date.now() > deadline) throw new Error(`not ready: ${proc.output()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health_check`);
        if (res.status === 200 || res.status === 503) health = (await res.json()) as typeof health;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    assert.equal(health?.data.endpoint, `http://127.0.0.1:${port}`);
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
  });

  it('exits non-zero with a clear message on bad config', async () => {
    const proc = startProcess({ COLIVING_PORT: 'seventy' });
    assert.equal(await proc.exited, 1);
    assert.match(proc.output(), /COLIVING_PORT: must be a TCP port/);
    assert.match(proc.output(), /COLIVING_DELEGATE_PRIVATE_KEY: required/);
  });
});
