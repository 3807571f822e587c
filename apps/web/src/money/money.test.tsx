// The money screens against the real SDK on stand-in nodes with a DGCO ledger (the payment
// relay's checks, signatures verified): the lock on a gated track, its preview, buying it (the
// price and split confirmed, a short balance refused in words, then the full track at once), a
// tip and the supporters, the wallet, sales and purchases pages, and the access editor.
import type { AccessConditionsInput, Track } from '@coliving/sdk';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import LibraryPage from '../pages/LibraryPage.js';
import PlaylistPage from '../pages/PlaylistPage.js';
import ProfilePage from '../pages/ProfilePage.js';
import SalesPage from '../pages/SalesPage.js';
import TrackPage from '../pages/TrackPage.js';
import WalletPage from '../pages/WalletPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from '../pages/account/testNetwork.js';
import { type Someone, someone } from '../pages/stats/playsNetwork.js';
import { PlayerBar } from '../player/PlayerBar.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import { describePaymentError } from './paymentErrors.js';
import { TrackAccessEditor } from './TrackAccessEditor.js';
import { WalletProvider } from './wallet.js';

const dgco = (amount: string) => parseUnits(amount, 18);
const FULL_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const PREVIEW_CID = 'bafkreie5cvv4h45feuxh2xdsrlcq6b5edb4fqdw3ujzyh6smqtiqq2nmsy';
const WAIT = { timeout: 8000 };

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});

const walletOf = (who: Someone) => privateKeyToAccount(who.privateKey).address;

/** A track by `landlord` behind `gate`, with a preview. */
async function gatedTrack(landlord: Someone, title: string, gate: AccessConditionsInput) {
  const { trackId } = await landlord.sdk.tracks.create({
    userId: landlord.userId,
    metadata: {
      title,
      genre: 'Electronic',
      trackCid: FULL_CID,
      previewCid: PREVIEW_CID,
      duration: 120,
      streamConditions: gate,
      uploadReceipt: await network.uploadReceipt(walletOf(landlord), FULL_CID, 120),
    },
  });
  return landlord.sdk.tracks.get(trackId);
}

async function signedIn(name: string): Promise<Someone> {
  const who = await someone(network, name);
  who.sdk.setAccount(privateKeyToAccount(who.privateKey));
  return who;
}

function renderAs(who: Someone | null, children: ReactNode) {
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  return render(
    <SdkContext.Provider value={sdkOn(network.endpoints, who?.userId)}>
      <SessionProvider>
        <WalletProvider>
          <PlayerProvider>
            {children}
            <PlayerBar />
          </PlayerProvider>
        </WalletProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

const audioSrc = () => screen.getByTestId<HTMLAudioElement>('player-audio').src;
const handleOf = async (who: Someone) => (await who.sdk.users.get(who.userId)).handle;
const [slugOf] = [(t: Track) => t.permalink.split('/')];

describe('buying a purchase-gated track', () => {
  it('shows the lock and price, plays the preview, refuses a short balance in words, then buys and plays in full', async () => {
    const landlord = await signedIn('Landlord');
    const collaborator = await signedIn('Collaborator');
    const resident = await signedIn('Resident');
    const track = await gatedTrack(landlord, 'Vault', {
      purchase: {
        price: '2.5',
        splits: [
          { userId: collaborator.userId, percentage: 10 },
          { userId: landlord.userId, percentage: 90 },
        ],
      },
    });
    network.payments.fund(walletOf(resident), dgco('1.2'));
    const [, handle, slug] = slugOf(track);
    renderAs(resident, <TrackPage handle={handle!} slug={slug!} />);

    // The lock is there before anyone presses play.
    const buy = await screen.findByRole('button', { name: 'Buy Vault for 2.5 DGCO' }, WAIT);
    expect(
      screen.getByText('Until then, Play plays a 30-second preview.', { exact: false }),
    ).toBeTruthy();

    // Play plays the preview meanwhile.
    fireEvent.click(screen.getByRole('button', { name: 'Play Vault' }));
    await waitFor(() => expect(audioSrc()).toContain(PREVIEW_CID), WAIT);
    expect(await screen.findByText('Preview')).toBeTruthy();

    // The confirmation names the price and who gets what.
    fireEvent.click(buy);
    const dialog = await screen.findByRole('dialog', { name: 'Buy Vault' });
    expect(within(dialog).getByText('2.5 DGCO')).toBeTruthy();
    const split = within(dialog).getByRole('list', { name: 'Who gets what' });
    await waitFor(() =>
      expect(
        within(split)
          .getAllByRole('listitem')
          .map((li) => li.textContent),
      ).toEqual([
        expect.stringMatching(/^@collaborator\d+10%0\.25 DGCO$/),
        `@${handle}90%2.25 DGCO`,
      ]),
    );

    // Not enough DGCO: nothing moves, and the reason is in words.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay 2.5 DGCO' }));
    expect((await within(dialog).findByRole('alert', {}, WAIT)).textContent).toBe(
      'You need 2.5 DGCO; you have 1.2.',
    );
    expect(network.payments.balanceOf(walletOf(resident))).toBe(dgco('1.2'));

    network.payments.fund(walletOf(resident), dgco('10'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay 2.5 DGCO' }));
    expect((await within(dialog).findByText(/You bought Vault/, {}, WAIT)).textContent).toBe(
      'You bought Vault. It plays in full now.',
    );

    // Exactly the price, split exactly as the gate says.
    expect(network.payments.balanceOf(walletOf(resident))).toBe(dgco('8.7'));
    expect(network.payments.balanceOf(walletOf(landlord))).toBe(dgco('2.25'));
    expect(network.payments.balanceOf(walletOf(collaborator))).toBe(dgco('0.25'));

    // At once: the full track replaces the preview, and the lock is gone.
    await waitFor(() => expect(audioSrc()).toContain(FULL_CID), WAIT);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('button', { name: /^Buy Vault/ })).toBeNull();
    expect(screen.queryByText('Preview')).toBeNull();

    // Buying it again is refused before any money moves, in words.
    const again = await resident.sdk.purchases
      .buy({ userId: resident.userId, trackId: track.id })
      .catch((error: unknown) => error);
    expect(describePaymentError(again)).toBe('You already own this.');
    expect(network.payments.balanceOf(walletOf(resident))).toBe(dgco('8.7'));
  }, 30_000);

  it('shows "Follow to unlock" and "Tip to unlock" on follow- and tip-gated tracks', async () => {
    const landlord = await signedIn('Gatekeeper');
    const listener = await signedIn('Listener');
    const followed = await gatedTrack(landlord, 'Members', { followUserId: landlord.userId });
    const tipped = await gatedTrack(landlord, 'Patrons', { tipUserId: landlord.userId });
    const [, handle] = slugOf(followed);
    renderAs(listener, <ProfilePage handle={handle!} />);
    const list = await screen.findByRole('list', { name: /Tracks by/ }, WAIT);
    const rows = within(list).getAllByRole('listitem');
    const rowOf = (title: string) => rows.find((r) => r.textContent?.includes(title))!;
    expect(within(rowOf(followed.title)).getByText('Follow to unlock')).toBeTruthy();
    expect(within(rowOf(tipped.title)).getByText('Tip to unlock')).toBeTruthy();
  }, 20_000);
});

describe('tipping', () => {
  it('takes an amount, refuses one below the minimum, confirms, sends, and lists the supporter', async () => {
    const landlord = await signedIn('Tipped');
    const fan = await signedIn('Fan');
    network.payments.fund(walletOf(fan), dgco('5'));
    const handle = await handleOf(landlord);
    renderAs(fan, <ProfilePage handle={handle} />);
    expect(await screen.findByText('No tips yet. Be the first.', {}, WAIT)).toBeTruthy();

    fireEvent.click(await screen.findByRole('button', { name: 'Tip Tipped' }, WAIT));
    const dialog = await screen.findByRole('dialog', { name: 'Tip Tipped' });
    const amount = within(dialog).getByLabelText('Amount (DGCO)');
    fireEvent.change(amount, { target: { value: '0.05' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('A tip is at least 0.1 DGCO.');

    fireEvent.change(within(dialog).getByLabelText('Amount (DGCO)'), { target: { value: '2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByText(/cannot be taken back/).textContent).toBe(
      `Send 2 DGCO to @${handle}? It goes straight to their wallet and cannot be taken back.`,
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 2 DGCO' }));
    expect((await within(dialog).findByText(/You tipped/, {}, WAIT)).textContent).toBe(
      `You tipped @${handle} 2 DGCO. Thank you!`,
    );
    expect(network.payments.balanceOf(walletOf(landlord))).toBe(dgco('2'));
    expect(network.payments.balanceOf(walletOf(fan))).toBe(dgco('3'));

    const supporters = await screen.findByRole('list', { name: 'Top supporters' }, WAIT);
    expect(supporters.textContent).toMatch(/^@fan\d+ 2 DGCO$/);
  }, 20_000);

  it('offers no Tip on one’s own profile', async () => {
    const me = await signedIn('Myself');
    renderAs(me, <ProfilePage handle={await handleOf(me)} />);
    await screen.findByRole('heading', { name: 'Supporters' }, WAIT);
    await screen.findByRole('link', { name: 'Edit profile' }, WAIT);
    expect(screen.queryByRole('button', { name: /^Tip / })).toBeNull();
  }, 20_000);
});

describe('wallet, sales and purchases', () => {
  let landlord: Someone;
  let buyer: Someone;
  let track: Track;
  beforeAll(async () => {
    landlord = await signedIn('Seller');
    buyer = await signedIn('Buyer');
    track = await gatedTrack(landlord, 'Limited', { purchase: { price: '4' } });
    network.payments.fund(walletOf(buyer), dgco('10'));
    await buyer.sdk.purchases.buy({ userId: buyer.userId, trackId: track.id });
    await buyer.sdk.tips.send({ userId: buyer.userId, toUserId: landlord.userId, amount: '1.5' });
  }, 20_000);

  it('shows the address, the balance and every tip and purchase, newest first', async () => {
    renderAs(buyer, <WalletPage />);
    expect(await screen.findByText('4.5 DGCO', {}, WAIT)).toBeTruthy();
    expect(screen.getByText(walletOf(buyer))).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Wallet history' }, WAIT);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .slice(1)
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['Tip sent', `@${await handleOf(landlord)}`, '−1.5 DGCO'],
      ['Bought Limited', `@${await handleOf(landlord)}`, '−4 DGCO'],
    ]);
  }, 20_000);

  it('shows the landlord what sold, how often and for how much, and who bought it', async () => {
    renderAs(landlord, <SalesPage />);
    const totals = await screen.findByRole('table', { name: 'Sales by track' }, WAIT);
    expect(
      within(totals)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(['Limited14 DGCO']);
    const recent = screen.getByRole('table', { name: 'Latest sales' });
    expect(within(recent).getByText(`@${await handleOf(buyer)}`)).toBeTruthy();
  }, 20_000);

  it('lists what the resident bought in the library, unlocked', async () => {
    window.history.replaceState(null, '', '/library?tab=purchases');
    renderAs(buyer, <LibraryPage />);
    const list = await screen.findByRole('list', { name: 'Tracks you bought' }, WAIT);
    expect(within(list).getByText('Limited')).toBeTruthy();
    expect(within(list).getByText('4 DGCO')).toBeTruthy();
    expect(within(list).queryByRole('button', { name: /^Buy/ })).toBeNull();
  }, 20_000);
});

describe('the access editor', () => {
  it('puts a track up for sale split by @handle, and says what is wrong first', async () => {
    const landlord = await signedIn('Editor');
    const partner = await signedIn('Partner');
    const { trackId } = await landlord.sdk.tracks.create({
      userId: landlord.userId,
      metadata: {
        title: 'Open',
        genre: 'Electronic',
        trackCid: FULL_CID,
        duration: 120,
        uploadReceipt: await network.uploadReceipt(walletOf(landlord), FULL_CID, 120),
      },
    });
    const track = await landlord.sdk.tracks.get(trackId);
    let saved: Track | null = null;
    renderAs(
      landlord,
      <TrackAccessEditor
        track={track}
        ownerHandle={await handleOf(landlord)}
        onSaved={(t) => (saved = t)}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Edit access' }));
    fireEvent.click(await screen.findByRole('radio', { name: /For sale/ }, WAIT));
    fireEvent.change(screen.getByLabelText('Price (DGCO)'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a collaborator' }));
    fireEvent.change(screen.getByLabelText('Collaborator'), { target: { value: '@nobody' } });
    fireEvent.change(screen.getByLabelText('Share (%)'), { target: { value: '120' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save access' }));
    expect(screen.getByText('Enter an amount above 0.')).toBeTruthy();
    expect(
      screen.getByText('Enter a share above 0 and below 100, with at most two decimals.'),
    ).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Price (DGCO)'), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Share (%)'), { target: { value: '20' } });
    expect(screen.getByText(/You get 80% \(2\.4 DGCO a sale/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save access' }));
    expect((await screen.findByRole('alert', {}, WAIT)).textContent).toBe(
      'No one has the handle @nobody. Check the collaborators.',
    );

    fireEvent.change(screen.getByLabelText('Collaborator'), {
      target: { value: `@${await handleOf(partner)}` },
    });
    fireEvent.click(screen.getByRole('checkbox', { name: /Downloadable/ }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save access' }));
    });
    await waitFor(() => expect(saved).not.toBeNull(), WAIT);
    const after = await landlord.sdk.tracks.get(trackId);
    const { decodeHashId } = await import('@coliving/protocol');
    expect(after.stream_conditions).toEqual({
      dgco_purchase: {
        price: dgco('3').toString(),
        splits: [
          { user_id: decodeHashId(partner.userId), percentage: 20 },
          { user_id: decodeHashId(landlord.userId), percentage: 80 },
        ],
      },
    });
    expect(after.is_downloadable).toBe(true);
  }, 30_000);
});

/** An album by `landlord` of `tracks`, for sale when `gate` says so. */
async function album(
  landlord: Someone,
  name: string,
  tracks: Track[],
  gate?: AccessConditionsInput,
) {
  const { playlist } = await landlord.sdk.playlists.create({
    userId: landlord.userId,
    name,
    isAlbum: true,
    trackIds: tracks.map((t) => t.id),
    ...(gate ? { streamConditions: gate } : {}),
  });
  const [, handle, , slug] = playlist.permalink.split('/');
  return { playlist, handle: handle!, slug: slug! };
}

describe('the album price editor', () => {
  it('puts an album on sale split by @handle, refuses bad input in words, and takes it off sale', async () => {
    const landlord = await signedIn('Albumist');
    const partner = await signedIn('Bandmate');
    const track = await gatedTrack(landlord, 'Side A', { followUserId: landlord.userId });
    const { playlist, handle, slug } = await album(landlord, 'Record', [track]);
    renderAs(landlord, <PlaylistPage handle={handle} kind="album" slug={slug} />);
    const section = await screen.findByRole('region', { name: 'Access' }, WAIT);
    expect(within(section).getByText(/^Not for sale: its tracks/)).toBeTruthy();

    fireEvent.click(within(section).getByRole('button', { name: 'Edit access' }));
    // An album is for sale or not: no follow or tip gate, no listing or download options.
    const modes = await within(section).findAllByRole('radio', {}, WAIT);
    expect(modes.map((m) => m.parentElement?.querySelector('strong')?.textContent)).toEqual([
      'Not for sale',
      'For sale',
    ]);
    expect(within(section).queryByRole('checkbox')).toBeNull();
    fireEvent.click(within(section).getByRole('radio', { name: /For sale/ }));

    // Bad input is told in words, and nothing is sent.
    const blockBefore = (await landlord.sdk.playlists.get(playlist.id)).blocknumber;
    const price = within(section).getByLabelText('Price (DGCO)');
    fireEvent.change(price, { target: { value: '0' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Add a collaborator' }));
    fireEvent.click(within(section).getByRole('button', { name: 'Add a collaborator' }));
    const handles = within(section).getAllByLabelText('Collaborator');
    const shares = within(section).getAllByLabelText('Share (%)');
    fireEvent.change(handles[0]!, { target: { value: `@${await handleOf(partner)}` } });
    fireEvent.change(shares[0]!, { target: { value: '60' } });
    fireEvent.change(handles[1]!, { target: { value: '@nobody' } });
    fireEvent.change(shares[1]!, { target: { value: '50' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Save access' }));
    expect(within(section).getByText('Enter an amount above 0.')).toBeTruthy();
    fireEvent.change(price, { target: { value: '1.0000000000000000001' } });
    expect(within(section).getByText('DGCO has at most 18 decimals.')).toBeTruthy();
    fireEvent.change(price, { target: { value: '5' } });
    expect(
      within(section).getByText(
        'Your collaborators’ shares add up to 110%: they must leave room within 100%.',
      ),
    ).toBeTruthy();
    expect(
      within(section).getByText('Nothing was saved: correct what is marked above.'),
    ).toBeTruthy();
    expect((await landlord.sdk.playlists.get(playlist.id)).blocknumber).toBe(blockBefore);

    // Valid: saved as the album's stream conditions, the landlord with the rest.
    fireEvent.click(within(section).getByRole('button', { name: 'Remove collaborator 2' }));
    fireEvent.change(within(section).getByLabelText('Share (%)'), { target: { value: '25' } });
    expect(within(section).getByText(/You get 75% \(3\.75 DGCO a sale/)).toBeTruthy();
    fireEvent.click(within(section).getByRole('button', { name: 'Save access' }));
    await waitFor(
      () => expect(within(section).getByText(/^For sale at 5 DGCO/)).toBeTruthy(),
      WAIT,
    );
    const { decodeHashId } = await import('@coliving/protocol');
    expect((await landlord.sdk.playlists.get(playlist.id)).stream_conditions).toEqual({
      dgco_purchase: {
        price: dgco('5').toString(),
        splits: [
          { user_id: decodeHashId(partner.userId), percentage: 25 },
          { user_id: decodeHashId(landlord.userId), percentage: 75 },
        ],
      },
    });

    // Off sale again: the editor reads the splits back by @handle, then clears the price.
    const partnerHandle = await handleOf(partner);
    fireEvent.click(within(section).getByRole('button', { name: 'Edit access' }));
    await waitFor(
      () =>
        expect(within(section).getByLabelText<HTMLInputElement>('Collaborator').value).toBe(
          partnerHandle,
        ),
      WAIT,
    );
    expect(within(section).getByLabelText<HTMLInputElement>('Price (DGCO)').value).toBe('5');
    fireEvent.click(within(section).getByRole('radio', { name: /Not for sale/ }));
    fireEvent.click(within(section).getByRole('button', { name: 'Save access' }));
    await waitFor(
      () => expect(within(section).getByText(/^Not for sale: its tracks/)).toBeTruthy(),
      WAIT,
    );
    expect((await landlord.sdk.playlists.get(playlist.id)).stream_conditions).toBeNull();
  }, 30_000);

  it('is not offered on someone else’s album', async () => {
    const landlord = await signedIn('Owner');
    const visitor = await signedIn('Visitor');
    const { handle, slug } = await album(landlord, 'Theirs', []);
    renderAs(visitor, <PlaylistPage handle={handle} kind="album" slug={slug} />);
    await screen.findByRole('heading', { name: 'Theirs' }, WAIT);
    expect(screen.queryByRole('button', { name: 'Edit access' })).toBeNull();
  }, 20_000);
});

describe('locks follow what the listener does, without a reload', () => {
  it('drops the locks of an album’s tracks in every list once the album is bought', async () => {
    const landlord = await signedIn('Seller of albums');
    const resident = await signedIn('Album buyer');
    const sideA = await gatedTrack(landlord, 'Side A', { purchase: { price: '2' } });
    const sideB = await gatedTrack(landlord, 'Side B', { purchase: { price: '2' } });
    const { handle, slug } = await album(landlord, 'Double', [sideA, sideB], {
      purchase: { price: '3' },
    });
    network.payments.fund(walletOf(resident), dgco('10'));
    // The profile's list and the album's page, mounted once, side by side.
    renderAs(
      resident,
      <>
        <ProfilePage handle={handle} />
        <PlaylistPage handle={handle} kind="album" slug={slug} />
      </>,
    );
    const profileList = await screen.findByRole('list', { name: /Tracks by/ }, WAIT);
    const albumList = await screen.findByRole('list', { name: 'Tracks in Double' }, WAIT);
    const rows = [
      ...within(profileList).getAllByRole('listitem'),
      ...within(albumList).getAllByRole('listitem'),
    ];
    expect(rows).toHaveLength(4);
    for (const row of rows)
      expect(within(row).getByRole('button', { name: /^Buy Side/ })).toBeTruthy();

    fireEvent.click(await screen.findByRole('button', { name: 'Buy Double for 3 DGCO' }, WAIT));
    const dialog = await screen.findByRole('dialog', { name: 'Buy Double' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay 3 DGCO' }));
    expect((await within(dialog).findByText(/You bought Double/, {}, WAIT)).textContent).toBe(
      'You bought Double. Its tracks play in full now.',
    );
    expect(network.payments.balanceOf(walletOf(resident))).toBe(dgco('7'));

    // The same rows, never remounted, lose their locks.
    for (const row of rows) {
      expect(row.isConnected).toBe(true);
      expect(within(row).queryByRole('button', { name: /^Buy/ })).toBeNull();
      expect(within(row).queryByText(/🔒/)).toBeNull();
    }
  }, 30_000);

  it('unlocks a follow-gated track on follow and locks it again on unfollow', async () => {
    const landlord = await signedIn('Followable');
    const listener = await signedIn('Fickle');
    const track = await gatedTrack(landlord, 'Members only', { followUserId: landlord.userId });
    const [, handle] = slugOf(track);
    renderAs(listener, <ProfilePage handle={handle!} />);
    const list = await screen.findByRole('list', { name: /Tracks by/ }, WAIT);
    const row = within(list).getAllByRole('listitem')[0]!;
    expect(within(row).getByText('Follow to unlock')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Follow Followable' }));
    await waitFor(() => expect(within(row).queryByText('Follow to unlock')).toBeNull(), WAIT);

    fireEvent.click(await screen.findByRole('button', { name: 'Unfollow Followable' }, WAIT));
    expect(await within(row).findByText('Follow to unlock', {}, WAIT)).toBeTruthy();
    expect(row.isConnected).toBe(true);
  }, 30_000);
});
