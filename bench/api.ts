// Benchmarks the discovery node's read API: loads a synthetic catalog straight into PostgreSQL
// (1,000,000 tracks, 100,000 users, 5,000,000 follows, 2,000,000 saves, 1,000,000 reposts by
// default, generated server-side), then runs wrk against GET /v1/tracks/{id} (a random track per
// request), /v1/tracks/trending and /v1/tracks/search?query=<a typo>, and against a hello-world
// fastify route in the same process, in the same run. Then the same at 100,000 tracks on PGlite.
// Beside them, for reference, "floor" routes on a bare fastify app: one trivial query per request,
// one track row by primary key per request, and a track's and trending's answers sent as
// constant buffers.
// wrk comes from Debian's package (installed here when missing; needs root).
// Usage: npm run bench:api [-- <tracks, default 1000000>]
// Env: COLIVING_BENCH_ENGINES=postgres|pglite (default both), COLIVING_BENCH_KEEP_DB=1 keeps the
// loaded PostgreSQL database, COLIVING_BENCH_DATABASE=<name> runs against a kept one,
// COLIVING_BENCH_ONLY=<text>[,<text>...] measures only the routes whose name has one of those texts
// (and hello world).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { startTestNetwork, type TestNetwork } from '@coliving/chain/testing';
import { GENRES, MOODS, cidFromBytes, decodeHashId, encodeHashId } from '@coliving/protocol';
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

const run = promisify(execFile);

/** Search must answer 95% of requests within this many milliseconds. */
const TARGET_SEARCH_P95_MS = 50;
/** Trending and track-by-id must each serve at least this share of hello-world's requests/s. */
const TARGET_RPS_RATIO = 0.5;
/** The PGlite run's catalog (an embedded node's scale); the targets are the same, report only. */
const PGLITE_TRACKS = 100_000;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 16;
const WRK_SECONDS = 10;
const WARMUP_SECONDS = 3;
/** Rounds (hello world, then the route) a ratio target is measured in; the median is reported. */
const RATIO_ROUNDS = 3;
/** Track ids the id script picks from at random (hashids, inlined into the Lua script). */
const SCRIPT_TRACK_IDS = 100_000;
/** GET /v1/tracks takes this many ids at once (the API's page cap). */
const MAX_IDS_PER_READ = 500;
/** The synthetic chain has 2-second blocks: block numbers follow created_at. */
const BLOCKS_PER_YEAR = (365 * 86_400) / 2;
const HOST = '127.0.0.1';
/**
 * What browsers and fetch send. The routes are measured without it (every byte as JSON) and,
 * where the answer is large enough to be compressed, with it too.
 */
const AS_BROWSERS_ASK = 'Accept-Encoding: gzip, deflate, br';

const tracks = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(tracks) || tracks < 1000)
  throw new Error(`tracks must be an integer >= 1000, got "${process.argv[2]}"`);

// Titles are an adjective (or place, or time) and a noun, sometimes a third word and a suffix:
// 3,500 distinct pairs, so every word is in many titles, as common words are.
const TITLE_FIRST = (
  'midnight golden electric broken silent endless summer neon velvet crystal wild lonely ' +
  'burning frozen hidden sweet cosmic fading restless secret northern paper silver purple ' +
  'gentle lucky hollow ocean desert city morning falling rising distant heavy tender ' +
  'crimson faded brave sacred quiet lost little holy dangerous beautiful forgotten infinite ' +
  'tropical winter'
).split(' ');
const TITLE_NOUNS = (
  'sunset dreams lights heart love fire rain river shadows waves stars memories highway ' +
  'paradise thunder whispers horizon garden echoes mirror skyline heartbeat storm moonlight ' +
  'letters forever melody journey feelings butterflies silence dance island tears wonder ' +
  'angel diamonds kingdom daylight gravity satellite strangers window ghost fever breeze ' +
  'tonight roses runaway blossom harmony flames galaxy tides wildfire lullaby avenue voices ' +
  'colors season thoughts promises streets mountains eclipse sunrise summertime heaven ' +
  'nights rhythm'
).split(' ');
const TITLE_SUFFIXES = [
  ...Array<string>(14).fill(''),
  ' (Remix)',
  ' (Live)',
  ' (Acoustic)',
  ' Pt. 2',
  ' (Radio Edit)',
  ' Interlude',
];
const FIRST_NAMES = (
  'nova luna kai milo zara eli ivy jules rio sage theo maya leo aria finn nina omar lila ' +
  'ezra cleo dante freya hugo iris jasper kira lena marco noor otis pia quinn remy sofia ' +
  'tariq uma vince wren xavi yara'
).split(' ');
const LAST_NAMES = (
  'rivers stone vega moreau okafor lindqvist tanaka silva novak haddad kowalski fischer ' +
  'delgado nakamura osei petrov rossi santos weber young adeyemi bauer castro dubois ' +
  'eriksen ferreira garcia hansen ito jensen'
).split(' ');
const CITIES = ['Lagos', 'Berlin', 'Austin', 'Seoul', 'Lisbon', 'Toronto', 'Bogotá', 'Accra'];
/** Realistic misspellings of title words: each must still find tracks. */
const TYPOS = [
  ...(
    'sunst midnght lovr drems ligths hart shadws paradize thundr whispres horizn memries ' +
    'moonlite electirc goldn velvett crystl satelite butterflys heartbeet skylin diamons ' +
    'kingdon gravty strangrs melodie jurney feelins silense endles restles cosmik summr ' +
    'brokn highwy ocaen forver wispers galaxi lulaby harmoney eclipce sunrize wildfyre'
  ).split(' '),
  'midnite city',
  'goldn sunset',
  'electric dreems',
  'brokn heart',
];

type Scale = { tracks: number; users: number; follows: number; saves: number; reposts: number };

function scaleOf(trackCount: number): Scale {
  return {
    tracks: trackCount,
    users: Math.floor(trackCount / 10),
    follows: trackCount * 5,
    saves: trackCount * 2,
    reposts: trackCount,
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A SQL array literal of strings. */
function sqlArray(values: readonly string[]): string {
  return `array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`;
}

/** A uniform pseudo-random float8 in [0, 1) from `expr` and `seed`: deterministic, server-side. */
function rnd(expr: string, seed: number): string {
  return `(((hashint8extended((${expr})::int8, ${seed}) >> 11) & 9007199254740991)::float8 / 9007199254740992.0)`;
}

/** `array[1 + floor(r * length)]`: a pseudo-random element of a SQL array literal. */
function pick(values: readonly string[], expr: string, seed: number): string {
  return `(${sqlArray(values)})[1 + floor(${rnd(expr, seed)} * ${values.length})::int]`;
}

/** A multiplier coprime to `modulus`: `(k * m) % modulus` permutes 0..modulus-1. */
function permutationMultiplier(modulus: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const m of [7919, 104_729, 1_299_709, 15_485_863]) if (gcd(m, modulus) === 1) return m;
  throw new Error(`no permutation multiplier for ${modulus}`);
}

/**
 * Generates the catalog with INSERT ... SELECT FROM generate_series, server-side. Everything is a
 * function of the row number, so a run is reproducible. Time is a fraction of the past year
 * (`frac`, 1 = now): users and tracks are created in id order, an owner exists before its tracks,
 * and a follow, save or repost comes after both of its ends, mostly soon after the later one.
 */
async function loadCatalog(
  client: pg.PoolClient,
  scale: Scale,
  now: Date,
  engine: DatabaseEngine,
): Promise<{ steps: string[] }> {
  const { users: U, tracks: T } = scale;
  const cids = await Promise.all(
    Array.from({ length: 16 }, (_, i) => cidFromBytes(new TextEncoder().encode(`bench ${i}`))),
  );
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const at = (frac: string) => `(${nowSql} - interval '365 days' * (1 - (${frac})))`;
  const block = (frac: string) => `(1 + floor((${frac}) * ${BLOCKS_PER_YEAR}))::int8`;
  const mulU = permutationMultiplier(U);
  const mulT = permutationMultiplier(T);
  const steps: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    steps.push(`${what} ${seconds(performance.now() - t0)}`);
  };

  // Bulk-load the usual way: foreign-key triggers off for this session (the rows are consistent
  // by construction), secondary indexes dropped and rebuilt after, once. Constraint indexes stay:
  // the pair tables rely on their primary keys to drop duplicate pairs.
  const tables = ['users', 'tracks', 'follows', 'saves', 'reposts'];
  await client.query('set session_replication_role = replica');
  if (engine === 'postgres') {
    await client.query('set synchronous_commit = off');
    await client.query(`set maintenance_work_mem = '1GB'`);
  }
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i join pg_class c on c.oid = i.indrelid
     where c.relnamespace = 'public'::regnamespace and c.relname = any($1)
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const index of indexes) await client.query(`drop index ${index.name}`);

  await step('users', () =>
    client.query(`
      insert into users (user_id, wallet, handle, handle_lc, name, metadata, created_block,
        created_at, updated_block, updated_at, tx_hash)
      select g, wallet, handle, lower(handle), name,
        jsonb_strip_nulls(jsonb_build_object('handle', handle, 'name', name, 'bio', bio,
          'location', location, 'profile_picture_sizes', picture, 'cover_photo_sizes', cover)),
        ${block('frac')}, ${at('frac')}, ${block('frac')}, ${at('frac')},
        '0x' || md5('user tx ' || g) || md5('user tx 2 ' || g)
      from (
        select g, g::float8 / ${U} as frac,
          '0x' || substr(md5('wallet ' || g), 1, 32) || lpad(to_hex(g), 8, '0') as wallet,
          case when g % 2 = 0 then ${pick(FIRST_NAMES, 'g', 11)} || g
            else initcap(${pick(FIRST_NAMES, 'g', 11)}) || '_' || g end as handle,
          initcap(${pick(FIRST_NAMES, 'g', 11)}) || ' ' || initcap(${pick(LAST_NAMES, 'g', 12)})
            as name,
          case when g % 3 <> 2 then 'Producer and songwriter from '
            || ${pick(CITIES, 'g', 13)} || '. New music every month.' end as bio,
          case when g % 4 = 0 then ${pick(CITIES, 'g', 13)} end as location,
          case when g % 3 = 0 then ${pick(cids, 'g', 14)} end as picture,
          case when g % 3 = 0 then ${pick(cids, 'g', 15)} end as cover
        from generate_series(1, ${U}) g
      ) s`),
  );

  await step('tracks', () =>
    client.query(`
      insert into tracks (track_id, owner_id, title, genre, mood, track_cid, duration, metadata,
        created_block, created_at, updated_block, updated_at, tx_hash)
      select g, owner_id, title, genre, mood, track_cid, duration,
        jsonb_strip_nulls(jsonb_build_object('title', title, 'genre', genre, 'mood', mood,
          'tags', tags, 'track_cid', track_cid, 'duration', duration,
          'description', description, 'cover_art_sizes', cover_art)),
        ${block('frac')}, ${at('frac')}, ${block('frac')}, ${at('frac')},
        '0x' || md5('track tx ' || g) || md5('track tx 2 ' || g)
      from (
        select g, frac, owner_id, title, genre, mood, track_cid, duration, cover_art,
          lower(genre) || ',' || first_word || coalesce(',' || lower(mood), '') as tags,
          case when g % 5 = 0 then 'From the ' || lower(title) || ' sessions.' end as description
        from (
          select g, g::float8 / ${T} as frac,
            -- an owner who existed already: early users have more tracks, as early artists do
            1 + floor(${rnd('g', 21)} * ceil(${U}::float8 * g / ${T}))::int8 as owner_id,
            ${pick(TITLE_FIRST, 'g', 22)} as first_word,
            initcap(${pick(TITLE_FIRST, 'g', 22)}) || ' ' || initcap(${pick(TITLE_NOUNS, 'g', 23)})
              || case when ${rnd('g', 24)} < 0.2
                then ' ' || initcap(${pick(TITLE_NOUNS, 'g', 25)}) else '' end
              || ${pick(TITLE_SUFFIXES, 'g', 26)} as title,
            ${pick(GENRES, 'g', 27)} as genre,
            case when ${rnd('g', 28)} < 0.8 then ${pick(MOODS, 'g', 29)} end as mood,
            (${sqlArray(cids)})[1 + g % ${cids.length}] as track_cid,
            round((90 + ${rnd('g', 30)} * 330)::numeric, 3)::float8 as duration,
            case when g % 2 = 0 then ${pick(cids, 'g', 31)} end as cover_art
          from generate_series(1, ${T}) g
        ) a
      ) s`),
  );

  // Pairs: candidates from generate_series, duplicates dropped by the primary key, and rounds
  // until the count is exact (LIMIT caps a round at what is still missing).
  const loadPairs = async (
    what: string,
    count: number,
    insert: (candidates: number, need: number, seed: number) => string,
  ) => {
    let loaded = 0;
    for (let round = 0; loaded < count; round++) {
      const need = count - loaded;
      const result = await client.query(
        insert(Math.ceil(need * 1.05) + 100, need, 100 + round * 10),
      );
      loaded += result.rowCount ?? 0;
      if (round > 50) throw new Error(`${what}: ${loaded} of ${count} unique rows after 50 rounds`);
    }
  };
  // Followees are skewed (rank ~ r^2, spread over ids by a permutation): the top accounts have
  // thousands of followers, the median a few dozen.
  await step('follows', () =>
    loadPairs(
      'follows',
      scale.follows,
      (candidates, need, seed) => `
        insert into follows (follower_id, followee_id, created_block, created_at)
        select a, b, ${block('f')}, ${at('f')}
        from (
          select a, b, f0 + (1 - f0) * power(${rnd('g', seed + 2)}, 2) as f
          from (
            select g, a, b, greatest(a, b)::float8 / ${U} as f0
            from (
              select g, 1 + floor(${rnd('g', seed)} * ${U})::int8 as a,
                1 + (floor(power(${rnd('g', seed + 1)}, 2) * ${U})::int8 * ${mulU}) % ${U} as b
              from generate_series(1, ${candidates}) g
            ) c
            where a <> b
          ) d
        ) e
        limit ${need}
        on conflict do nothing`,
    ),
  );
  // Saves and reposts: popular tracks (rank ~ r^2) spread over the year; most come soon after
  // the track is out, so the week window holds the newest tracks' activity.
  for (const table of ['saves', 'reposts'] as const) {
    await step(table, () =>
      loadPairs(
        table,
        scale[table],
        (candidates, need, seed) => `
          insert into ${table} (user_id, item_type, item_id, created_block, created_at)
          select a, 'track', b, ${block('f')}, ${at('f')}
          from (
            select a, b, f0 + (1 - f0) * power(${rnd('g', seed + 2)}, 2) as f
            from (
              select g, a, b, greatest(a::float8 / ${U}, b::float8 / ${T}) as f0
              from (
                select g, 1 + floor(${rnd('g', seed + (table === 'saves' ? 0 : 5))} * ${U})::int8 as a,
                  1 + (floor(power(${rnd('g', seed + 1)}, 2) * ${T})::int8 * ${mulT}) % ${T} as b
                from generate_series(1, ${candidates}) g
              ) c
            ) d
          ) e
          limit ${need}
          on conflict do nothing`,
      ),
    );
  }

  await step('counts', async () => {
    await client.query(`
      insert into aggregate_user (user_id, track_count, follower_count, following_count,
        repost_count, save_count)
      select u.user_id, coalesce(t.n, 0), coalesce(fr.n, 0), coalesce(fg.n, 0), coalesce(r.n, 0),
        coalesce(s.n, 0)
      from users u
      left join (select owner_id, count(*) n from tracks where not is_deleted group by 1) t
        on t.owner_id = u.user_id
      left join (select followee_id, count(*) n from follows group by 1) fr
        on fr.followee_id = u.user_id
      left join (select follower_id, count(*) n from follows group by 1) fg
        on fg.follower_id = u.user_id
      left join (select user_id, count(*) n from reposts group by 1) r on r.user_id = u.user_id
      left join (select user_id, count(*) n from saves group by 1) s on s.user_id = u.user_id`);
    await client.query(`
      insert into aggregate_track (track_id, save_count, repost_count)
      select t.track_id, coalesce(s.n, 0), coalesce(r.n, 0)
      from tracks t
      left join (select item_id, count(*) n from saves where item_type = 'track' group by 1) s
        on s.item_id = t.track_id
      left join (select item_id, count(*) n from reposts where item_type = 'track' group by 1) r
        on r.item_id = t.track_id`);
  });

  await step(`${indexes.length} indexes`, async () => {
    for (const index of indexes) await client.query(index.def);
  });
  await client.query('set session_replication_role = origin');
  // Vacuum as well as analyze: otherwise autovacuum would reach these fresh tables during wrk.
  await step('vacuum analyze', () => client.query('vacuum analyze'));
  return { steps };
}

/** The path of `command` on the PATH, or undefined. */
async function which(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** wrk, installed with apt-get when missing; undefined when that is impossible. */
async function ensureWrk(): Promise<string | undefined> {
  const found = await which('wrk');
  if (found) return found;
  console.log('installing wrk with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'wrk'];
  try {
    await run('apt-get', install, { env, maxBuffer: 64 * 1024 * 1024 });
  } catch {
    try {
      await run('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
      await run('apt-get', install, { env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      console.error(`apt-get could not install wrk: ${(error as Error).message}`);
    }
  }
  return which('wrk');
}

/** The Lua that every script shares: a per-thread seed and a p50/p95/p99 report. */
const LUA_COMMON = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local seeded = false
local counter = 0
local function seed()
  if not seeded then
    math.randomseed(os.time() * 100 + (tid or 0))
    seeded = true
  end
end
function done(summary, latency, requests)
  io.write(string.format("LATENCY_US %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
`;

/** GET /v1/tracks/<hashid>, a random track per request. */
function trackScript(ids: string[], prefix = '/v1/tracks/'): string {
  return `${LUA_COMMON}
local ids = {}
for id in string.gmatch("${ids.join(',')}", "[^,]+") do ids[#ids + 1] = id end
request = function()
  seed()
  return wrk.format("GET", "${prefix}" .. ids[math.random(#ids)])
end
`;
}

/**
 * GET /v1/tracks/search?query=<typo>, rotating through the typos. `uncached` adds a unique
 * app_name (a parameter every call may carry, and part of the URL the response cache is keyed
 * by), so every request reaches the database as distinct users' searches would.
 */
function searchScript(uncached: boolean): string {
  return `${LUA_COMMON}
local typos = {${TYPOS.map((t) => `"${encodeURIComponent(t)}"`).join(', ')}}
request = function()
  seed()
  counter = counter + 1
  local path = "/v1/tracks/search?query=" .. typos[math.random(#typos)]
  ${uncached ? `path = path .. "&app_name=bench-" .. (tid or 0) .. "-" .. counter` : ''}
  return wrk.format("GET", path)
end
`;
}

/** A plain GET of the URL's path. */
const plainScript = LUA_COMMON;

type WrkResult = {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** CPU this process spent per request (the discovery node's and hello world's share), in µs. */
  nodeCpuPerRequest: number;
  /** CPU the whole machine spent per request (node, database and wrk), in µs. */
  machineCpuPerRequest: number;
};

async function runWrk(
  wrk: string,
  script: string,
  url: string,
  what: string,
  durationSeconds: number,
  connections = WRK_CONNECTIONS,
  headers: readonly string[] = [],
): Promise<WrkResult> {
  const cpuBefore = process.cpuUsage();
  const machineBefore = await machineBusyMicros();
  const { stdout } = await run(
    wrk,
    [
      ...headers.flatMap((header) => ['-H', header]),
      `-t${Math.min(WRK_THREADS, connections)}`,
      `-c${connections}`,
      `-d${durationSeconds}s`,
      '--timeout',
      '10s',
      '--latency',
      '-s',
      script,
      url,
    ],
    { timeout: (durationSeconds + 30) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  const cpu = process.cpuUsage(cpuBefore);
  const machineBusy = (await machineBusyMicros()) - machineBefore;
  // COLIVING_BENCH_VERBOSE=1 prints wrk's whole report.
  if (process.env.COLIVING_BENCH_VERBOSE) console.log(`wrk on ${what}:\n${stdout}`);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  const latency = /^LATENCY_US (\d+) (\d+) (\d+)$/m.exec(stdout);
  const total = /^\s+(\d+) requests in/m.exec(stdout);
  if (!rps || !latency || !total) throw new Error(`unreadable wrk output for ${what}:\n${stdout}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  if (non2xx) throw new Error(`${what} answered ${non2xx[1]} requests with an error:\n${stdout}`);
  const errors = /Socket errors: (.*)/.exec(stdout);
  if (errors) throw new Error(`${what}: socket errors (${errors[1]}):\n${stdout}`);
  return {
    rps: Number(rps[1]),
    p50: Number(latency[1]) / 1000,
    p95: Number(latency[2]) / 1000,
    p99: Number(latency[3]) / 1000,
    requests: Number(total[1]),
    nodeCpuPerRequest: (cpu.user + cpu.system) / Number(total[1]),
    machineCpuPerRequest: machineBusy / Number(total[1]),
  };
}

/**
 * CPU time every core of the machine has spent busy (not idle or waiting on I/O), in µs, from
 * /proc/stat: with the node's own, it shows what a request costs the database and wrk.
 */
async function machineBusyMicros(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  // USER_HZ is 100 on Linux.
  return (total - idle) * 10_000;
}

/** GETs `url` once and checks it answers 200 with `{"data": ...}`; returns the data. */
async function getData(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: unknown }).data;
}

type Endpoint = {
  name: string;
  path: string;
  script: string;
  /** Which target this figure is held to ('ratio-info': the ratio is printed, not held). */
  target: 'ratio' | 'ratio-info' | 'p95' | 'none';
  /** Runs once before the route is measured. */
  before?: () => Promise<void>;
  /** wrk connections, when not WRK_CONNECTIONS. */
  connections?: number;
  /** Request headers, `Name: value`. */
  headers?: string[];
};

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
    const endpoints: Endpoint[] = [
      {
        name: 'hello world',
        path: ctx.hello,
        script: await write('plain.lua', plainScript),
        target: 'none',
      },
      {
        name: 'floor: one query per request (info)',
        path: `${floorUrl}/one`,
        script: await write('plain.lua', plainScript),
        target: 'none',
      },
      {
        name: 'floor: one track row by id (info)',
        path: `${floorUrl}/track/${ids[0]}`,
        script: await write('floor-track.lua', trackScript(ids, '/track/')),
        target: 'none',
      },
      {
        // Tracks not read before (a track asked twice is served from memory the second time):
        // each answer is a database read, the least a node does after a start or a change.
        name: 'GET /v1/tracks/{id}, cold (info)',
        path: `${publicUrl}/v1/tracks/${ids[0]}`,
        script: await write('track.lua', trackScript(ids)),
        target: 'ratio-info',
      },
      {
        // The same random reads once each track has been read (every script id, 500 at a time
        // through GET /v1/tracks?id=…): a node's steady state for the tracks people listen to.
        name: 'GET /v1/tracks/{id}',
        path: `${publicUrl}/v1/tracks/${ids[0]}`,
        script: await write('track.lua', trackScript(ids)),
        target: 'ratio',
        before: async () => {
          const t0 = performance.now();
          for (let i = 0; i < ids.length; i += MAX_IDS_PER_READ) {
            const page = ids.slice(i, i + MAX_IDS_PER_READ);
            await getData(`${publicUrl}/v1/tracks?${page.map((id) => `id=${id}`).join('&')}`);
          }
          console.log(
            `  read each of the ${n(ids.length)} script tracks once in ${seconds(performance.now() - t0)}`,
          );
        },
      },
      {
        name: "floor: a track's bytes, constant (info)",
        path: `${floorUrl}/track-bytes/${ids[0]}`,
        script: await write('floor-track-bytes.lua', trackScript(ids, '/track-bytes/')),
        target: 'ratio-info',
      },
      {
        name: 'GET /v1/tracks/trending',
        path: `${publicUrl}/v1/tracks/trending`,
        script: await write('plain.lua', plainScript),
        target: 'ratio',
      },
      {
        name: 'GET /v1/tracks/trending, gzip',
        path: `${publicUrl}/v1/tracks/trending`,
        script: await write('plain.lua', plainScript),
        target: 'ratio',
        headers: [AS_BROWSERS_ASK],
      },
      {
        name: "floor: trending's bytes, constant (info)",
        path: `${floorUrl}/bytes`,
        script: await write('plain.lua', plainScript),
        target: 'none',
      },
      {
        name: 'GET /v1/tracks/search?query=<typo>',
        path: `${publicUrl}/v1/tracks/search?query=sunst`,
        script: await write('search.lua', searchScript(true)),
        target: 'p95',
      },
      {
        name: 'search, gzip',
        path: `${publicUrl}/v1/tracks/search?query=sunst`,
        script: await write('search.lua', searchScript(true)),
        target: 'p95',
        headers: [AS_BROWSERS_ASK],
      },
      {
        // The same searches one at a time from each of two clients: the query's own latency, where
        // at 16 connections on two cores most of p95 is waiting behind other searches.
        name: 'search, 2 connections',
        path: `${publicUrl}/v1/tracks/search?query=sunst`,
        script: await write('search.lua', searchScript(true)),
        target: 'p95',
        connections: 2,
      },
      {
        name: 'same search, cached (info)',
        path: `${publicUrl}/v1/tracks/search?query=sunst`,
        script: await write('search-cached.lua', searchScript(false)),
        target: 'none',
      },
    ];

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
    const found: string[] = [];
    const empty: string[] = [];
    for (const typo of TYPOS) {
      const hits = (await getData(
        `${publicUrl}/v1/tracks/search?query=${encodeURIComponent(typo)}`,
      )) as { title: string }[];
      if (hits.length === 0) empty.push(typo);
      else if (found.length < 6) found.push(`${typo} -> "${hits[0]!.title}" (${hits.length})`);
    }
    console.log(
      `  search: ${TYPOS.length - empty.length}/${TYPOS.length} typos find tracks, e.g. ${found.join(', ')}` +
        (empty.length ? `; none for ${empty.join(', ')}` : ''),
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
