// The log-in page against the real SDK (scrypt, the login record on a stand-in content node).
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkContext } from '../../sdk.js';
import { SessionProvider } from '../../session.js';
import LogInPage from '../LogInPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './testNetwork.js';

const EMAIL = 'owl@night.fm';
const PASSWORD = 'midnight-chords';
let network: TestNetwork;
let userId: string;

beforeAll(async () => {
  network = await startTestNetwork();
  const sdk = sdkOn(network.endpoints);
  await sdk.auth.signUp({ email: EMAIL, password: PASSWORD });
  ({ userId } = await sdk.users.create({ handle: 'loginowl', name: 'Login Owl' }));
}, 30_000);
afterAll(async () => {
  await network.close();
  localStorage.clear();
});

async function logIn(path: string, password: string) {
  window.history.replaceState(null, '', path);
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints, userId)}>
      <SessionProvider>
        <LogInPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
  fireEvent.change(await screen.findByLabelText('Email'), { target: { value: EMAIL } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
  });
}

describe('LogInPage', () => {
  it('says when the email and password match no account', async () => {
    localStorage.clear();
    await logIn('/login', 'not-the-password');
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Logging in…' });
    expect(button.disabled).toBe(true);
    expect(screen.getByRole('form', { name: 'Log in' }).getAttribute('aria-busy')).toBe('true');
    await waitFor(
      () =>
        expect(screen.getByRole('alert').textContent).toBe(
          'That email and password do not match an account.',
        ),
      { timeout: 15_000 },
    );
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Log in' }).disabled).toBe(false);
  }, 20_000);

  it('goes back to ?next after logging in', async () => {
    localStorage.clear();
    await logIn('/login?next=/upload', PASSWORD);
    await waitFor(() => expect(window.location.pathname).toBe('/upload'), { timeout: 15_000 });
  }, 20_000);

  it('goes to the profile when next would leave the site', async () => {
    localStorage.clear();
    await logIn('/login?next=//evil.example/', PASSWORD);
    await waitFor(() => expect(window.location.pathname).toBe('/loginowl'), { timeout: 15_000 });
  }, 20_000);
});
