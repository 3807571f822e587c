// Benchmarks the discovery node's read API: loads a synthetic catalog straight into PostgreSQL
// (1,000,000 tracks, 100,000 users, 5,000,000 follows, 2,000,000 saves, 1,000,000 reposts by
// default, generated server-side), then runs wrk against GET /v1/tracks/{id} (a random track per
// request), /v1/tracks/trending and /v1/tracks/search?query=<a typo>, and against a hello-world
// fastify route in the same process, in the same run. Then the same at 100,000 tracks on PGlite.
// Beside them, for reference, "floor" routes on a bare fastify app: one trivial query per request,
// one track row by primary key per request, and a track's and trending's answers sent as
// constant buffers.
// The catalog is made in apiCatalog.ts, the routes and their wrk scripts are in apiEndpoints.ts,
// and wrk is run in apiWrk.ts.
// wrk comes from Debian's package (installed here when missing; needs root).
// Usage: npm run bench:api [-- <tracks, default 1000000>]
// Env: COLIVING_BENCH_ENGINES=postgres|pglite (default both), COLIVING_BENCH_KEEP_DB=1 keeps the
// loaded PostgreSQL database, COLIVING_BENCH_DATABASE=<name> runs against a kept one,
// COLIVING_BENCH_ONLY=<text>[,<text>...] measures only the routes whose name has one of those texts
// (and hello world); "concurrency" selects the concurrency run.
// The concurrency run (apiConcurrency.ts): 200 readers at once over a mix of routes, with the p99
// target beside it, /health_check's latency meanwhile, and where requests wait (event loop,
// database pool).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { startTestNetwork, type TestNetwork } from '@coliving/chain/testing';
import { decodeHashId, encodeHashId } from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { refreshSearchWords } from '../apps/discovery-node/src/core/search.js';
import { recomputeTrending } from '../apps/discovery-node/src/core/trending.js';
import {
  type Database,
  type DatabaseEngine,
  openDatabase,
} from '../apps/discovery-node/src/db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../apps/discovery-node/src/server.js';
import {
  TEST_POSTGRES_URL,
  freePort,
  postgresUnavailable,
} from '../apps/discovery-node/src/testing.js';
import { type Scale, TYPOS, loadCatalog, n, scaleOf, seconds } from './apiCatalog.js';
import { READERS, runConcurrency } from './apiConcurrency.js';
import { type Endpoint, apiEndpoints, concurrencyRun, getData } from './apiEndpoints.js';
import { WRK_CONNECTIONS, WRK_THREADS, type WrkResult, ensureWrk, runWrk } from './apiWrk.js';

/** Search must answer 95% of requests within this many milliseconds. */
const TARGET_SEARCH_P95_MS = 50;
/** Share of the typo queries that must find the title they mean in their first 10 results. */
const TARGET_TYPO_SHARE = 1;
/**
 * The words each typo query means (a title with all of them is what it should find); null when no
 * catalog title has them all. Under Meilisearch's thresholds "lovr" and "hart" (4 letters: no
 * typo) and "melodie" (two typos from "melody", 7 letters: one) found nothing; the typo rules
 * (core/searchTypos.ts) take Typesense's, one typo from 4 letters and two from 7.
 */
const TYPO_MEANT: Record<string, string | null> = {
  sunst: 'sunset',
  midnght: 'midnight',
  lovr: 'love',
  drems: 'dreams',
  ligths: 'lights',
  hart: 'heart',
  shadws: 'shadows',
  paradize: 'paradise',
  thundr: 'thunder',
  whispres: 'whispers',
  horizn: 'horizon',
  memries: 'memories',
  moonlite: 'moonlight',
  electirc: 'electric',
  goldn: 'golden',
  velvett: 'velvet',
  crystl: 'crystal',
  satelite: 'satellite',
  butterflys: 'butterflies',
  heartbeet: 'heartbeat',
  skylin: 'skyline',
  diamons: 'diamonds',
  kingdon: 'kingdom',
  gravty: 'gravity',
  strangrs: 'strangers',
  melodie: 'melody',
  jurney: 'journey',
  feelins: 'feelings',
  silense: 'silence',
  endles: 'endless',
  restles: 'restless',
  cosmik: 'cosmic',
  summr: 'summer',
  brokn: 'broken',
  highwy: 'highway',
  ocaen: 'ocean',
  forver: 'forever',
  wispers: 'whispers',
  galaxi: 'galaxy',
  lulaby: 'lullaby',
  harmoney: 'harmony',
  eclipce: 'eclipse',
  sunrize: 'sunrise',
  wildfyre: 'wildfire',
  // "midnight" and "city" both only ever open a title
  'midnite city': null,
  'goldn sunset': 'golden sunset',
  'electric dreems': 'electric dreams',
  'brokn heart': 'broken heart',
  'midnite ligths': 'midnight lights',
  'cosmik horizn': 'cosmic horizon',
  'velvett thundr': 'velvet thunder',
  'restles heartbeet': 'restless heartbeat',
};
/** Trending and track-by-id must each serve at least this share of hello-world's requests/s. */
const TARGET_RPS_RATIO = 0.5;
/** The PGlite run's catalog (an embedded node's scale); the targets are the same, report only. */
const PGLITE_TRACKS = 100_000;
const WRK_SECONDS = 10;
const WARMUP_SECONDS = 3;
/** Rounds (hello world, then the route) a ratio target is measured in; the median is reported. */
const RATIO_ROUNDS = 3;
/** Track ids the id script picks from at random (hashids, inlined into the Lua script). */
const SCRIPT_TRACK_IDS = 100_000;
const HOST = '127.0.0.1';

const tracks = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(tracks) || tracks < 1000)
  throw new Error(`tracks must be an integer >= 1000, got "${process.argv[2]}"`);

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT MET';
}

async function benchEngine(
  engine: DatabaseEngine,
  scale: Scale,
  ctx: { network: TestNetwork; wrk: string; dir: string; hello: string },
): Promise<boolean> {
  console.log(
    `\n${engine === 'postgres' ? 'PostgreSQL' : 'PGlite (in memory)'}: ${n(scale.tracks)} tracks, ` +
      `${n(scale.users)} users, ${n(scale.follows)} follows, ${n(scale.saves)} saves, ${n(scale.reposts)} reposts`,
  );
  let ok = true;
  let dropDatabase: (() => Promise<void>) | undefined;
  let database: Database | undefined;
  let node: DiscoveryNode | undefined;
  let floorApp: FastifyInstance | undefined;
  try {
    let url: string | undefined;
    // COLIVING_BENCH_DATABASE=<name> runs against a database an earlier run kept, without loading.
    const reuse = engine === 'postgres' ? process.env.COLIVING_BENCH_DATABASE : undefined;
    if (engine === 'postgres') {
      const name = reuse ?? `coliving_bench_${Math.random().toString(36).slice(2, 10)}`;
      if (!/^coliving_bench_[a-z0-9]+$/.test(name))
        throw new Error(`COLIVING_BENCH_DATABASE must name a kept bench database, got "${name}"`);
      if (!reuse) {
        const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await admin.connect();
        try {
          await admin.query(`create database ${name}`);
        } finally {
          await admin.end();
        }
      }
      // COLIVING_BENCH_KEEP_DB=1 keeps the loaded database for a closer look (EXPLAIN, psql).
      if (process.env.COLIVING_BENCH_KEEP_DB === '1' || reuse)
        console.log(`  database ${name} (kept)`);
      else
        dropDatabase = async () => {
          const dropper = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await dropper.connect();
          try {
            await dropper.query(`drop database if exists ${name} with (force)`);
          } finally {
            await dropper.end();
          }
        };
      const parsed = new URL(TEST_POSTGRES_URL);
      parsed.pathname = `/${name}`;
      url = parsed.toString();
    }
    database = await openDatabase(url ? { url } : {});

    const now = new Date();
    let t0 = performance.now();
    if (!reuse) {
      const client = await database.pool.connect();
      let steps: string[];
      try {
        ({ steps } = await loadCatalog(client, scale, now, engine));
      } finally {
        client.release();
      }
      const loadMs = performance.now() - t0;
      const { rows: sizes } = await database.pool.query<{ size: string }>(
        `select pg_size_pretty(pg_database_size(current_database())) as size`,
      );
      console.log(
        `  loaded in ${seconds(loadMs)} (${steps.join(', ')}); database ${sizes[0]?.size}`,
      );

      t0 = performance.now();
      await recomputeTrending(database.db, { now });
      console.log(`  recomputeTrending: ${seconds(performance.now() - t0)}`);
      t0 = performance.now();
      await refreshSearchWords(database.db);
      console.log(`  refreshSearchWords: ${seconds(performance.now() - t0)}`);
      await database.pool.query('analyze');
    }

    const port = await freePort();
    const publicUrl = `http://${HOST}:${port}`;
    node = await createDiscoveryNode(
      {
        database,
        manifest: ctx.network.manifest,
        dataClient: ctx.network.dataPublic,
        ethClient: ctx.network.ethPublic,
        account: privateKeyToAccount(generatePrivateKey()),
      },
      {
        version: 'bench',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 1000,
        publicUrl,
        trendingIntervalMs: 0,
      },
    );
    t0 = performance.now();
    await node.start(); // trending was computed above (trendingIntervalMs 0: no run at start)
    console.log(`  node started in ${seconds(performance.now() - t0)}`);
    // start() loads the track search index in the background; search reads the database until
    // it is in, so the routes are measured once it is.
    t0 = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    await node.trackSearch.rebuild();
    console.log(
      `  track search index loaded in ${seconds(performance.now() - t0)} ` +
        `(${n(node.trackSearch.current?.trackCount ?? 0)} tracks; heap ` +
        `${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(0)} MB more)`,
    );
    await node.app.listen({ host: HOST, port });

    // The floor of any route that reads the database per request, on this machine: a bare
    // fastify app (no API, no hooks) whose route runs one query on the node's pool. `/one` asks
    // for a constant; `/track/:id` reads one track row by primary key, the least a track answer
    // needs. Neither is a target; they show what a database round trip costs here.
    floorApp = Fastify({ logger: false });
    const pool = database.pool;
    floorApp.get('/one', async () => (await pool.query('select 1 as one')).rows[0]);
    floorApp.get<{ Params: { id: string } }>('/track/:id', async (request) => {
      const { rows } = await pool.query({
        name: 'bench_floor_track',
        text: 'select track_id, owner_id, title, genre, track_cid from tracks where track_id = $1',
        values: [decodeHashId(request.params.id)],
      });
      return rows[0] ?? null;
    });
    // `/bytes`: trending's answer as a constant buffer, the least any 100-track page costs.
    let pageBytes = Buffer.alloc(0);
    floorApp.get('/bytes', async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(pageBytes),
    );
    // `/track-bytes/:id`: a track's whole answer as a constant buffer, behind the same random
    // paths as the track route: the least any track answer costs to send on this machine.
    let trackBytes = Buffer.alloc(0);
    floorApp.get('/track-bytes/:id', async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(trackBytes),
    );
    const floorPort = await freePort();
    await floorApp.listen({ host: HOST, port: floorPort });
    const floorUrl = `http://${HOST}:${floorPort}`;

    // Random tracks among all of them, as hashids (the API's ids).
    const ids: string[] = [];
    for (let i = 0; i < Math.min(SCRIPT_TRACK_IDS, scale.tracks); i++)
      ids.push(encodeHashId(1 + Math.floor(Math.random() * scale.tracks)));
    const write = async (file: string, text: string) => {
      const path = join(ctx.dir, `${engine}-${file}`);
      await writeFile(path, text);
      return path;
    };
    const endpoints = await apiEndpoints({ hello: ctx.hello, publicUrl, floorUrl }, ids, write);

    // Each route answers before it is measured; a few answers are printed to show what is served.
    const track = (await getData(`${publicUrl}/v1/tracks/${ids[0]}`)) as { title: string };
    const trending = (await getData(`${publicUrl}/v1/tracks/trending`)) as { title: string }[];
    pageBytes = Buffer.from(await (await fetch(`${publicUrl}/v1/tracks/trending`)).arrayBuffer());
    trackBytes = Buffer.from(await (await fetch(`${publicUrl}/v1/tracks/${ids[0]}`)).arrayBuffer());
    console.log(
      `  /v1/tracks/${ids[0]}: "${track.title}"; trending: ${trending.length} tracks, top ` +
        trending
          .slice(0, 3)
          .map((t) => `"${t.title}"`)
          .join(', '),
    );
    // Each typo query against the title it means: a hit when a title among the first 10 has every
    // word meant (as a word of its own).
    const found: string[] = [];
    const missed: string[] = [];
    const outside: string[] = [];
    let meantCount = 0;
    for (const typo of TYPOS) {
      const hits = (await getData(
        `${publicUrl}/v1/tracks/search?query=${encodeURIComponent(typo)}&limit=10`,
      )) as { title: string }[];
      const meant = TYPO_MEANT[typo];
      if (meant === undefined) throw new Error(`no meaning given for the typo query "${typo}"`);
      if (meant === null) {
        outside.push(`${typo} (${hits.length} found)`);
        continue;
      }
      meantCount++;
      const words = meant.split(' ');
      const hit = hits.find((h) => {
        const titleWords = h.title.toLowerCase().split(/[^a-z0-9]+/);
        return words.every((w) => titleWords.includes(w));
      });
      if (!hit) missed.push(`${typo} (for "${meant}")`);
      else if (found.length < 6) found.push(`${typo} -> "${hit.title}"`);
    }
    const share = (meantCount - missed.length) / meantCount;
    console.log(
      `  search: ${meantCount - missed.length}/${meantCount} typo queries (${(share * 100).toFixed(0)} %; ` +
        `target ${TARGET_TYPO_SHARE * 100} %: ${verdict(share >= TARGET_TYPO_SHARE)}) find the title ` +
        `they mean in the top 10, e.g. ${found.join(', ')}` +
        (missed.length ? `; not ${missed.join(', ')}` : '') +
        (outside.length
          ? `; no catalog title has every word of ${outside.join(', ')}, not counted`
          : ''),
    );

    // COLIVING_BENCH_ONLY=<text>[,<text>...] measures hello world and the routes whose name has
    // one of those texts.
    const only = process.env.COLIVING_BENCH_ONLY?.split(',');
    const measured = endpoints.filter(
      (e) => !only || e.name === 'hello world' || only.some((text) => e.name.includes(text)),
    );
    // hello world's rate moves by a third from one run to the next on this kind of machine, so
    // a route held to a ratio is measured in RATIO_ROUNDS rounds, each right after a hello-world
    // run of its own; the round with the median ratio is reported.
    const helloEndpoint = endpoints.find((e) => e.name === 'hello world')!;
    const measure = async (endpoint: Endpoint): Promise<WrkResult> => {
      const args = [ctx.wrk, endpoint.script, endpoint.path, endpoint.name] as const;
      const { connections, headers } = endpoint;
      await runWrk(...args, WARMUP_SECONDS, connections, headers);
      return runWrk(...args, WRK_SECONDS, connections, headers);
    };
    const results = new Map<string, WrkResult>();
    const pairedHello = new Map<string, WrkResult>();
    const roundRatios = new Map<string, number[]>();
    for (const endpoint of measured) {
      try {
        await endpoint.before?.();
        if (endpoint.target === 'ratio' || endpoint.target === 'ratio-info') {
          const rounds: { hello: WrkResult; route: WrkResult }[] = [];
          // A cold route is measured once: a second round would find what the first read.
          const count = endpoint.target === 'ratio' ? RATIO_ROUNDS : 1;
          for (let round = 0; round < count; round++)
            rounds.push({ hello: await measure(helloEndpoint), route: await measure(endpoint) });
          rounds.sort((a, b) => a.route.rps / a.hello.rps - b.route.rps / b.hello.rps);
          const median = rounds[Math.floor(rounds.length / 2)]!;
          pairedHello.set(endpoint.name, median.hello);
          results.set(endpoint.name, median.route);
          roundRatios.set(
            endpoint.name,
            rounds.map((r) => r.route.rps / r.hello.rps),
          );
        } else results.set(endpoint.name, await measure(endpoint));
      } catch (error) {
        ok = false;
        console.log(`  ${endpoint.name}: FAILED: ${(error as Error).message}`);
      }
    }
    const hello = results.get('hello world');
    console.log(
      `  wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s after a ${WARMUP_SECONDS} s warm-up, each:`,
    );
    for (const endpoint of measured) {
      const r = results.get(endpoint.name);
      if (!r) continue;
      let line =
        `  ${`${endpoint.name}${endpoint.connections ? '' : ` (c${WRK_CONNECTIONS})`}`.padEnd(42)} ${r.rps.toFixed(0).padStart(6)} req/s  ` +
        `p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  ` +
        `CPU/request: node ${r.nodeCpuPerRequest.toFixed(0)} µs, machine ${r.machineCpuPerRequest.toFixed(0)} µs`;
      const paired = pairedHello.get(endpoint.name);
      if (paired) {
        const ratio = r.rps / paired.rps;
        line += `  = ${ratio.toFixed(2)}x the hello world run just before it (${paired.rps.toFixed(0)} req/s`;
        if (endpoint.target === 'ratio')
          line += `; target >= ${TARGET_RPS_RATIO}x: ${verdict(ratio >= TARGET_RPS_RATIO)}`;
        const rounds = roundRatios.get(endpoint.name)!;
        if (rounds.length > 1) line += `; rounds ${rounds.map((x) => x.toFixed(2)).join(', ')}`;
        line += ')';
      } else if (endpoint.name.startsWith('floor') && hello) {
        line += `  = ${(r.rps / hello.rps).toFixed(2)}x hello world`;
      }
      if (endpoint.target === 'p95')
        line += `  (target p95 <= ${TARGET_SEARCH_P95_MS} ms: ${verdict(r.p95 <= TARGET_SEARCH_P95_MS)})`;
      console.log(line);
    }
    // The concurrency run (its name for COLIVING_BENCH_ONLY: "concurrency").
    if (!only || only.some((text) => 'concurrency'.includes(text))) {
      const userIds: string[] = [];
      for (let i = 0; i < Math.min(SCRIPT_TRACK_IDS, scale.users); i++)
        userIds.push(encodeHashId(1 + Math.floor(Math.random() * scale.users)));
      const run = await concurrencyRun(publicUrl, ids, userIds, write);
      try {
        await runConcurrency(ctx.wrk, run, database.pool);
      } catch (error) {
        ok = false;
        console.log(`  concurrency (${READERS} readers): FAILED: ${(error as Error).message}`);
      }
    }
    console.log(`  process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
    return ok;
  } finally {
    await floorApp?.close();
    await node?.stop();
    await database?.close();
    await dropDatabase?.();
  }
}

/** Runs one engine's benchmark; a failure is printed and the next engine still runs. */
async function benchOrReport(...args: Parameters<typeof benchEngine>): Promise<boolean> {
  try {
    return await benchEngine(...args);
  } catch (error) {
    console.log(
      `  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return false;
  }
}

async function main(): Promise<number> {
  const wrk = await ensureWrk();
  if (!wrk) {
    console.error(
      'api benchmark needs wrk: install it with `apt-get install -y wrk` (as root) and run it again',
    );
    return 1;
  }
  console.log(
    `api benchmark: synthetic catalog generated in the database, wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} ` +
      `-d${WRK_SECONDS}s per route; discovery node and hello-world fastify app in this process`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'coliving-bench-api-'));
  let helloApp: FastifyInstance | undefined;
  let network: TestNetwork | undefined;
  let ok = true;
  try {
    network = await startTestNetwork();
    helloApp = Fastify({ logger: false });
    helloApp.get('/', async () => ({ hello: 'world' }));
    const helloPort = await freePort();
    await helloApp.listen({ host: HOST, port: helloPort });
    const ctx = { network, wrk, dir, hello: `http://${HOST}:${helloPort}/` };

    // COLIVING_BENCH_ENGINES=postgres (or pglite) runs only that engine.
    const engines = process.env.COLIVING_BENCH_ENGINES ?? 'postgres,pglite';
    const why = engines.includes('postgres') ? await postgresUnavailable() : 'not asked for';
    if (why) {
      console.log(`PostgreSQL: skipped (${why})`);
      ok = false;
    } else {
      ok = (await benchOrReport('postgres', scaleOf(tracks), ctx)) && ok;
    }
    if (engines.includes('pglite'))
      ok = (await benchOrReport('pglite', scaleOf(Math.min(tracks, PGLITE_TRACKS)), ctx)) && ok;
    return ok ? 0 : 1;
  } finally {
    await helloApp?.close();
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
