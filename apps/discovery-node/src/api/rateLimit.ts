// API rate limits (docs/api-v1.md "Rate limits", docs/discovery-node.md): every request counts
// in a bucket and in its client address's ceiling, in fixed windows kept in this node's memory.
//
// - Without a registered api_key (none, a random one, a deleted app's), the bucket is the client
//   address (`perIp`). A made-up key is not a registered app and changes nothing.
// - With a registered, not deleted developer app's api_key, the bucket is (app, client address)
//   (`perApp`, larger). Not the app alone: an api_key is public (it ships in browser apps), so a
//   bucket per app would let anyone empty a victim app's bucket for all its users.
// - Every request from an address, with any key or none, also counts in the address's ceiling
//   (`ipCeiling`): minting apps is free, so a bucket per app and address alone would give one
//   address as many buckets as it mints apps. The ceiling bounds them all.
//
// A client is its address as fastify's `request.ip` gives it (the socket's peer, or with the
// node's trustProxy the address a trusted proxy forwarded); IPv6 clients count per /64, the
// smallest block a host is usually given. Exempt addresses (loopback by default: the devnet,
// the web player and tests on this machine, bench:api) are not limited at all.
// Registered apps are kept in memory (RegisteredApps), read again after each data-chain indexer
// pass that indexed blocks, so a request costs no query.
import { BlockList, isIP, isIPv6 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { RateLimitedError } from '@coliving/protocol';
import { CORS_HEADERS } from '@coliving/server-kit';
import type { DB } from '../db/schema.js';

/** The limits; a limit of 0 is no limit. */
export type RateLimits = {
  /** Requests per window from one client address without a registered api_key. */
  perIp: number;
  /** Requests per window from one client address with one registered app's api_key. */
  perApp: number;
  /** Requests per window from one client address in all, whatever key (or none) they carry. */
  ipCeiling: number;
  /** The window's length, in ms; windows are aligned to the clock (every minute on the minute). */
  windowMs: number;
  /** Addresses and CIDRs (`127.0.0.0/8`, `::1`, `10.1.2.3`) that are never limited; `none`. */
  exempt: readonly string[];
};

/** 20 requests/s without a key (Audius's free plan allows 10), twice that with one, per address. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perIp: 1200,
  perApp: 2400,
  ipCeiling: 4800,
  windowMs: 60_000,
  exempt: ['127.0.0.0/8', '::1'],
};

/** DEFAULT_RATE_LIMITS with the given limits over them (an undefined one keeps the default). */
export function rateLimitsOf(given: Partial<RateLimits> = {}): RateLimits {
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const [key, value] of Object.entries(given) as [keyof RateLimits, never][])
    if (value !== undefined) limits[key] = value;
  return limits;
}

/** Which limit a request met: its address's bucket, its (app, address) bucket, or the ceiling. */
export type LimitKind = 'ip' | 'app' | 'ceiling';

/** Where a request stands after it was counted: what its RateLimit-* headers say. */
export type RateVerdict = {
  /** The binding limit (the one with the fewest requests left). */
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the counts start again. */
  resetSeconds: number;
  /** Set when the request was refused (and not counted): the limit that was full. */
  refused: LimitKind | undefined;
};

/** A registered, not deleted developer app, as the rate limit and the metrics name it. */
export type RegisteredApp = { address: string; name: string };

/** The registered developer apps by lower-case address, kept in memory. */
export type RegisteredApps = {
  get(address: string): RegisteredApp | undefined;
  /** Reads the apps changed since the last read (all of them the first time). */
  refresh(): Promise<void>;
  readonly size: number;
};

/**
 * The developer apps as the indexer wrote them (developer_apps, migration 0013), in memory. Each
 * refresh reads only rows updated at or after the last block it saw (that block again, in case
 * its rows were split over transactions), so it costs little once loaded.
 */
export function createRegisteredApps(db: Kysely<DB>): RegisteredApps {
  const apps = new Map<string, RegisteredApp>();
  let since = -1;
  let running: Promise<void> | undefined;
  const read = async () => {
    const rows = await db
      .selectFrom('developer_apps')
      .select(['address', 'name', 'is_deleted', 'updated_block'])
      .where('updated_block', '>=', since)
      .execute();
    for (const row of rows) {
      const address = row.address.toLowerCase();
      if (row.is_deleted) apps.delete(address);
      else apps.set(address, { address, name: row.name });
      since = Math.max(since, Number(row.updated_block));
    }
  };
  return {
    get: (address) => apps.get(address),
    refresh() {
      // One read at a time; a refresh asked for during one waits for it, then reads again.
      const next = (running ?? Promise.resolve()).catch(() => {}).then(read);
      running = next;
      return next;
    },
    get size() {
      return apps.size;
    },
  };
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 peers). */
const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The bare address: an IPv4-mapped IPv6 address as IPv4, without an IPv6 zone. */
function plainAddress(ip: string): string {
  const mapped = MAPPED_V4.exec(ip);
  if (mapped) return mapped[1]!;
  const zone = ip.indexOf('%');
  return zone === -1 ? ip : ip.slice(0, zone);
}

/**
 * The client a request counts for: an IPv4 address as it is, an IPv6 address as its /64 (one
 * host is given a /64 and can use all of it), anything else as given (bounded).
 */
export function clientOf(ip: string): string {
  // IPv4, the common case, as it is: no parsing.
  if (!ip.includes(':')) return ip.length <= 64 ? ip : ip.slice(0, 64);
  const address = plainAddress(ip);
  if (!isIPv6(address)) return address.slice(0, 64);
  const [left = '', right] = address.split('::');
  const head = left === '' ? [] : left.split(':');
  const tail = right === undefined || right === '' ? [] : right.split(':');
  // An embedded IPv4 address at the end fills two groups; only the first four matter here.
  const tailGroups = tail.length + (tail.at(-1)?.includes('.') ? 1 : 0);
  const groups = [...head, ...Array<string>(Math.max(0, 8 - head.length - tailGroups)).fill('0')];
  for (const group of tail) groups.push(group);
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** The exempt addresses as a BlockList; a bad entry throws, naming it. */
function exemptList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    // `none` (COLIVING_RATE_LIMIT_EXEMPT=none): no exemption, since an empty variable is unset.
    if (entry.trim().toLowerCase() === 'none') continue;
    const [address = '', prefix] = entry.trim().split('/');
    const version = isIP(address);
    const bits = prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix);
    if (
      version === 0 ||
      !Number.isInteger(bits) ||
      bits < 0 ||
      bits > (version === 6 ? 128 : 32) ||
      (prefix !== undefined && !/^[0-9]+$/.test(prefix))
    )
      throw new Error(`Rate limit exemption "${entry}" is not an IP address or CIDR`);
    list.addSubnet(address, bits, version === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** Most exemption answers remembered (by address) before the memory is emptied. */
const EXEMPT_MEMORY = 4096;

export type RateLimiter = {
  /** Whether `ip` (request.ip) is never limited. */
  exempt(ip: string): boolean;
  /** Counts a request of `client` (clientOf) with a registered app (or none), unless refused. */
  take(client: string, app: string | undefined): RateVerdict;
};

/** Fixed-window counters in memory; `now` is ms since the epoch (tests hold it still). */
export function createRateLimiter(limits: RateLimits, now: () => number = Date.now): RateLimiter {
  const blocked = exemptList(limits.exempt);
  const exemptMemory = new Map<string, boolean>();
  const limitOf = (n: number) => (n > 0 ? n : Infinity);
  const perIp = limitOf(limits.perIp);
  const perApp = limitOf(limits.perApp);
  const ceiling = limitOf(limits.ipCeiling);
  const windowMs = Math.max(1, limits.windowMs);
  // Counts in the current window only: a new window starts with empty maps, so memory is the
  // number of clients (and app, client pairs) seen in one window.
  let window = -1;
  let buckets = new Map<string, number>();
  let ceilings = new Map<string, number>();
  return {
    exempt(ip) {
      let answer = exemptMemory.get(ip);
      if (answer === undefined) {
        const address = plainAddress(ip);
        const version = isIP(address);
        answer = version !== 0 && blocked.check(address, version === 6 ? 'ipv6' : 'ipv4');
        if (exemptMemory.size >= EXEMPT_MEMORY) exemptMemory.clear();
        exemptMemory.set(ip, answer);
      }
      return answer;
    },
    take(client, app) {
      const at = now();
      const current = Math.floor(at / windowMs);
      if (current !== window) {
        window = current;
        buckets = new Map();
        ceilings = new Map();
      }
      const resetSeconds = Math.max(1, Math.ceil(((current + 1) * windowMs - at) / 1000));
      const key = app === undefined ? client : `${app} ${client}`;
      const bucketLimit = app === undefined ? perIp : perApp;
      const inBucket = buckets.get(key) ?? 0;
      const inCeiling = ceilings.get(client) ?? 0;
      const refused: LimitKind | undefined =
        inBucket >= bucketLimit
          ? app === undefined
            ? 'ip'
            : 'app'
          : inCeiling >= ceiling
            ? 'ceiling'
            : undefined;
      const counted = refused === undefined ? 1 : 0;
      if (counted) {
        if (bucketLimit !== Infinity) buckets.set(key, inBucket + 1);
        if (ceiling !== Infinity) ceilings.set(client, inCeiling + 1);
      }
      const bucketLeft = bucketLimit - inBucket - counted;
      const ceilingLeft = ceiling - inCeiling - counted;
      return bucketLeft <= ceilingLeft
        ? { limit: bucketLimit, remaining: bucketLeft, resetSeconds, refused }
        : { limit: ceiling, remaining: ceilingLeft, resetSeconds, refused };
    },
  };
}

/** A query parameter given once and not empty, else undefined. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Routes never limited: what monitors and load balancers probe. */
const UNLIMITED_ROUTES = new Set(['/health_check', '/metrics']);

/** What a refused client is told, by the limit it met. */
const REFUSALS: Record<LimitKind, string> = {
  ip: 'Too many requests from your address',
  app: "Too many requests from your address with this app's api_key",
  ceiling: 'Too many requests from your address, whatever api_key they carry',
};

/** The RateLimit-* headers, readable by web apps on other origins too. */
const EXPOSE_HEADERS = `${CORS_HEADERS['access-control-expose-headers']}, ratelimit-limit, ratelimit-remaining, ratelimit-reset`;

declare module 'fastify' {
  interface FastifyRequest {
    /** Where the request stands against its rate limits; null when it was not counted. */
    rateLimitVerdict: RateVerdict | null;
  }
}

/** What the request counter (metrics.ts) is told of each API request. */
export type CountRequest = (
  app: RegisteredApp | undefined,
  apiKeyGiven: boolean,
  appName: string | undefined,
) => void;

export type RegisterRateLimitParameters = {
  limits: RateLimits;
  apps: RegisteredApps;
  now?: () => number;
  /** Each request but the unlimited routes', exempt clients' included. */
  countRequest?: CountRequest;
  /** Each refusal, by the limit that was full. */
  countRefusal?: (kind: LimitKind) => void;
};

/**
 * Limits every route but the health check and /metrics (and CORS preflights): a request over
 * its bucket or its address's ceiling gets a 429 `rate_limited` with Retry-After; every counted
 * answer, refusals and errors included, carries RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset (draft-ietf-httpapi-ratelimit-headers).
 */
export function registerRateLimit(
  app: FastifyInstance,
  { limits, apps, now, countRequest, countRefusal }: RegisterRateLimitParameters,
): RateLimiter {
  const limiter = createRateLimiter(limits, now);
  app.decorateRequest('rateLimitVerdict', null);
  // Callback hooks, not async ones: they run on every request, and a promise per request is
  // measurable on the fastest routes.
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (request.method === 'OPTIONS' || (route !== undefined && UNLIMITED_ROUTES.has(route))) {
      done();
      return;
    }
    // The raw query (validation comes later); a repeated parameter is an array and counts as none,
    // and so does an empty one (Audius's SDK sends `api_key=` and `app_name=` when it has none).
    const query = request.query as Record<string, unknown> | undefined;
    const apiKey = nonEmpty(query?.api_key);
    const registered = apiKey === undefined ? undefined : apps.get(apiKey.toLowerCase());
    countRequest?.(registered, apiKey !== undefined, nonEmpty(query?.app_name));
    const ip = request.ip;
    if (limiter.exempt(ip)) {
      done();
      return;
    }
    const verdict = limiter.take(clientOf(ip), registered?.address);
    request.rateLimitVerdict = verdict;
    if (verdict.refused === undefined) {
      done();
      return;
    }
    countRefusal?.(verdict.refused);
    done(
      new RateLimitedError(
        `${REFUSALS[verdict.refused]} (${verdict.limit} per ${limits.windowMs / 1000} s); try again in ${verdict.resetSeconds} s`,
        { retryAfterSeconds: verdict.resetSeconds },
      ),
    );
  });
  // In onSend, after the error handler cleared what a failed handler set: errors carry them too.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Undefined, not null, on routes registered before the decorator (the /docs pages).
    const verdict = request.rateLimitVerdict as RateVerdict | null | undefined;
    if (verdict && verdict.limit !== Infinity) {
      reply.header('ratelimit-limit', verdict.limit);
      reply.header('ratelimit-remaining', Math.max(0, verdict.remaining));
      reply.header('ratelimit-reset', verdict.resetSeconds);
      reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    }
    done(null, payload);
  });
  return limiter;
}
