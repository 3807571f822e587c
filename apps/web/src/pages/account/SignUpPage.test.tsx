// The sign-up page against the real SDK and stand-in nodes: a login and a profile are created.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SdkContext } from '../../sdk.js';
import { SessionProvider } from '../../session.js';
import SignUpPage from '../SignUpPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './testNetwork.js';

let network: TestNetwork;

beforeAll(async () => {
  network = await startTestNetwork();
  // Someone has @takenowl already.
  const sdk = sdkOn(network.endpoints);
  await sdk.auth.signUp({ email: 'first@night.fm', password: 'first-password' });
  await sdk.users.create({ handle: 'takenowl', name: 'First' });
}, 30_000);
afterAll(() => network.close());
beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/signup');
});

async function signUp(handle: string) {
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints)}>
      <SessionProvider>
        <SignUpPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
  const type = (label: string, value: string) =>
    fireEvent.change(screen.getByLabelText(label), { target: { value } });
  await screen.findByLabelText('Email');
  type('Email', `${handle}@night.fm`);
  type('Password', 'midnight-chords');
  type('Confirm password', 'midnight-chords');
  type('Display name', 'New Owl');
  type('Handle', handle);
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
  });
}

describe('SignUpPage', () => {
  it('creates the login and the profile, then shows the profile', async () => {
    await signUp('NewOwl');
    expect(screen.getByRole('form', { name: 'Sign up' }).getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(window.location.pathname).toBe('/NewOwl'), { timeout: 15_000 });
  }, 20_000);

  it('goes back to ?next after signing up', async () => {
    window.history.replaceState(null, '', '/signup?next=/takenowl/first-song');
    await signUp('NextOwl');
    await waitFor(() => expect(window.location.pathname).toBe('/takenowl/first-song'), {
      timeout: 15_000,
    });
  }, 20_000);

  it('puts a taken handle (any case) on the handle field', async () => {
    await signUp('TakenOwl');
    await waitFor(
      () => expect(screen.getByLabelText('Handle').getAttribute('aria-invalid')).toBe('true'),
      { timeout: 15_000 },
    );
    expect(screen.getByText('@TakenOwl is taken. Choose another.')).toBeTruthy();
    expect(window.location.pathname).toBe('/signup');
  }, 20_000);
});
