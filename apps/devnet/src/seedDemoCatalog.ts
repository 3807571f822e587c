// The devnet's demo catalog: landlords with profiles, albums and generated music (some of it
// gated: followers only, tippers only, for sale), residents who follow, repost, save and make
// playlists, with DGCO from the treasury to tip and buy with. Seeded through @coliving/sdk exactly
// as users would (sign up with an email and a password, create a profile, upload, follow...),
// never by writing to a node's database, so a fresh devnet has something to play, search and
// trend. This file plans the catalog and runs its parts in order: accounts (signUpDemoMembers),
// tracks (demoTracks), money (fundDemoResidents), social activity (demoSocial) and albums and
// playlists (demoPlaylists), era by era (demoEras), in one run whose first failure stops the rest
// (demoSeeding).
import { createColivingSdk } from '@coliving/sdk';
import type { Address } from 'viem';
import { demoTrackTitle, landlordProfile, residentProfile } from './demoCatalogContent.js';
import { createDemoEras } from './demoEras.js';
import { createDemoPlaylists } from './demoPlaylists.js';
import {
  DEMO_PASSWORD,
  type DemoMember,
  type PlannedTrack,
  createDemoSeeding,
  seconds,
} from './demoSeeding.js';
import {
  followDemoMembers,
  listenToDemoTracks,
  repostAndSaveDemoTracks,
  saveAndRepostDemoLists,
} from './demoSocial.js';
import { synthesizeDemoTracks, uploadDemoTracks } from './demoTracks.js';
import { fundDemoResidents } from './fundDemoResidents.js';
import type { DevnetTreasury } from './payFromTreasury.js';
import { planDemoAccess, planDemoHistory, planDemoSocial } from './planDemoSocial.js';
import { seededRandom } from './seededRandom.js';
import { signUpDemoMembers } from './signUpDemoMembers.js';
import { waitForContentNodes } from './waitForContentNodes.js';

export { DEMO_PASSWORD } from './demoSeeding.js';
/** Demo emails are `<handle>@` this (a reserved domain: nothing is ever sent). */
const DEMO_EMAIL_DOMAIN = 'coliving.example';

/** How big a catalog to seed; the full catalog by default. */
export type DemoCatalogScale = {
  landlords: number;
  tracksPerLandlord: number;
  residents: number;
};

export const FULL_DEMO_CATALOG: DemoCatalogScale = {
  landlords: 5,
  tracksPerLandlord: 5,
  residents: 8,
};

/** An account of the demo catalog, as the devnet manifest lists it: it can log in. */
export type DemoAccount = {
  handle: string;
  email: string;
  password: string;
  wallet: Address;
  role: 'landlord' | 'resident';
};

export type SeedDemoCatalogParameters = {
  /** Discovery-node endpoints (the SDK learns the content nodes from them). */
  discoveryNodes: string[];
  /** Content nodes that must be listed by the discovery node before seeding starts. */
  contentNodes?: string[];
  /** Where generated audio and pictures are kept, and reused by the next run. */
  cacheDir: string;
  /** A smaller catalog (tests); the full one (FULL_DEMO_CATALOG) without. */
  scale?: Partial<DemoCatalogScale>;
  /** Told what is happening, a line at a time. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /**
   * Gives the catalog a past, on a devnet whose data chain started DEMO_HISTORY_DAYS[0] days ago
   * or earlier (startNetwork's `dataChainGenesis`): the seeding moves the chain's clock forward
   * era by era (DEMO_HISTORY_DAYS, planDemoHistory), publishing tracks and making reposts and
   * saves in each, and ends in the present, where the listens are. Without it everything
   * happens now.
   */
  history?: { advanceTo(at: Date): Promise<void> };
  /**
   * The devnet's treasury (its eth chain and DgcoToken; the deployer's key is the devnet's own):
   * each demo resident without DGCO gets DEMO_RESIDENT_DGCO from it, to tip and buy with.
   * Without it the residents hold none.
   */
  treasury?: DevnetTreasury;
};

export type SeedDemoCatalogReturnType = {
  /** Landlords, then residents. */
  accounts: DemoAccount[];
  /** Every track, landlord by landlord, in upload order. */
  trackIds: string[];
  /** Albums, then playlists. */
  playlistIds: string[];
};

function checkScale(scale: DemoCatalogScale): void {
  for (const [key, value] of Object.entries(scale)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`scale.${key} must be a whole number of at least 1`);
    }
  }
}

/**
 * Seeds the demo catalog into a running network through the SDK: signs up every account (email
 * and password, so each can log in later), creates profiles with pictures, synthesizes and
 * uploads the tracks with artwork, makes albums and playlists, and has residents follow, repost,
 * save and listen (whole streams, counted as plays). On a devnet seeded partly before (a start
 * that stopped midway), it finishes the job: accounts log in, users, tracks and playlists that
 * exist are kept, follows, reposts and saves are sent again (a repeat changes nothing), and
 * residents seeded before do not listen again.
 */
export async function seedDemoCatalog(
  p: SeedDemoCatalogParameters,
): Promise<SeedDemoCatalogReturnType> {
  const scale: DemoCatalogScale = { ...FULL_DEMO_CATALOG, ...p.scale };
  checkScale(scale);
  const s = createDemoSeeding(p);
  const { say, step, signal } = s;
  const started = performance.now();
  // The SDK's own poll interval (250 ms): dozens of writes wait at once, and faster polling
  // would cost the nodes more than it saves in latency.
  const newSdk = () => createColivingSdk({ discoveryNodes: p.discoveryNodes });
  const reader = newSdk();

  if (p.contentNodes?.length) {
    await step('waiting for the content nodes', () =>
      waitForContentNodes(reader, p.contentNodes!, signal),
    );
  }

  const landlordProfiles = Array.from({ length: scale.landlords }, (_, i) => landlordProfile(i));
  const residentProfiles = Array.from({ length: scale.residents }, (_, i) => residentProfile(i));
  const members: DemoMember[] = [
    ...landlordProfiles.map((profile) => ({ profile, role: 'landlord' as const })),
    ...residentProfiles.map((profile) => ({ profile, role: 'resident' as const })),
  ].map(({ profile, role }) => ({
    profile,
    role,
    sdk: newSdk(),
    email: `${profile.handle}@${DEMO_EMAIL_DOMAIN}`,
  }));
  const residents = members.slice(scale.landlords);
  const planned: PlannedTrack[] = landlordProfiles.flatMap((landlord, l) =>
    Array.from({ length: scale.tracksPerLandlord }, (_, index) => ({
      landlord: l,
      index,
      title: demoTrackTitle(landlord, index),
      seed: `${landlord.handle}/${index}`,
    })),
  );

  const eras = createDemoEras(s, p.history);
  const social = planDemoSocial(scale.landlords, scale.residents, planned.length);
  const access = planDemoAccess(scale.landlords, scale.tracksPerLandlord);
  const history = planDemoHistory(social, eras.count);

  // Music first: the longest job, and it needs nothing from the network.
  const { audio, renderTimes } = synthesizeDemoTracks(s, planned, history.trackEra);

  // Accounts, landlords first; each landlord's tracks upload as soon as it exists.
  await eras.start();
  const ready = signUpDemoMembers(s, members);
  const landlordsReady = ready.slice(0, scale.landlords);
  const tracks = uploadDemoTracks(s, {
    planned,
    audio,
    landlordProfiles,
    members,
    landlordsReady,
    access,
    eras,
    trackEra: history.trackEra,
  });
  await Promise.all(ready);
  say(`created ${members.length} accounts in ${seconds(started)}`);

  const treasury = p.treasury;
  const funding = treasury ? fundDemoResidents(s, treasury, residents) : Promise.resolve();

  // Social writes run alongside the uploads: follows now, track actions once a track exists.
  const activity = {
    members,
    planned,
    social,
    eras,
    history,
    tracksDone: tracks.done,
    trackIds: tracks.trackIds,
  };
  const follows = followDemoMembers(s, activity);
  const trackActions = repostAndSaveDemoTracks(s, activity);
  const listens = listenToDemoTracks(s, { ...activity, access });
  // The clock, era by era: once an era's work is done, the clock moves on and the next opens.
  const clock = s.later(eras.run());

  await Promise.all([clock, ...tracks.done]);
  say(`uploaded ${planned.length} tracks in ${seconds(started)}`);

  const random = seededRandom('coliving-demo-playlists');
  const { lists, albumCount, playlistCount } = await createDemoPlaylists(s, {
    scale,
    landlordProfiles,
    members,
    planned,
    trackIds: tracks.trackIds,
    social,
    access,
    random,
  });
  say(`made ${albumCount} albums and ${playlistCount} playlists`);

  const listActions = saveAndRepostDemoLists(s, lists, residents, random);
  await Promise.all([follows, trackActions, listens, funding, ...listActions]);
  if (renderTimes.length > 0) {
    const mean = renderTimes.reduce((a, b) => a + b, 0) / renderTimes.length;
    say(`synthesized ${renderTimes.length} tracks, ${Math.round(mean)} ms each on average`);
  }
  say(`demo catalog seeded in ${seconds(started)}`);

  return {
    accounts: members.map((m) => ({
      handle: m.profile.handle,
      email: m.email,
      password: DEMO_PASSWORD,
      wallet: m.wallet!,
      role: m.role,
    })),
    trackIds: tracks.trackIds,
    playlistIds: lists.map((list) => list.id),
  };
}
