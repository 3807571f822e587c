// The profile's Tracks count is exact for every viewer, a list longer than a page included: a
// listener counts the listed, released tracks; the owner all of theirs, as their list shows them.
// The real SDK and page on the stand-in nodes, which count `track_count` as the discovery node does.
import { render, screen, within } from '@testing-library/react';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WalletProvider } from '../money/wallet.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import ProfilePage from './ProfilePage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './account/testNetwork.js';
import { type Someone, someone } from './stats/playsNetwork.js';

const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const WAIT = { timeout: 10_000 };
/** More than the profile's page of tracks (50), so the list alone cannot give the count. */
const LISTED = 51;

let network: TestNetwork;
let landlord: Someone;
let handle: string;
beforeAll(async () => {
  network = await startTestNetwork();
  landlord = await someone(network, 'Prolific');
  const signer = sdkOn(network.endpoints);
  signer.setAccount(privateKeyToAccount(landlord.privateKey));
  const publish = async (title: string, extra: { releaseDate?: string; isUnlisted?: boolean }) =>
    signer.tracks.create({
      userId: landlord.userId,
      metadata: {
        title,
        genre: 'Electronic',
        trackCid: CID,
        duration: 120,
        ...extra,
        uploadReceipt: await network.uploadReceipt(signer.account!.address, CID, 120),
      },
    });
  for (let i = 0; i < LISTED; i++) await publish(`Song ${i}`, {});
  await publish('Demo', { isUnlisted: true });
  const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  await publish('Coming Soon', { releaseDate: nextYear });
  handle = (await landlord.sdk.users.get(landlord.userId)).handle;
}, 60_000);
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

function renderAs(who: Someone | null) {
  window.history.replaceState(null, '', `/${handle}`);
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints, who?.userId)}>
      <SessionProvider>
        <WalletProvider>
          <PlayerProvider loadSources={async () => []}>
            <ProfilePage handle={handle} />
          </PlayerProvider>
        </WalletProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

async function shownCount(): Promise<string | null | undefined> {
  const list = await screen.findByRole('list', { name: /^Tracks by / }, WAIT);
  expect(within(list).getAllByRole('listitem')).toHaveLength(50);
  const counts = screen.getByLabelText('Counts');
  return within(counts).getByText('Tracks').nextElementSibling?.textContent;
}

describe('the profile’s Tracks count', () => {
  it('counts for a listener only the listed, released tracks, past a page of them', async () => {
    renderAs(null);
    expect(await shownCount()).toBe(String(LISTED));
  }, 20_000);

  it('counts for another logged-in user the same', async () => {
    renderAs(await someone(network, 'Fan'));
    expect(await shownCount()).toBe(String(LISTED));
  }, 20_000);

  it('counts for the owner every track of theirs, unlisted and scheduled ones included', async () => {
    renderAs(landlord);
    expect(await shownCount()).toBe(String(LISTED + 2));
  }, 20_000);
});
