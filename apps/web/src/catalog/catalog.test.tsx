// The landlord's catalog against the real SDK on stand-in nodes: the edit form on the track page
// (refuses bad input in words and sends nothing, saves and shows the new values), the delete
// confirmation (Escape keeps the track, Delete removes it and goes to the profile), and the
// Scheduled badge and track count on the owner's profile.
import type { Track } from '@coliving/sdk';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import ProfilePage, { shownTrackCount } from '../pages/ProfilePage.js';
import TrackPage from '../pages/TrackPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from '../pages/account/testNetwork.js';
import { type Someone, someone } from '../pages/stats/playsNetwork.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { useLocation } from '../router.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { WalletProvider } from '../money/wallet.js';
import { isScheduled, trackChanges } from './trackEdit.js';

const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const WAIT = { timeout: 10_000 };
const NEXT_YEAR = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});

async function publish(landlord: Someone, title: string, releaseDate?: string): Promise<Track> {
  const signer = sdkOn(network.endpoints);
  signer.setAccount(privateKeyToAccount(landlord.privateKey));
  const { trackId } = await signer.tracks.create({
    userId: landlord.userId,
    metadata: {
      title,
      genre: 'Electronic',
      tags: 'night',
      trackCid: CID,
      duration: 120,
      ...(releaseDate ? { releaseDate } : {}),
      uploadReceipt: await network.uploadReceipt(signer.account!.address, CID, 120),
    },
  });
  return landlord.sdk.tracks.get(trackId, { userId: landlord.userId });
}

function renderAs(who: Someone | null, path: string, children: ReactNode) {
  window.history.replaceState(null, '', path);
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  return render(
    <SdkContext.Provider value={sdkOn(network.endpoints, who?.userId)}>
      <SessionProvider>
        <WalletProvider>
          <PlayerProvider>{children}</PlayerProvider>
        </WalletProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

/** The track page at the current path, as the app's router gives it (a new title moves it). */
function RoutedTrackPage() {
  const [, handle, slug] = useLocation().path.split('/');
  // The app routes `/handle` to the profile: after a delete, this stand-in router shows nothing.
  return slug ? <TrackPage handle={handle!} slug={slug} /> : null;
}

function trackPage(who: Someone | null, track: Track, query = '') {
  return renderAs(who, `${track.permalink}${query}`, <RoutedTrackPage />);
}

describe('editing a track', () => {
  it('refuses a blank title in words and sends nothing, then saves title and genre and shows them', async () => {
    const landlord = await someone(network, 'Editor');
    const track = await publish(landlord, 'Old Name');
    trackPage(landlord, track, '?edit=1');

    const form = await screen.findByRole('form', { name: 'Edit Old Name' }, WAIT);
    await within(form).findByRole('radio', { name: /Public/ }, WAIT);
    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: '   ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(within(form).getByText('Give the track a title.')).toBeTruthy();
    expect(within(form).getByText('Nothing was saved: correct what is marked above.')).toBeTruthy();
    const unchanged = await landlord.sdk.tracks.get(track.id);
    expect(unchanged.blocknumber).toBe(track.blocknumber);
    expect(unchanged.title).toBe('Old Name');

    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: 'New Name' } });
    fireEvent.change(within(form).getByLabelText('Genre'), { target: { value: 'Ambient' } });
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    });
    await waitFor(
      () => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('New Name'),
      WAIT,
    );
    expect(screen.queryByRole('form', { name: /^Edit / })).toBeNull();
    expect(window.location.search).toBe('');
    const after = await landlord.sdk.tracks.get(track.id);
    expect([after.title, after.genre, after.tags]).toEqual(['New Name', 'Ambient', 'night']);
  }, 30_000);

  it('shows the Edit track button to the owner only', async () => {
    const landlord = await someone(network, 'Owner');
    const listener = await someone(network, 'Listener');
    const track = await publish(landlord, 'Mine');
    const owner = trackPage(landlord, track);
    await screen.findByRole('button', { name: 'Edit track' }, WAIT);
    owner.unmount();
    localStorage.clear();
    trackPage(listener, track, '?edit=1');
    await screen.findByRole('heading', { name: 'Mine', level: 1 }, WAIT);
    await screen.findByRole('button', { name: /Favorite/ }, WAIT);
    expect(screen.queryByRole('button', { name: 'Edit track' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Edit Mine' })).toBeNull();
  }, 30_000);

  it('sends only what changed, and clears an emptied optional field', () => {
    const track = {
      title: 'A',
      genre: 'Electronic',
      mood: 'Peaceful',
      tags: 'night,rain',
      description: 'words',
      release_date: null,
    } as unknown as Track;
    expect(
      trackChanges(track, {
        title: ' A ',
        genre: 'Electronic',
        mood: '',
        tags: 'night, rain',
        description: 'words',
        releaseDate: '',
        previewStartSeconds: '',
      }),
    ).toEqual({ mood: null });
  });

  it('moves the preview start: refused past the end in words, then a new preview is cut and saved', async () => {
    const landlord = await someone(network, 'Previewer');
    const signer = sdkOn(network.endpoints);
    signer.setAccount(privateKeyToAccount(landlord.privateKey));
    // The streamed-fetch upload path (happy-dom's XMLHttpRequest enforces CORS on these servers).
    vi.stubGlobal('XMLHttpRequest', undefined);
    const { trackId } = await signer.tracks
      .upload({
        userId: landlord.userId,
        file: new TextEncoder().encode(`a song ${landlord.userId}`),
        fileName: 'song.wav',
        metadata: { title: 'Preview Me', genre: 'Electronic', previewStartSeconds: 2 },
      })
      .finally(() => vi.unstubAllGlobals());
    const track = await landlord.sdk.tracks.get(trackId, { userId: landlord.userId });
    expect([track.preview_start_seconds, track.duration]).toEqual([2, 12]);
    trackPage(landlord, track, '?edit=1');

    const form = await screen.findByRole('form', { name: 'Edit Preview Me' }, WAIT);
    await within(form).findByRole('radio', { name: /Public/ }, WAIT);
    const field = within(form).getByLabelText(/Preview starts at/);
    expect((field as HTMLInputElement).value).toBe('2');
    fireEvent.change(field, { target: { value: '40' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(
      within(form).getByText('The preview must start before the end of the track (12 seconds).'),
    ).toBeTruthy();
    expect((await landlord.sdk.tracks.get(trackId)).blocknumber).toBe(track.blocknumber);

    fireEvent.change(field, { target: { value: '6' } });
    await act(async () => {
      fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    });
    await waitFor(() => expect(screen.queryByRole('form', { name: /^Edit / })).toBeNull(), WAIT);
    const after = await landlord.sdk.tracks.get(trackId);
    expect(after.preview_start_seconds).toBe(6);
    expect(after.preview_cid).toBeTruthy();
    expect(after.preview_cid).not.toBe(track.preview_cid);
    expect(after.track_cid).toBe(track.track_cid);
  }, 30_000);
});

describe('deleting a track', () => {
  it('names the track, keeps it on Escape, deletes it on Delete and goes to the profile', async () => {
    const landlord = await someone(network, 'Deleter');
    const track = await publish(landlord, 'Doomed');
    trackPage(landlord, track);

    fireEvent.click(await screen.findByRole('button', { name: 'Delete track' }, WAIT));
    let dialog = screen.getByRole('alertdialog', { name: 'Delete “Doomed”?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Keep it' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((await landlord.sdk.tracks.get(track.id)).is_delete).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Delete track' }));
    dialog = screen.getByRole('alertdialog', { name: 'Delete “Doomed”?' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete track' }));
    });
    const handle = track.permalink.split('/')[1];
    await waitFor(() => expect(window.location.pathname).toBe(`/${handle}`), WAIT);
    await expect(landlord.sdk.tracks.get(track.id)).rejects.toMatchObject({ type: 'not_found' });
  }, 30_000);
});

describe('scheduled releases on the profile', () => {
  it('shows the owner their scheduled track with a Scheduled badge, counted as listed', async () => {
    const landlord = await someone(network, 'Scheduler');
    const live = await publish(landlord, 'Out Now');
    const later = await publish(landlord, 'Coming Soon', NEXT_YEAR);
    expect([isScheduled(live), isScheduled(later)]).toEqual([false, true]);
    const handle = live.permalink.split('/')[1]!;
    renderAs(landlord, `/${handle}`, <ProfilePage handle={handle} />);

    const list = await screen.findByRole('list', { name: /^Tracks by / }, WAIT);
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    const soon = rows.find((r) => r.textContent?.includes('Coming Soon'))!;
    const now = rows.find((r) => r.textContent?.includes('Out Now'))!;
    expect(within(soon).getByText('Scheduled')).toBeTruthy();
    expect(within(now).queryByText('Scheduled')).toBeNull();
    const counts = screen.getByLabelText('Counts');
    expect(within(counts).getByText('Tracks').nextElementSibling!.textContent).toBe('2');
  }, 30_000);

  it('counts the tracks a listed page shows, not hidden ones it cannot see', () => {
    const user = { track_count: 3 };
    const two = [{}, {}] as Track[];
    expect(shownTrackCount(user, { status: 'ok', data: two })).toBe(2);
    expect(shownTrackCount(user, { status: 'loading' })).toBe(3);
  });
});
