// sdk.oauth's browser half without a browser: the consent URL a login navigates to, and which
// popup answers it accepts (only the web player's origin, only its own popup). What the code is
// and how a discovery node redeems it is tested against a real network in
// apps/devnet/src/oauth.test.ts.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ColivingSdkError } from './errors.js';
import { createColivingSdk } from './createColivingSdk.js';
import type { OAuthStorage } from './oauth.js';

const WEB = 'http://web.test';
const API_KEY = '0x1111111111111111111111111111111111111111';
const REDIRECT = 'http://127.0.0.1:5555/cb';

type Listener = (event: { origin: string; source: unknown; data: unknown }) => void;

/** What a browser window offers the SDK: a location, window.open and message events. */
function standInWindow() {
  const listeners = new Set<Listener>();
  const popup = { closed: false, close: () => void (popup.closed = true) };
  const w = {
    assigned: [] as string[],
    opened: [] as string[],
    popup,
    location: {
      href: 'http://127.0.0.1:5555/',
      assign: (url: string) => void w.assigned.push(url),
    },
    open: (url: string) => {
      w.opened.push(url);
      return popup;
    },
    addEventListener: (_: 'message', l: Listener) => void listeners.add(l),
    removeEventListener: (_: 'message', l: Listener) => void listeners.delete(l),
    post: (event: Parameters<Listener>[0]) => {
      for (const l of [...listeners]) l(event);
    },
    listeners,
  };
  return w;
}

function memoryStorage(): OAuthStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

const g = globalThis as Record<string, unknown>;
const saved = {
  location: g.location,
  open: g.open,
  add: g.addEventListener,
  remove: g.removeEventListener,
};

function install(w: ReturnType<typeof standInWindow>) {
  Object.assign(g, {
    location: w.location,
    open: w.open,
    addEventListener: w.addEventListener,
    removeEventListener: w.removeEventListener,
  });
}

afterEach(() => {
  Object.assign(g, {
    location: saved.location,
    open: saved.open,
    addEventListener: saved.add,
    removeEventListener: saved.remove,
  });
});

const sdkWith = (storage: OAuthStorage, apiKey: string | null = API_KEY) =>
  createColivingSdk({
    discoveryNodes: ['http://127.0.0.1:9'],
    ...(apiKey ? { apiKey } : {}),
    webUrl: `${WEB}/`,
    oauthStorage: storage,
  });

const isCode = (code: string) => (e: unknown) => e instanceof ColivingSdkError && e.code === code;

describe('sdk.oauth in the browser', () => {
  it('redirect: navigates to the consent page with a PKCE challenge and keeps the verifier', async () => {
    const w = standInWindow();
    install(w);
    const storage = memoryStorage();
    assert.equal(
      await sdkWith(storage).oauth.login({ scope: 'read', redirectUri: REDIRECT, state: 's' }),
      undefined,
    );
    const url = new URL(w.assigned[0]!);
    assert.equal(`${url.origin}${url.pathname}`, `${WEB}/oauth/auth`);
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: API_KEY,
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 's',
      code_challenge: url.searchParams.get('code_challenge'),
      code_challenge_method: 'S256',
    });
    const pending = JSON.parse(storage.items.get('coliving-oauth')!) as { verifier: string };
    // The verifier stays here; only its S256 challenge leaves.
    assert.ok(!w.assigned[0]!.includes(pending.verifier));
    // A redirect back with the user's refusal.
    await assert.rejects(
      sdkWith(storage).oauth.handleRedirect(`${REDIRECT}?error=access_denied&state=s`),
      isCode('access_denied'),
    );
  });

  it('popup: listens only to its own popup at the web player’s origin', async () => {
    const w = standInWindow();
    install(w);
    const storage = memoryStorage();
    const login = sdkWith(storage).oauth.login({
      scope: 'write',
      redirectUri: REDIRECT,
      display: 'popup',
      state: 'p',
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(new URL(w.opened[0]!).searchParams.get('display'), 'popup');
    const answer = { type: 'coliving-oauth', state: 'p', error: 'access_denied' };
    w.post({ origin: 'http://evil.test', source: w.popup, data: answer });
    w.post({ origin: WEB, source: {}, data: answer });
    w.post({ origin: WEB, source: w.popup, data: { type: 'other' } });
    assert.equal(w.listeners.size, 1, 'still waiting');
    w.post({ origin: WEB, source: w.popup, data: answer });
    await assert.rejects(login, isCode('access_denied'));
    assert.equal(w.listeners.size, 0);
    assert.equal(w.popup.closed, true);
    assert.equal(storage.items.size, 0);
  });

  it('popup: a closed popup ends the login; no apiKey, no login', async () => {
    const w = standInWindow();
    install(w);
    const login = sdkWith(memoryStorage()).oauth.login({
      scope: 'read',
      redirectUri: REDIRECT,
      display: 'popup',
    });
    w.popup.closed = true;
    await assert.rejects(login, isCode('popup_closed'));
    await assert.rejects(
      sdkWith(memoryStorage(), null).oauth.loginUrl({ scope: 'read', redirectUri: REDIRECT }),
      isCode('api_key_required'),
    );
  });
});
