// A scheduled track's page, for its owner: one statement of when it comes out (the badge says
// "Scheduled" once, the sentence says the date), against the real SDK on stand-in nodes.
import { render, screen } from '@testing-library/react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { releaseDay } from '../catalog/trackEdit.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import TrackPage from './TrackPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './account/testNetwork.js';
import { someone } from './stats/playsNetwork.js';

const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const NEXT_YEAR = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

describe('TrackPage: a scheduled track', () => {
  it('says "Scheduled" once, then the date, to its owner', async () => {
    const landlord = await someone(network, 'Planner');
    const signer = sdkOn(network.endpoints);
    signer.setAccount(privateKeyToAccount(landlord.privateKey));
    const { trackId } = await signer.tracks.create({
      userId: landlord.userId,
      metadata: {
        title: 'Not Yet',
        genre: 'Electronic',
        trackCid: CID,
        duration: 120,
        releaseDate: NEXT_YEAR,
        uploadReceipt: await network.uploadReceipt(signer.account!.address, CID, 120),
      },
    });
    const track = await landlord.sdk.tracks.get(trackId, { userId: landlord.userId });
    const [, handle, slug] = track.permalink.split('/');
    window.history.replaceState(null, '', track.permalink);
    localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: landlord.privateKey }));
    render(
      <SdkContext.Provider value={sdkOn(network.endpoints, landlord.userId)}>
        <SessionProvider>
          <PlayerProvider loadSources={async () => []}>
            <TrackPage handle={handle!} slug={slug!} />
          </PlayerProvider>
        </SessionProvider>
      </SdkContext.Provider>,
    );
    const note = await screen.findByText(/Listeners cannot see it until then/, undefined, {
      timeout: 10_000,
    });
    expect(note.textContent).toBe(
      `Scheduled Out on ${releaseDay(NEXT_YEAR)}. Listeners cannot see it until then.`,
    );
    expect(note.textContent.match(/scheduled/gi)).toHaveLength(1);
  }, 30_000);
});
