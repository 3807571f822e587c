// Adding a track to a playlist and editing one's own playlist, against the real SDK and stand-in
// nodes: the dialog lists the resident's playlists and says where the track went; the owner
// reorders by keyboard, removes a track, renames and makes the playlist private, and finds it
// again after a reload; the library lists the owner's private playlists and counts only the
// tracks an album still plays.
import type { Playlist } from '@coliving/sdk';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import LibraryPage from '../pages/LibraryPage.js';
import PlaylistPage from '../pages/PlaylistPage.js';
import { type TestNetwork, startTestNetwork } from '../pages/account/testNetwork.js';
import { type Someone, publish, someone as anyone } from '../pages/stats/playsNetwork.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { useLocation } from '../router.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { AddToPlaylistDialog } from './AddToPlaylistDialog.js';
import { moved } from './PlaylistEditor.js';

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

function renderAs(who: Someone, ui: React.ReactNode) {
  localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  return render(
    <SdkContext.Provider value={who.sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={async () => []}>{ui}</PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

/** A user whose SDK signs as them. */
async function someone(net: TestNetwork, name: string): Promise<Someone> {
  const who = await anyone(net, name);
  who.sdk.setAccount(privateKeyToAccount(who.privateKey));
  return who;
}

/** The playlist page of the current path, remounted at every new path as the app does. */
function RoutedPlaylistPage() {
  const { path } = useLocation();
  const [, handle, kind, slug] = path.split('/');
  return <PlaylistPage key={path} handle={handle!} kind={kind!} slug={slug!} />;
}

const ids = (p: Playlist) => p.playlist_contents.map((e) => e.track_id);

describe('AddToPlaylistDialog', () => {
  it('adds a track to one of your playlists, or to a new one, and says where', async () => {
    const landlord = await someone(network, 'Landlord');
    const resident = await someone(network, 'Resident');
    const dawn = await publish(network, landlord, 'Dawn', 0);
    const track = await resident.sdk.tracks.get(dawn);
    const { playlistId } = await resident.sdk.playlists.create({
      userId: resident.userId,
      name: 'Road trip',
    });
    // Someone else's playlist is not offered.
    await landlord.sdk.playlists.create({ userId: landlord.userId, name: 'Not yours' });

    const onClose = vi.fn();
    const view = renderAs(resident, <AddToPlaylistDialog track={track} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Add “Dawn” to a playlist' });
    const list = await screen.findByRole('list', { name: 'Your playlists' }, { timeout: 5000 });
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Road trip']);
    expect(dialog.contains(document.activeElement)).toBe(true);

    fireEvent.click(within(list).getByRole('button', { name: 'Road trip' }));
    expect((await screen.findByText(/^Added to/, undefined, { timeout: 5000 })).textContent).toBe(
      'Added to Road trip.',
    );
    expect(ids(await resident.sdk.playlists.get(playlistId))).toEqual([dawn]);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    view.unmount();

    // Again: Road trip has it already; a new playlist gets it.
    renderAs(resident, <AddToPlaylistDialog track={track} onClose={onClose} />);
    const again = await screen.findByRole(
      'button',
      { name: 'Road trip (already has this track)' },
      { timeout: 5000 },
    );
    expect(again.hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: ' Night drive ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create and add' }));
    const created = await screen.findByText(/^Created/, undefined, { timeout: 5000 });
    expect(created.textContent).toBe('Created Night drive with “Dawn”.');
    const mine = await resident.sdk.users.playlists(resident.userId, { userId: resident.userId });
    const night = mine.find((p) => p.playlist_name === 'Night drive')!;
    expect(ids(night)).toEqual([dawn]);
  }, 30_000);
});

describe('PlaylistPage, for its owner', () => {
  it('reorders by keyboard, removes a track, renames and makes it private', async () => {
    const owner = await someone(network, 'Owner');
    const [a, b, c] = [
      await publish(network, owner, 'Alpha', 0),
      await publish(network, owner, 'Bravo', 1),
      await publish(network, owner, 'Charlie', 2),
    ];
    const { playlist } = await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Mixtape',
      trackIds: [a, b, c],
    });
    const [, handle, kind, slug] = playlist.permalink.split('/');
    const view = renderAs(owner, <PlaylistPage handle={handle!} kind={kind!} slug={slug!} />);
    await screen.findByRole('heading', { name: 'Track order' }, { timeout: 5000 });
    const row = (title: string) => screen.getByRole('listitem', { name: new RegExp(`^${title},`) });

    // Alt+Down on the focused first row moves it down, says so, and keeps focus on it.
    act(() => row('Alpha').focus());
    fireEvent.keyDown(row('Alpha'), { key: 'ArrowDown', altKey: true });
    expect(row('Alpha').getAttribute('aria-label')).toBe('Alpha, position 2 of 3');
    expect(document.activeElement).toBe(row('Alpha'));
    expect(screen.getByText('Moved “Alpha” to position 2 of 3.')).toBeTruthy();
    // A plain arrow does not move it.
    fireEvent.keyDown(row('Alpha'), { key: 'ArrowDown' });
    expect(row('Alpha').getAttribute('aria-label')).toBe('Alpha, position 2 of 3');

    fireEvent.click(screen.getByRole('button', { name: 'Remove “Charlie”' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save tracks' }));
    await screen.findByText('Tracks saved.', undefined, { timeout: 5000 });
    expect(ids(await owner.sdk.playlists.get(playlist.id))).toEqual([b, a]);

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Mixtape two' } });
    fireEvent.click(screen.getByLabelText(/Private/));
    fireEvent.click(screen.getByRole('button', { name: 'Save details' }));
    await screen.findByText(/^Saved\./, undefined, { timeout: 5000 });
    expect(screen.getByText(/^Saved\./).textContent).toBe('Saved. Only you can see this playlist.');
    const after = await owner.sdk.playlists.get(playlist.id, { userId: owner.userId });
    expect([after.playlist_name, after.is_private]).toEqual(['Mixtape two', true]);
    await waitFor(() => expect(window.location.pathname).toBe(after.permalink));

    // Reloaded at its new address, the private playlist is still there for its owner, editable.
    view.unmount();
    renderAs(owner, <RoutedPlaylistPage />);
    await screen.findByRole('heading', { name: 'Mixtape two' }, { timeout: 5000 });
    expect(screen.getByLabelText<HTMLInputElement>(/Private/).checked).toBe(true);
    expect(screen.getAllByRole('listitem', { name: /, position \d of 2$/ })).toHaveLength(2);
  }, 30_000);

  it('says a rename was saved on the page at the new address', async () => {
    const owner = await someone(network, 'Renamer');
    const { playlist } = await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Old name',
    });
    window.history.replaceState(null, '', playlist.permalink);
    renderAs(owner, <RoutedPlaylistPage />);
    await screen.findByRole('heading', { name: 'Edit playlist' }, { timeout: 5000 });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'New name' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save details' }));
    const after = playlist.permalink.replace(/old-name$/, 'new-name');
    await waitFor(() => expect(window.location.pathname).toBe(after), { timeout: 5000 });
    // The app remounts the page at its new address: that page says what happened, once.
    await screen.findByRole('heading', { name: 'New name' }, { timeout: 5000 });
    expect(screen.getAllByText(/^Saved\./).map((p) => p.textContent)).toEqual([
      'Saved. Anyone can see this playlist.',
    ]);
  }, 30_000);

  it('makes a playlist of your own tracks an album, and says why not with another’s', async () => {
    const owner = await someone(network, 'Maker');
    const other = await someone(network, 'Guest');
    const mine = await publish(network, owner, 'Mine', 0);
    const theirs = await publish(network, other, 'Theirs', 1);
    const { playlist: mixed } = await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Mixed',
      trackIds: [mine, theirs],
    });
    const [, handle, kind, slug] = mixed.permalink.split('/');
    const view = renderAs(owner, <PlaylistPage handle={handle!} kind={kind!} slug={slug!} />);
    await screen.findByRole('heading', { name: 'Track order' }, { timeout: 5000 });
    expect(
      screen.getByRole('button', { name: 'Make this an album' }).hasAttribute('disabled'),
    ).toBe(true);
    expect(screen.getByText(/^An album holds only your own tracks/).textContent).toBe(
      'An album holds only your own tracks. Remove “Theirs” to make this an album.',
    );
    view.unmount();

    const { playlist: own } = await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Solo',
      trackIds: [mine],
    });
    window.history.replaceState(null, '', own.permalink);
    const view2 = renderAs(owner, <RoutedPlaylistPage />);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Make this an album' }, { timeout: 5000 }),
    );
    // The page moves to the album's address and, once there, still says what happened.
    const album = own.permalink.replace('/playlist/', '/album/');
    await waitFor(() => expect(window.location.pathname).toBe(album), { timeout: 5000 });
    await screen.findByRole('heading', { name: 'Edit album' }, { timeout: 5000 });
    expect(screen.getAllByText(/is now an album/).map((p) => p.textContent)).toEqual([
      `“Solo” is now an album, at ${album}. Links to it as a playlist still lead here.`,
    ]);
    expect((await owner.sdk.playlists.get(own.id)).is_album).toBe(true);
    view2.unmount();

    // The old playlist link, shared before, leads to the album and moves to its address.
    window.history.replaceState(null, '', own.permalink);
    renderAs(owner, <RoutedPlaylistPage />);
    await waitFor(() => expect(window.location.pathname).toBe(album), { timeout: 5000 });
    expect(await screen.findByRole('heading', { name: 'Solo' }, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText('Album', { selector: '.kicker' })).toBeTruthy();
  }, 30_000);

  it('is not editable by anyone else', async () => {
    const owner = await someone(network, 'Keeper');
    const other = await someone(network, 'Visitor');
    const { playlist } = await owner.sdk.playlists.create({ userId: owner.userId, name: 'Theirs' });
    const [, handle, kind, slug] = playlist.permalink.split('/');
    renderAs(other, <PlaylistPage handle={handle!} kind={kind!} slug={slug!} />);
    await screen.findByRole('heading', { name: 'Theirs' }, { timeout: 5000 });
    expect(screen.queryByRole('heading', { name: 'Edit playlist' })).toBeNull();
  }, 20_000);
});

describe('LibraryPage, Your playlists', () => {
  it("lists the owner's private playlist, and counts an album's tracks without a deleted one", async () => {
    const owner = await someone(network, 'Shelver');
    const [a, b, c] = [
      await publish(network, owner, 'One', 0),
      await publish(network, owner, 'Two', 1),
      await publish(network, owner, 'Three', 2),
    ];
    await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Hideaway',
      isPrivate: true,
      trackIds: [a],
    });
    await owner.sdk.playlists.create({
      userId: owner.userId,
      name: 'Trio',
      isAlbum: true,
      trackIds: [a, b, c],
    });
    await owner.sdk.tracks.remove(owner.userId, b);
    window.history.replaceState(null, '', '/library?tab=playlists');
    renderAs(owner, <LibraryPage />);
    const playlists = await screen.findByRole(
      'list',
      { name: 'Your playlists' },
      { timeout: 5000 },
    );
    expect(within(playlists).getByText('Hideaway')).toBeTruthy();
    const albums = screen.getByRole('list', { name: 'Your albums' });
    expect(within(albums).getByText('Album · 2 tracks')).toBeTruthy();
  }, 30_000);
});

describe('moved', () => {
  it('moves one item', () => {
    expect(moved(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moved(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
  });
});
