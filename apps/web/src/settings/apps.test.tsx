// Settings → Apps against a real local network (both chains and a real discovery node, as
// `coliving devnet` starts them): creating a developer app shows its secret once and never after
// a reload, bad fields are refused before anything is signed, editing and deleting go through
// the chain, and revoking an app the user allowed removes it once indexed.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import SettingsPage from '../pages/SettingsPage.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { type LocalNetwork, type Someone, startLocalNetwork } from '../testing/localNetwork.js';

const WRITE = { timeout: 60_000 };

// The network runs in a process of its own (testing/localNetwork): the devnet is Node only, and
// its chains are better off outside this test's DOM globals.
let network: LocalNetwork;

beforeAll(async () => {
  network = await startLocalNetwork();
}, 300_000);
afterAll(async () => {
  if (network) await network.stop();
}, 60_000);
beforeEach(() => localStorage.clear());

function renderAs(who: Someone) {
  localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.key }));
  return render(
    <SdkContext.Provider value={network.sdk()}>
      <SessionProvider>
        <SettingsPage />
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

const devApps = () =>
  screen.findByRole('region', { name: 'Your developer apps' }, { timeout: 60_000 });

describe('Settings → Apps', () => {
  it('creates an app, shows its secret once, edits it and deletes it', async () => {
    const owner = await network.someone('appmaker');
    renderAs(owner);
    let section = await devApps();
    await within(section).findByText('You have no developer apps yet.', undefined, WRITE);
    fireEvent.click(within(section).getByRole('button', { name: 'Create an app' }));

    // Refused before anything is signed: no name, a redirect URI that is no web address, one
    // with a fragment, one with a password, an image that is not http(s).
    fireEvent.click(screen.getByRole('button', { name: 'Create app' }));
    const name = screen.getByLabelText('App name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(name);
    expect(screen.getByText('Give your app a name.')).toBeTruthy();
    fireEvent.change(name, { target: { value: 'Night Radio' } });
    const redirects = screen.getByLabelText('Redirect URIs (optional)');
    fireEvent.change(redirects, { target: { value: 'https://radio.test/cb\nradio.test/cb' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create app' }));
    expect(document.activeElement).toBe(redirects);
    expect(
      screen.getByText(
        'Line 2: "radio.test/cb" is not a full web address. Start it with https:// (or http:// for a local test).',
      ),
    ).toBeTruthy();
    fireEvent.change(redirects, { target: { value: 'https://radio.test/cb#top' } });
    expect(
      screen.getByText('"https://radio.test/cb#top" must not contain a # fragment.'),
    ).toBeTruthy();
    fireEvent.change(redirects, { target: { value: 'https://me:pw@radio.test/cb' } });
    expect(
      screen.getByText('"https://me:pw@radio.test/cb" must not contain a user name or password.'),
    ).toBeTruthy();
    fireEvent.change(redirects, {
      target: { value: Array.from({ length: 11 }, (_, i) => `https://r.test/${i}`).join('\n') },
    });
    expect(screen.getByText('List at most 10 redirect URIs (there are 11).')).toBeTruthy();
    fireEvent.change(redirects, {
      target: { value: '  https://radio.test/callback \n\nhttp://127.0.0.1:5173/cb' },
    });
    fireEvent.change(screen.getByLabelText('Image address (optional)'), {
      target: { value: 'ftp://radio.test/logo.png' },
    });
    expect(screen.getByText('The image address must start with https:// or http://.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Image address (optional)'), {
      target: { value: 'https://radio.test/logo.png' },
    });
    fireEvent.change(screen.getByLabelText('Description (optional)'), {
      target: { value: 'x'.repeat(281) },
    });
    expect(screen.getByText('Keep the description to 280 characters or fewer.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Description (optional)'), {
      target: { value: 'Radio all night' },
    });
    // Nothing was sent while the form was refused.
    expect(await owner.sdk.developerApps.listByUser(owner.userId)).toEqual([]);

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Create app' }));
    });
    const secretBox = await screen.findByRole(
      'region',
      { name: 'Night Radio is ready: copy its secret now' },
      WRITE,
    );
    expect(within(secretBox).getByText('it will not be shown again')).toBeTruthy();
    const apiKey = within(secretBox).getByLabelText<HTMLInputElement>('API key').value;
    const secret = within(secretBox).getByLabelText<HTMLInputElement>('API secret').value;
    // The secret is the private key of the address that is the API key.
    expect(privateKeyToAccount(secret as `0x${string}`).address.toLowerCase()).toBe(apiKey);
    expect(within(secretBox).getByRole('button', { name: 'Copy API secret' })).toBeTruthy();

    // It is on the chain, as typed (trimmed, blank lines dropped).
    const app = await owner.sdk.developerApps.get(apiKey);
    expect(app).toMatchObject({
      name: 'Night Radio',
      description: 'Radio all night',
      image_url: 'https://radio.test/logo.png',
      redirect_uris: ['https://radio.test/callback', 'http://127.0.0.1:5173/cb'],
    });
    // And listed, with its key to copy.
    section = await devApps();
    const item = await within(section).findByRole('listitem', { name: 'Night Radio' }, WRITE);
    expect(within(item).getByLabelText<HTMLInputElement>('API key').value).toBe(apiKey);
    expect(within(item).getByText('https://radio.test/callback')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'I have copied the secret' }));
    expect(screen.queryByRole('region', { name: /copy its secret now/ })).toBeNull();
    expect(document.body.innerHTML).not.toContain(secret.slice(2));

    // A reload: the app is there, its secret is not.
    cleanup();
    renderAs(owner);
    section = await devApps();
    const again = await within(section).findByRole('listitem', { name: 'Night Radio' }, WRITE);
    expect(within(again).getByLabelText<HTMLInputElement>('API key').value).toBe(apiKey);
    expect(document.body.innerHTML).not.toContain(secret.slice(2));
    expect(screen.queryByLabelText('API secret')).toBeNull();

    // Edit: a new name, no image.
    fireEvent.click(within(again).getByRole('button', { name: 'Edit Night Radio' }));
    fireEvent.change(within(again).getByLabelText('App name'), { target: { value: '' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Save app' }));
    expect(within(again).getByText('Give your app a name.')).toBeTruthy();
    fireEvent.change(within(again).getByLabelText('App name'), { target: { value: 'Day Radio' } });
    fireEvent.change(within(again).getByLabelText('Image address (optional)'), {
      target: { value: '' },
    });
    await act(async () => {
      fireEvent.click(within(again).getByRole('button', { name: 'Save app' }));
    });
    await within(section).findByRole('listitem', { name: 'Day Radio' }, WRITE);
    expect(await owner.sdk.developerApps.get(apiKey)).toMatchObject({
      name: 'Day Radio',
      image_url: null,
    });

    // Delete, confirmed (a first Cancel leaves it).
    let renamed = within(section).getByRole('listitem', { name: 'Day Radio' });
    fireEvent.click(within(renamed).getByRole('button', { name: 'Delete Day Radio' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete Day Radio?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    renamed = within(section).getByRole('listitem', { name: 'Day Radio' });
    fireEvent.click(within(renamed).getByRole('button', { name: 'Delete Day Radio' }));
    dialog = screen.getByRole('dialog', { name: 'Delete Day Radio?' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete app' }));
    });
    await within(section).findByText('You have no developer apps yet.', undefined, WRITE);
    await expect(owner.sdk.developerApps.get(apiKey)).rejects.toMatchObject({ type: 'not_found' });
  }, 120_000);

  it('says in words why a delete was refused (the app was deleted elsewhere)', async () => {
    const owner = await network.someone('appracer');
    const { apiKey } = await owner.sdk.developerApps.create({
      userId: owner.userId,
      name: 'Racer',
    });
    renderAs(owner);
    const section = await devApps();
    const item = await within(section).findByRole('listitem', { name: 'Racer' }, WRITE);
    // Another tab (the CLI) deletes it first.
    await owner.sdk.developerApps.delete({ userId: owner.userId, apiKey });
    fireEvent.click(within(item).getByRole('button', { name: 'Delete Racer' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Racer?' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete app' }));
    });
    await waitFor(
      () => expect(within(dialog).getByRole('alert').textContent).toBe('That has been deleted.'),
      WRITE,
    );
  }, 120_000);

  it('lists the apps and managers the user allowed and revokes them, once indexed', async () => {
    const owner = await network.someone('appowner');
    const listener = await network.someone('applistener');
    const { apiKey } = await owner.sdk.developerApps.create({
      userId: owner.userId,
      name: 'Mixer',
      description: 'Mixes your favorites',
      imageUrl: 'https://mixer.test/logo.png',
    });
    const other = await owner.sdk.developerApps.create({ userId: owner.userId, name: 'Tuner' });
    await listener.sdk.grants.create({ userId: listener.userId, grantee: apiKey });
    await listener.sdk.grants.create({ userId: listener.userId, grantee: other.apiKey });
    // A manager, pending.
    await listener.sdk.grants.create({
      userId: listener.userId,
      grantee: privateKeyToAccount(owner.key).address,
    });

    renderAs(listener);
    const section = await screen.findByRole(
      'region',
      { name: 'Apps you allowed' },
      { timeout: 60_000 },
    );
    const mixer = await within(section).findByRole('listitem', { name: 'Mixer' }, WRITE);
    expect(within(mixer).getByText(/^Allowed since /)).toBeTruthy();
    expect(within(mixer).getByText('Mixes your favorites')).toBeTruthy();
    expect(within(section).getByRole('listitem', { name: 'Tuner' })).toBeTruthy();
    const manager = within(section).getByRole('listitem', { name: 'appowner' });
    expect(within(manager).getByText(/appowner.*has not answered yet/s)).toBeTruthy();

    fireEvent.click(within(mixer).getByRole('button', { name: 'Revoke Mixer' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke Mixer?' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    });
    await within(section).findByText('Mixer can no longer act for you.', undefined, WRITE);
    // The list reloads once the revoke is indexed: wait for it loaded again, without Mixer.
    await waitFor(() => {
      expect(within(section).queryByRole('listitem', { name: 'Mixer' })).toBeNull();
      expect(within(section).getByRole('listitem', { name: 'Tuner' })).toBeTruthy();
    }, WRITE);
    const left = await listener.sdk.grants.authorizedApps(listener.userId);
    expect(left.map((a) => a.address)).toEqual([other.apiKey]);

    // The pending manager is removed the same way (its row as the reloaded list shows it).
    const reloaded = within(section).getByRole('listitem', { name: 'appowner' });
    fireEvent.click(within(reloaded).getByRole('button', { name: 'Remove appowner as a manager' }));
    const confirm = screen.getByRole('dialog', { name: 'Remove appowner as a manager?' });
    await act(async () => {
      fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    });
    await within(section).findByText('appowner no longer manages your account.', undefined, WRITE);
    await waitFor(
      () => expect(within(section).queryByRole('listitem', { name: 'appowner' })).toBeNull(),
      WRITE,
    );
    expect(await listener.sdk.grants.managers(listener.userId)).toEqual([]);
  }, 240_000);
});
