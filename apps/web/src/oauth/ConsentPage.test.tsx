// The consent page of Log in with Coliving against a real local network (both chains and a real
// discovery node, in a process of its own: testing/localNetwork). Refusals: malformed parameters,
// an unknown app and a redirect URI the app did not register get a sentence, no Allow and no
// answer to the app; a visitor is asked to log in and comes back here. Allow with `write` writes
// the Grant, waits for it to be listed, and answers the opener with a code the discovery node
// redeems; Deny answers access_denied, in a popup and as a redirect.
import { newPkceVerifier, pkceChallenge } from '@coliving/protocol';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type MockInstance,
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { type LocalNetwork, type Someone, startLocalNetwork } from '../testing/localNetwork.js';
import ConsentPage from './ConsentPage.js';

const REDIRECT = 'http://127.0.0.1:5555/callback';
const WRITE = { timeout: 60_000 };

let network: LocalNetwork;
let apiKey: string;
let verifier: string;
let challenge: string;
let listener: Someone;

beforeAll(async () => {
  network = await startLocalNetwork();
  const owner = await network.someone('appmaker', 'appmaker Name');
  listener = await network.someone('listener', 'listener Name');
  ({ apiKey } = await owner.sdk.developerApps.create({
    userId: owner.userId,
    name: 'Radio Box',
    description: 'Plays what you love',
    redirectUris: [REDIRECT],
  }));
  verifier = newPkceVerifier();
  challenge = await pkceChallenge(verifier);
}, 300_000);
afterAll(async () => {
  if (network) await network.stop();
}, 60_000);
beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.restoreAllMocks();
  Object.defineProperty(window, 'opener', { value: null, configurable: true, writable: true });
});

type Message = { data: Record<string, string>; origin: string };
let closed: MockInstance | undefined;

/** A window that opened this one: what it was sent with postMessage. */
function fakeOpener(): Message[] {
  const sent: Message[] = [];
  Object.defineProperty(window, 'opener', {
    value: {
      closed: false,
      postMessage: (data: Record<string, string>, origin: string) => sent.push({ data, origin }),
    },
    configurable: true,
    writable: true,
  });
  closed = vi.spyOn(window, 'close').mockImplementation(() => undefined);
  return sent;
}

function query(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: apiKey,
    redirect_uri: REDIRECT,
    scope: 'write',
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    display: 'popup',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null) search.set(k, v);
  return search.toString();
}

function renderConsent(search: string, who?: Someone) {
  window.history.replaceState(null, '', `/oauth/auth?${search}`);
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.key }));
  return render(
    <SdkContext.Provider value={network.sdk()}>
      <SessionProvider>
        <ConsentPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

describe('the consent page refuses what it cannot answer safely', () => {
  it.each([
    [{ response_type: 'token' }, 'response_type must be code'],
    [{ code_challenge_method: 'plain' }, 'must protect the code with S256'],
    [{ scope: 'admin' }, 'which is not a permission Coliving knows'],
    [{ state: null }, 'it has no state'],
    [{ code_challenge: 'short' }, 'malformed code challenge'],
    [{ client_id: 'radio' }, 'names no valid app'],
    [{ redirect_uri: 'javascript:alert(1)' }, 'not a web address'],
  ])('%o', async (overrides, words) => {
    const sent = fakeOpener();
    renderConsent(query(overrides), listener);
    expect((await screen.findByRole('alert')).textContent).toContain(words);
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
    expect(sent).toEqual([]);
  });

  it('refuses an app no one registered', async () => {
    const sent = fakeOpener();
    renderConsent(
      query({ client_id: privateKeyToAccount(generatePrivateKey()).address }),
      listener,
    );
    expect((await screen.findByRole('alert', {}, WRITE)).textContent).toContain(
      'No app is registered on Coliving with this key',
    );
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
    expect(sent).toEqual([]);
  });

  it('refuses a redirect URI the app did not register, and sends nothing there', async () => {
    const sent = fakeOpener();
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => undefined);
    renderConsent(query({ redirect_uri: 'https://evil.example/steal', display: null }), listener);
    expect((await screen.findByRole('alert', {}, WRITE)).textContent).toContain(
      'Radio Box did not register https://evil.example/steal as a place to return to',
    );
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Deny' })).toBeNull();
    expect(assign).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });
});

describe('the consent page', () => {
  it('asks a visitor to log in, and comes back here afterwards', async () => {
    fakeOpener();
    const search = query();
    renderConsent(search);
    await screen.findByRole('heading', { name: 'Radio Box' }, WRITE);
    expect(screen.getByText('Plays what you love')).toBeTruthy();
    const logIn = screen.getByRole('link', { name: 'Log in' });
    const next = new URL(logIn.getAttribute('href')!, 'http://x').searchParams.get('next');
    expect(next).toBe(`/oauth/auth?${search}`);
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
  });

  it('Allow with write: grants the app, waits for the grant, and answers the opener with a code', async () => {
    const sent = fakeOpener();
    renderConsent(query(), listener);
    await screen.findByText('It will act as', { exact: false }, WRITE);
    expect(screen.getByText('listener Name')).toBeTruthy();
    expect(screen.getByText(/Act for you on Coliving/)).toBeTruthy();
    expect(await listener.sdk.grants.authorizedApps(listener.userId)).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));
    expect(screen.getByRole('status').textContent).toBe('Authorizing Radio Box on the network…');
    await waitFor(() => expect(sent).toHaveLength(1), WRITE);
    await screen.findByText('You are logged in to Radio Box. You can close this window.');
    const [{ data, origin }] = sent as [Message];
    expect(origin).toBe('http://127.0.0.1:5555');
    expect(data).toMatchObject({ type: 'coliving-oauth', state: 'state-123' });
    expect(closed).toHaveBeenCalled();
    // The grant was listed before the code was sent, and the code redeems for a write token.
    expect(
      (await listener.sdk.grants.authorizedApps(listener.userId)).map((a) => a.address),
    ).toEqual([apiKey.toLowerCase()]);
    const token = await network.sdk({ apiKey }).oauth.redeem({
      code: data.code!,
      codeVerifier: verifier,
      redirectUri: REDIRECT,
    });
    expect(token.scope).toBe('write');
  }, 90_000);

  it('Deny answers access_denied with the state: to the opener, or as a redirect', async () => {
    const sent = fakeOpener();
    const first = renderConsent(query({ scope: 'read' }), listener);
    await screen.findByText('It will act as', { exact: false }, WRITE);
    expect(screen.queryByText(/Act for you on Coliving/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }));
    expect(sent).toEqual([
      {
        data: { type: 'coliving-oauth', error: 'access_denied', state: 'state-123' },
        origin: 'http://127.0.0.1:5555',
      },
    ]);
    first.unmount();

    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => undefined);
    renderConsent(query({ display: null, state: 'a b&c' }), listener);
    await screen.findByText('It will act as', { exact: false }, WRITE);
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }));
    expect(assign).toHaveBeenCalledWith(
      'http://127.0.0.1:5555/callback?error=access_denied&state=a+b%26c',
    );
  });
});
