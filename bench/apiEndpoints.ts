// The routes the api bench measures, each with the wrk script that drives it.
import { performance } from 'node:perf_hooks';
import { FIRST_NAMES, TYPOS, n, seconds } from './apiCatalog.js';

/** GET /v1/tracks takes this many ids at once (the API's page cap). */
const MAX_IDS_PER_READ = 500;
/**
 * What browsers and fetch send. The routes are measured without it (every byte as JSON) and,
 * where the answer is large enough to be compressed, with it too.
 */
export const AS_BROWSERS_ASK = 'Accept-Encoding: gzip, deflate, br';

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

/**
 * The concurrency run's mix: what a listening app asks a discovery node for, by share of requests.
 * Track pages and players read tracks by id; home screens read trending; search boxes search
 * (half of them new searches, half the popular ones other users just made); profiles read a user
 * and their tracks. Every request takes gzip, as browsers and fetch do.
 */
export const MIX: readonly { share: number; what: string }[] = [
  { share: 35, what: 'GET /v1/tracks/{id}' },
  { share: 15, what: 'GET /v1/tracks/trending' },
  { share: 8, what: 'GET /v1/tracks/search?query=<typo>, new' },
  { share: 7, what: 'GET /v1/tracks/search?query=<typo>, popular' },
  { share: 15, what: 'GET /v1/users/{id}' },
  { share: 12, what: 'GET /v1/users/{id}/tracks' },
  { share: 3, what: 'GET /v1/users/search?query=<name>' },
  { share: 5, what: 'GET /v1/tracks?id=<5 ids>' },
];

function mixScript(trackIds: string[], userIds: string[]): string {
  const shares = MIX.map((m) => m.share);
  return `${LUA_COMMON}
local tracks = {}
for id in string.gmatch("${trackIds.join(',')}", "[^,]+") do tracks[#tracks + 1] = id end
local users = {}
for id in string.gmatch("${userIds.join(',')}", "[^,]+") do users[#users + 1] = id end
local typos = {${TYPOS.map((t) => `"${encodeURIComponent(t)}"`).join(', ')}}
local names = {${FIRST_NAMES.map((name) => `"${name}"`).join(', ')}}
local shares = {${shares.join(', ')}}
local total = ${shares.reduce((a, b) => a + b, 0)}
local function track() return tracks[math.random(#tracks)] end
request = function()
  seed()
  counter = counter + 1
  local pick = math.random(total)
  local kind = 1
  while pick > shares[kind] do pick = pick - shares[kind]; kind = kind + 1 end
  local path
  if kind == 1 then path = "/v1/tracks/" .. track()
  elseif kind == 2 then path = "/v1/tracks/trending"
  elseif kind == 3 then
    path = "/v1/tracks/search?query=" .. typos[math.random(#typos)] .. "&app_name=bench-" .. (tid or 0) .. "-" .. counter
  elseif kind == 4 then path = "/v1/tracks/search?query=" .. typos[math.random(#typos)]
  elseif kind == 5 then path = "/v1/users/" .. users[math.random(#users)]
  elseif kind == 6 then path = "/v1/users/" .. users[math.random(#users)] .. "/tracks"
  elseif kind == 7 then path = "/v1/users/search?query=" .. names[math.random(#names)]
  else
    path = "/v1/tracks?id=" .. track() .. "&id=" .. track() .. "&id=" .. track() .. "&id=" .. track() .. "&id=" .. track()
  end
  return wrk.format("GET", path)
end
`;
}

/**
 * GET /health_check at most ten times a second (a load balancer's or an SDK's probe, not a load
 * of its own), for its latency while the mix runs.
 */
const healthScript = `${LUA_COMMON}
function delay()
  return 100
end
`;

/** The concurrency run: its mix, and the health check probed beside it. */
export type ConcurrencyRun = {
  mix: { path: string; script: string };
  health: { path: string; script: string };
};

/** The concurrency run's scripts, written with `write`; `trackIds` and `userIds` are hashids. */
export async function concurrencyRun(
  publicUrl: string,
  trackIds: string[],
  userIds: string[],
  write: (file: string, text: string) => Promise<string>,
): Promise<ConcurrencyRun> {
  return {
    mix: {
      path: `${publicUrl}/v1/tracks/trending`,
      script: await write('mix.lua', mixScript(trackIds, userIds)),
    },
    health: {
      path: `${publicUrl}/health_check`,
      script: await write('health.lua', healthScript),
    },
  };
}

/** A plain GET of the URL's path. */
const plainScript = LUA_COMMON;

/** GETs `url` once and checks it answers 200 with `{"data": ...}`; returns the data. */
export async function getData(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: unknown }).data;
}

/** A route the api bench measures, and how. */
export type Endpoint = {
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

/**
 * The measured routes in the order they are measured (hello world first), their scripts written
 * with `write`; `ids` are the hashids the track scripts pick from.
 */
export async function apiEndpoints(
  { hello, publicUrl, floorUrl }: { hello: string; publicUrl: string; floorUrl: string },
  ids: string[],
  write: (file: string, text: string) => Promise<string>,
): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = [
    {
      name: 'hello world',
      path: hello,
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
  return endpoints;
}
