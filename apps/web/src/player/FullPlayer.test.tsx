// The phone's full-screen player says what the bar says of a gated track: its preview plays until
// it is unlocked, with the lock (the price and Buy) beside the title; and the track page says how
// long that preview is. Against the real SDK on stand-in nodes, as the money screens are tested.
import type { Track } from '@coliving/sdk';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WalletProvider } from '../money/wallet.js';
import TrackPage from '../pages/TrackPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from '../pages/account/testNetwork.js';
import { type Someone, someone } from '../pages/stats/playsNetwork.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { PlayerBar } from './PlayerBar.js';
import { type PlayerApi, usePlayer } from './PlayerContext.js';
import { PlayerProvider } from './PlayerProvider.js';

const FULL_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const PREVIEW_CID = 'bafkreie5cvv4h45feuxh2xdsrlcq6b5edb4fqdw3ujzyh6smqtiqq2nmsy';
const WAIT = { timeout: 8000 };

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

async function signedIn(name: string): Promise<Someone> {
  const who = await someone(network, name);
  who.sdk.setAccount(privateKeyToAccount(who.privateKey));
  return who;
}

/** A track by `landlord`, `duration` seconds long, sold for 2 DGCO. */
async function gatedTrack(landlord: Someone, title: string, duration: number): Promise<Track> {
  const { trackId } = await landlord.sdk.tracks.create({
    userId: landlord.userId,
    metadata: {
      title,
      genre: 'Electronic',
      trackCid: FULL_CID,
      previewCid: PREVIEW_CID,
      duration,
      streamConditions: { purchase: { price: '2', splits: [] } },
      uploadReceipt: await network.uploadReceipt(
        privateKeyToAccount(landlord.privateKey).address,
        FULL_CID,
        duration,
      ),
    },
  });
  return landlord.sdk.tracks.get(trackId);
}

describe('the track page', () => {
  it('says how long a short gated track’s preview is: half the track, under 30 s', async () => {
    const landlord = await signedIn('Landlord');
    const resident = await signedIn('Resident');
    const track = await gatedTrack(landlord, 'Short Vault', 40);
    localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: resident.privateKey }));
    const [, handle, slug] = track.permalink.split('/');
    render(
      <SdkContext.Provider value={sdkOn(network.endpoints, resident.userId)}>
        <SessionProvider>
          <WalletProvider>
            <PlayerProvider>
              <TrackPage handle={handle!} slug={slug!} />
            </PlayerProvider>
          </WalletProvider>
        </SessionProvider>
      </SdkContext.Provider>,
    );
    expect(
      await screen.findByText(
        'Until then, Play plays a 20-second preview.',
        { exact: false },
        WAIT,
      ),
    ).toBeTruthy();
  });
});

describe('the full-screen player', () => {
  it('marks a gated track’s preview and shows its lock, as the bar does', async () => {
    const landlord = await signedIn('Landlord');
    const resident = await signedIn('Resident');
    const track = await gatedTrack(landlord, 'Vault', 120);
    localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: resident.privateKey }));
    const player: { api: PlayerApi | null } = { api: null };
    function Capture() {
      player.api = usePlayer();
      return null;
    }
    render(
      <SdkContext.Provider value={sdkOn(network.endpoints, resident.userId)}>
        <SessionProvider>
          <WalletProvider>
            <PlayerProvider>
              <Capture />
              <PlayerBar />
            </PlayerProvider>
          </WalletProvider>
        </SessionProvider>
      </SdkContext.Provider>,
    );
    act(() => player.api!.playQueue([track], 0));
    await waitFor(() => expect(player.api!.preview).toBe(true), WAIT);
    fireEvent.click(screen.getByRole('button', { name: 'Open the full player' }));
    const full = screen.getByRole('dialog', { name: 'Now playing' });
    expect(within(full).getByText('Preview')).toBeTruthy();
    expect(within(full).getByRole('button', { name: /^Buy Vault for 2 DGCO/ })).toBeTruthy();
  });
});
