// The settings page against the real SDK and stand-in nodes: the profile is changed on "chain".
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SdkContext } from '../../sdk.js';
import { SESSION_KEY, SessionProvider } from '../../session.js';
import SettingsPage from '../SettingsPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './testNetwork.js';

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

function renderPage(userId?: string) {
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints, userId)}>
      <SessionProvider>
        <SettingsPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

describe('SettingsPage', () => {
  it('asks an anonymous visitor to log in, coming back here', async () => {
    renderPage();
    const link = await screen.findByRole('link', { name: 'Log in' });
    expect(link.getAttribute('href')).toBe('/login?next=/settings');
  });

  it('saves the changed fields and says so', async () => {
    const privateKey = generatePrivateKey();
    const setup = sdkOn(network.endpoints);
    setup.setAccount(privateKeyToAccount(privateKey));
    const { userId } = await setup.users.create({
      handle: 'settingsowl',
      name: 'Settings Owl',
      bio: 'Synths',
    });
    localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey }));
    renderPage(userId);
    const name = await screen.findByLabelText<HTMLInputElement>('Display name', undefined, {
      timeout: 5000,
    });
    expect(name.value).toBe('Settings Owl');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Bio (optional)').value).toBe('Synths');

    // A bad website is refused on the field, before anything is sent.
    fireEvent.change(screen.getByLabelText('Website (optional)'), {
      target: { value: 'ftp://owl.fm' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    const website = screen.getByLabelText('Website (optional)');
    expect(website.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(website);

    fireEvent.change(website, { target: { value: 'owl.fm' } });
    fireEvent.change(name, { target: { value: 'Owl Renamed' } });
    fireEvent.change(screen.getByLabelText('Bio (optional)'), { target: { value: '' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    });
    await waitFor(() => expect(screen.getByText('Your profile is saved.')).toBeTruthy(), {
      timeout: 15_000,
    });
    const saved = await setup.users.get(userId);
    expect(saved.name).toBe('Owl Renamed');
    // (The stand-in node does not render `website`; normalizeWebsite is tested on its own.)
    expect(saved.bio ?? null).toBeNull();
    expect(saved.handle).toBe('settingsowl');

    // Saving again with nothing changed sends nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByText('Nothing has changed.')).toBeTruthy();
  }, 20_000);
});
