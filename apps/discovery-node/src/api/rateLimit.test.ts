// The API rate limits (api/rateLimit.ts, docs/api-v1.md "Rate limits") on a real node: a local
// chain, the indexer writing developer apps, PGlite. Clients are told apart by the address a
// trusted proxy (127.0.0.1, where inject's requests come from) forwards. The limiter's clock is
// held still, so a window never ends mid-test; the last test moves it on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { signDeveloperApp } from '@coliving/protocol';
import type { Database } from '../db/database.js';
import { MAX_APP_LABELS } from '../metrics.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { type ChainAction, openTestDatabase, submitActions } from '../testing.js';
import { loadDiscoveryNodeConfig } from '../config.js';
import { clientOf, createRateLimiter, rateLimitsOf } from './rateLimit.js';

const ALICE = 1;
const HOUR_MS = 3_600_000;
/** 0:00:01 on a window's hour: 3599 s until the window ends. */
const START = Date.UTC(2026, 0, 1, 0, 0, 1);
const LIMITS = { perIp: 5, perApp: 8, ipCeiling: 12, windowMs: HOUR_MS, exempt: [] };

let network: TestNetwork;
let database: Database;
let spareDatabase: Database;
/** Behind a trusted proxy at 127.0.0.1, nothing exempt. */
let node: DiscoveryNode;
/** No trustProxy, loopback exempt (the default), 2 per address; never started. */
let plain: DiscoveryNode;
let clock = START;
const appKey = privateKeyToAccount(generatePrivateKey());
const app2Key = privateKeyToAccount(generatePrivateKey());
const goneKey = privateKeyToAccount(generatePrivateKey());
/** An app no other test sends requests with (its label appears only in its own test). */
const app3Key = privateKeyToAccount(generatePrivateKey());
const lc = (account: { address: string }) => account.address.toLowerCase();

const components = (db: Database) => ({
  database: db,
  manifest: network.manifest,
  dataClient: network.dataPublic,
  ethClient: network.ethPublic,
  account: privateKeyToAccount(generatePrivateKey()),
});
const init = {
  version: 'test',
  dataConfirmations: 0,
  ethConfirmations: 0,
  pollIntervalMs: 50,
  publicUrl: 'http://dn1.test',
  trendingIntervalMs: 0,
};

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  spareDatabase = await openTestDatabase('pglite');
  const alice = network.accounts[1] as LocalAccount;
  const act = (
    entityType: string,
    action: string,
    metadata?: Record<string, unknown>,
  ): ChainAction => ({
    account: alice,
    userId: ALICE,
    entityType,
    entityId: ALICE,
    action,
    metadata,
  });
  const createApp = async (key: LocalAccount, name: string) =>
    act('DeveloperApp', 'Create', {
      address: lc(key),
      name,
      redirect_uris: ['https://app.example/callback'],
      app_signature: await signDeveloperApp({ account: key, userId: ALICE }),
    });
  node = await createDiscoveryNode(components(database), {
    ...init,
    trustProxy: '127.0.0.1',
    rateLimit: { ...LIMITS, now: () => clock },
  });
  plain = await createDiscoveryNode(components(spareDatabase), {
    ...init,
    rateLimit: { perIp: 2, windowMs: HOUR_MS, now: () => clock },
  });
  await submitActions(network, [act('User', 'Create', { handle: 'alice', name: 'Alice' })]);
  await submitActions(network, [
    await createApp(appKey, 'Player'),
    await createApp(app2Key, 'Second'),
    await createApp(goneKey, 'Gone'),
    await createApp(app3Key, 'Third'),
  ]);
  const block = await submitActions(network, [
    act('DeveloperApp', 'Delete', { address: lc(goneKey) }),
  ]);
  await node.start();
  await node.dataIndexer.waitFor(block);
});

after(async () => {
  await node?.stop();
  await plain?.stop();
  await database?.close();
  await spareDatabase?.close();
  await network?.stop();
});

type Answer = {
  status: number;
  code: string | undefined;
  limit: number | undefined;
  remaining: number | undefined;
  reset: number | undefined;
  retryAfter: string | undefined;
};

/** GET `url` from `client` (forwarded by the trusted proxy unless `remoteAddress` is given). */
async function get(
  url: string,
  client: string,
  { on = node, remoteAddress }: { on?: DiscoveryNode; remoteAddress?: string } = {},
): Promise<Answer> {
  const res = await on.app.inject({
    method: 'GET',
    url,
    headers: { 'x-forwarded-for': client },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  const number = (name: string) => {
    const value = res.headers[name];
    return value === undefined ? undefined : Number(value);
  };
  let code: string | undefined;
  if (res.statusCode >= 400) code = res.json<{ error: { code: string } }>().error.code;
  return {
    status: res.statusCode,
    code,
    limit: number('ratelimit-limit'),
    remaining: number('ratelimit-remaining'),
    reset: number('ratelimit-reset'),
    retryAfter: res.headers['retry-after'],
  };
}

const ALICE_URL = '/v1/users/handle/alice';
const withKey = (key: string, extra = '') => `${ALICE_URL}?api_key=${key}${extra}`;

/** Sends `n` requests and asserts each was answered (not refused). */
async function spend(n: number, url: string, client: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = await get(url, client);
    assert.notEqual(answer.status, 429, `request ${i + 1} of ${n} from ${client} was refused`);
  }
}

describe('API rate limits', () => {
  it('says the limit, the requests left and the reset in headers, then refuses with 429', async () => {
    const client = '203.0.113.1';
    for (let left = 4; left >= 0; left--) {
      const answer = await get(ALICE_URL, client);
      assert.equal(answer.status, 200);
      assert.deepEqual([answer.limit, answer.remaining, answer.reset], [5, left, 3599]);
    }
    const refused = await get(ALICE_URL, client);
    assert.equal(refused.status, 429);
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.retryAfter, '3599');
    assert.deepEqual([refused.limit, refused.remaining, refused.reset], [5, 0, 3599]);
    // Errors count and carry the headers too; a 404 is no way around the limit.
    const missing = await get('/v1/no_such_route', '203.0.113.9');
    assert.equal(missing.status, 404);
    assert.deepEqual([missing.limit, missing.remaining], [5, 4]);
  });

  it('never limits the health check and /metrics', async () => {
    const client = '203.0.113.1'; // refused above
    assert.equal((await get(ALICE_URL, client)).status, 429);
    for (const url of ['/health_check', '/metrics']) {
      const answer = await get(url, client);
      assert.equal(answer.status, 200, url);
      assert.equal(answer.limit, undefined, url);
    }
  });

  it('gives no bucket of its own to an unknown, random or deleted app key, or to an app_name', async () => {
    const client = '203.0.113.2';
    await spend(5, ALICE_URL, client);
    const random = lc(privateKeyToAccount(generatePrivateKey()));
    for (const url of [
      withKey(random),
      withKey('not-a-key'),
      withKey(lc(goneKey)),
      `${ALICE_URL}?app_name=SomeApp`,
      // A repeated parameter is no key either.
      `${withKey(lc(appKey))}&api_key=${lc(appKey)}`,
    ]) {
      const answer = await get(url, client);
      assert.equal(answer.status, 429, url);
      assert.equal(answer.code, 'rate_limited', url);
    }
    // A registered app's key, in any case, is counted apart: its own, larger bucket.
    const keyed = await get(withKey(appKey.address), client);
    assert.equal(keyed.status, 200);
    // Its bucket has 7 left; the address's ceiling (12) has 6, and binds.
    assert.deepEqual([keyed.limit, keyed.remaining], [12, 6]);
  });

  it("gives a registered app's key a bucket per client address, so no one empties it for others", async () => {
    const attacker = '203.0.113.3';
    await spend(8, withKey(lc(appKey)), attacker);
    const refused = await get(withKey(lc(appKey)), attacker);
    assert.equal(refused.status, 429);
    assert.equal(refused.limit, 8);
    // The app's users at other addresses are not affected.
    const user = await get(withKey(lc(appKey)), '203.0.113.4');
    assert.equal(user.status, 200);
    assert.deepEqual([user.limit, user.remaining], [8, 7]);
  });

  it('bounds an address by its ceiling however many apps it mints', async () => {
    const client = '203.0.113.5';
    await spend(8, withKey(lc(appKey)), client);
    // A second app gets only what is left of the address's 12.
    for (let left = 3; left >= 0; left--) {
      const answer = await get(withKey(lc(app2Key)), client);
      assert.equal(answer.status, 200);
      assert.deepEqual([answer.limit, answer.remaining], [12, left]);
    }
    const refused = await get(withKey(lc(app2Key)), client);
    assert.equal(refused.status, 429);
    assert.equal(refused.limit, 12);
    // Anonymous requests from that address too.
    assert.equal((await get(ALICE_URL, client)).status, 429);
  });

  it('tells clients apart by the forwarded address only when the proxy is trusted', async () => {
    // Trusted proxy: two forwarded clients, two buckets.
    await spend(5, ALICE_URL, '198.51.100.1');
    assert.equal((await get(ALICE_URL, '198.51.100.1')).status, 429);
    assert.equal((await get(ALICE_URL, '198.51.100.2')).status, 200);
    // A peer that is not the trusted proxy cannot pass for another client.
    const spoofer = { remoteAddress: '192.0.2.7' };
    for (const forwarded of ['198.51.100.4', '198.51.100.5', '198.51.100.6', '198.51.100.7'])
      assert.equal((await get(ALICE_URL, forwarded, spoofer)).status, 200);
    assert.equal((await get(ALICE_URL, '198.51.100.8', spoofer)).status, 200);
    assert.equal((await get(ALICE_URL, '198.51.100.9', spoofer)).status, 429);

    // No trustProxy: X-Forwarded-For is ignored, the peer is the client.
    const peer = { on: plain, remoteAddress: '192.0.2.1' };
    const url = '/v1/developer_apps/0x0000000000000000000000000000000000000001';
    assert.equal((await get(url, '198.51.100.10', peer)).remaining, 1);
    assert.equal((await get(url, '198.51.100.11', peer)).remaining, 0);
    const refused = await get(url, '198.51.100.12', peer);
    assert.equal(refused.status, 429);
    assert.equal(refused.code, 'rate_limited');
  });

  it('exempts loopback by default, and counts IPv6 clients by /64', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await get('/v1/no_such_route', '198.51.100.20', { on: plain });
      assert.equal(answer.status, 404);
      assert.equal(answer.limit, undefined);
    }
    const v6 = { on: plain, remoteAddress: '2001:db8:1:2::1' };
    assert.equal((await get('/v1/no_such_route', '-', v6)).remaining, 1);
    const sameHost = { on: plain, remoteAddress: '2001:db8:1:2:ffff::9' };
    assert.equal((await get('/v1/no_such_route', '-', sameHost)).remaining, 0);
    assert.equal((await get('/v1/no_such_route', '-', sameHost)).status, 429);
    const otherHost = { on: plain, remoteAddress: '2001:db8:1:3::1' };
    assert.equal((await get('/v1/no_such_route', '-', otherHost)).remaining, 1);
    assert.equal(clientOf('::ffff:192.0.2.3'), '192.0.2.3');
    assert.equal(clientOf('2001:db8::'), '2001:db8:0:0::/64');
    assert.equal(clientOf('::1'), '0:0:0:0::/64');
  });

  it('starts counting again when the window ends', async () => {
    assert.equal((await get(ALICE_URL, '203.0.113.1')).status, 429);
    clock = START + HOUR_MS;
    const answer = await get(ALICE_URL, '203.0.113.1');
    assert.equal(answer.status, 200);
    assert.deepEqual([answer.remaining, answer.reset], [4, 3599]);
  });
});

describe('rate limit config', () => {
  it('reads the exemptions as COLIVING_RATE_LIMIT_EXEMPT gives them, and refuses a bad one', () => {
    const env = (exempt: string) =>
      rateLimitsOf({
        exempt: loadDiscoveryNodeConfig({
          COLIVING_MANIFEST: 'm.json',
          COLIVING_DELEGATE_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
          COLIVING_RATE_LIMIT_EXEMPT: exempt,
        }).rateLimitExempt,
      });
    const limiter = (exempt: string) => createRateLimiter(env(exempt));
    assert.equal(limiter('').exempt('127.0.0.1'), true); // unset: loopback
    assert.equal(limiter('').exempt('::ffff:127.0.0.5'), true);
    assert.equal(limiter('').exempt('203.0.113.1'), false);
    assert.equal(limiter('none').exempt('127.0.0.1'), false);
    const some = limiter('10.0.0.0/8, 2001:db8::/32');
    assert.equal(some.exempt('10.9.8.7'), true);
    assert.equal(some.exempt('2001:db8:5::1'), true);
    assert.equal(some.exempt('127.0.0.1'), false);
    for (const bad of ['10.0.0.0/33', 'localhost', '10.0.0.0/x'])
      assert.throws(() => limiter(bad), /is not an IP address or CIDR/, bad);
  });
});

/** A scrape's api_requests_total series (`{labels}`) to counts. */
async function appSeries(on: DiscoveryNode): Promise<Map<string, number>> {
  const res = await on.app.inject({ method: 'GET', url: '/metrics' });
  const series = new Map<string, number>();
  const prefix = 'coliving_discovery_node_api_requests_total';
  for (const line of res.body.split('\n')) {
    if (!line.startsWith(`${prefix}{`)) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(prefix.length, at), Number(line.slice(at + 1)));
  }
  return series;
}

describe('requests by app in /metrics', () => {
  it("labels a registered app's requests by its address and registered name, others by none or unknown", async () => {
    const client = '203.0.113.40';
    await get(`${withKey(lc(appKey))}&app_name=Pretender`, client);
    await get(withKey(lc(privateKeyToAccount(generatePrivateKey()))), client);
    await get(`${ALICE_URL}?app_name=My%20App!`, client);
    await get(ALICE_URL, client);
    const before = await appSeries(node);
    // Empty parameters, as Audius's SDK sends them without a key: neither a key nor a name.
    await get(`${ALICE_URL}?api_key=&app_name=`, client);
    const series = await appSeries(node);
    assert.equal(
      series.get('{app_name="none",api_key="none"}'),
      before.get('{app_name="none",api_key="none"}')! + 1,
    );
    assert.ok(
      series.get(`{app_name="player",api_key="${lc(appKey)}"}`)! >= 1,
      [...series.keys()].join(),
    );
    assert.ok(series.get('{app_name="none",api_key="unknown"}')! >= 1);
    assert.ok(series.get('{app_name="my_app_",api_key="none"}')! >= 1);
    assert.ok(series.get('{app_name="none",api_key="none"}')! >= 1);
    assert.ok(![...series.keys()].some((k) => k.includes('pretender')));
    const refusals = await node.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(
      refusals.body,
      /coliving_discovery_node_rate_limited_total\{limit="ceiling"\} [1-9]/,
    );
  });

  it('keeps the label set bounded whatever names and keys clients send', async () => {
    // From loopback (exempt): nothing here is refused, everything is counted.
    const sent = MAX_APP_LABELS + 150;
    for (let i = 0; i < sent; i++) {
      const key = `0x${randomBytes(20).toString('hex')}`;
      await get(`/v1/no_such_route?app_name=app${i}&api_key=${key}`, '-', { on: plain });
    }
    const series = await appSeries(plain);
    // Each name up to the bound with `unknown`, then `other`; and what earlier tests sent.
    assert.ok(series.size <= MAX_APP_LABELS + 3, `${series.size} series`);
    assert.equal(series.get('{app_name="other",api_key="unknown"}'), 150);
    assert.ok(![...series.keys()].some((k) => k.includes('0x')), 'no unregistered key is a label');
  });

  it("keeps a registered app's name and key as labels whatever names clients sent first", async () => {
    // Names anyone may send fill their own bound, not the one registered apps are counted in.
    for (let i = 0; i < MAX_APP_LABELS + 20; i++)
      await get(`${ALICE_URL}?app_name=squat${i}`, `198.18.${i >> 8}.${i & 255}`);
    await get(withKey(lc(app3Key)), '198.18.9.9');
    const series = await appSeries(node);
    assert.ok(
      series.get(`{app_name="third",api_key="${lc(app3Key)}"}`)! >= 1,
      [...series.keys()].filter((k) => !k.includes('squat')).join(),
    );
  });
});
