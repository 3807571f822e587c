// Benchmarks plays: listens a second one content node accepts (full streams of a small blob from
// byte 0, each under a valid discovery signature, within the per (track, IP) limits, journaled
// with group commit), then plays a second a discovery node indexes (bench/playsIndexer.ts, when
// it is there). wrk drives the content node when installed (`npm run bench:stream` installs it),
// else concurrent fetches from this process.
// Usage: npm run bench:plays [-- <seconds, default 10>]
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PLAY_LIMITS, encodeStreamSignatureParam, signStreamData } from '@coliving/protocol';
import { openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { findFfmpegBinaries } from '../apps/content-node/src/core/ffmpegBinaries.js';
import { createStaticNetwork } from '../apps/content-node/src/core/network.js';
import { ListenJournal } from '../apps/content-node/src/db/listenJournal.js';
import { createContentNode } from '../apps/content-node/src/node.js';
import { everyWalletIsAUserForTests, freePort } from '../apps/content-node/src/testing.js';
import { assertNoErrorAnswers, printWrkReportIfVerbose, runWrkReport } from './wrk.js';

const seconds = Number(process.argv[2] ?? 10);
if (!Number.isInteger(seconds) || seconds < 1)
  throw new Error(`seconds must be a positive integer, got "${process.argv[2]}"`);
/** Distinct tracks signed: with the default per (track, IP) limit each takes 20 an hour. */
const TRACKS = 5_000;
const CONNECTIONS = 32;
const BLOB_BYTES = 16 * 1024;

async function which(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && (await stat(join(dir, command)).catch(() => undefined))?.isFile())
      return join(dir, command);
  }
  return undefined;
}

/** Listens a second one content node accepts; prints the figure and returns it. */
async function benchListens(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-bench-plays-'));
  const discovery = privateKeyToAccount(generatePrivateKey());
  const nodeAccount = privateKeyToAccount(generatePrivateKey());
  const store = await openBlobStore(join(dir, 'blobs'));
  const listens = await ListenJournal.open(join(dir, 'listens.jsonl'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const node = await createContentNode(
    {
      account: nodeAccount,
      store,
      listens,
      ffmpeg: await findFfmpegBinaries(),
      logger: false,
      network: createStaticNetwork(
        [{ endpoint, delegateWallet: nodeAccount.address }],
        [discovery.address],
      ),
      discovery: everyWalletIsAUserForTests(),
    },
    { publicUrl: endpoint, dataDir: dir, version: 'bench', repairIntervalMs: 0 },
  );
  try {
    const { cid } = await store.put(
      (async function* () {
        yield new Uint8Array(randomBytes(BLOB_BYTES));
      })(),
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port });
    const paths: string[] = [];
    for (let trackId = 1; trackId <= TRACKS; trackId += 1) {
      const signature = await signStreamData({
        account: discovery,
        data: { cid, timestamp: Date.now(), trackId, userId: trackId, shouldCache: true },
      });
      paths.push(
        `/tracks/cidstream/${cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`,
      );
    }
    // One round first: every signature recovered once (a player reuses its URL, so a node sees
    // each signature many times), and these listens are not counted.
    for (let i = 0; i < paths.length; i += 64)
      await Promise.all(
        paths.slice(i, i + 64).map(async (p) => (await fetch(`${endpoint}${p}`)).arrayBuffer()),
      );
    const startCount = (await listens.read()).listens.length;
    let requests = 0;

    const wrk = await which('wrk');
    const started = performance.now();
    if (wrk) {
      const script = join(dir, 'listens.lua');
      await writeFile(
        script,
        `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i % #paths) + 1])
end
`,
      );
      const report = await runWrkReport(wrk, script, endpoint, {
        threads: 2,
        connections: CONNECTIONS,
        seconds,
      });
      printWrkReportIfVerbose(report, 'the stream route (listens)');
      assertNoErrorAnswers(report, 'the stream route');
      requests = Number(/^\s+(\d+) requests in/m.exec(report)?.[1] ?? 0);
    } else {
      let next = 0;
      const deadline = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < deadline) {
            const res = await fetch(`${endpoint}${paths[next++ % paths.length]!}`);
            requests += 1;
            if (res.status !== 200) throw new Error(`the stream route answered ${res.status}`);
            await res.arrayBuffer();
          }
        }),
      );
    }
    const elapsed = (performance.now() - started) / 1000;
    const accepted = (await listens.read()).listens.length - startCount;
    const perSecond = accepted / elapsed;
    console.log(
      `listens accepted by one content node: ${Math.round(perSecond).toLocaleString('en-US')}/s ` +
        `(${accepted} journaled of ${requests} streams in ${elapsed.toFixed(1)} s over ${TRACKS} tracks, ` +
        `limit ${PLAY_LIMITS.trackIp.hour}/h per track and IP; ${wrk ? 'wrk' : 'fetch'}, ` +
        `${CONNECTIONS} connections, ${BLOB_BYTES / 1024} KiB blob)  report`,
    );
    return perSecond;
  } finally {
    await node.stop();
    await listens.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await benchListens();
  // Written by the indexing side of issue 22; called when it is there.
  const indexer = new URL('./playsIndexer.ts', import.meta.url);
  if (existsSync(indexer)) {
    const specifier = './playsIndexer.js';
    const { benchPlaysIndexing } = (await import(specifier)) as {
      benchPlaysIndexing: () => Promise<unknown>;
    };
    await benchPlaysIndexing();
  } else {
    console.log('plays indexed: bench/playsIndexer.ts is not there yet');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
