// The devnet's demo catalog: landlords with profiles, albums and generated music (some of it
// gated: followers only, tippers only, for sale), residents who follow, repost, save and make
// playlists, with DGCO from the treasury to tip and buy with. Seeded through @coliving/sdk exactly as users would
// (sign up with an email and a password, create a profile, upload, follow...), never by writing
// to a node's database, so a fresh devnet has something to play, search and trend.
import { readFile } from 'node:fs/promises';
import { type ColivingSdk, createColivingSdk, isColivingSdkError } from '@coliving/sdk';
import type { Address } from 'viem';
import { keyName } from './composeTrack.js';
import {
  ACCOUNT_CONCURRENCY,
  DEMO_HISTORY_DAYS,
  DEMO_RESIDENT_DGCO,
  IMAGE_CONCURRENCY,
  LISTEN_CONCURRENCY,
  SYNTH_CONCURRENCY,
  UPLOAD_CONCURRENCY,
  WRITE_CONCURRENCY,
} from './constants.js';
import {
  DEMO_PLAYLISTS,
  DEMO_PRICES,
  type DemoResidentProfile,
  demoTrackTitle,
  landlordProfile,
  residentProfile,
} from './demoCatalogContent.js';
import { type DemoImageKind, renderDemoImage } from './demoImages.js';
import { DemoCatalogError } from './errors.js';
import { limiter } from './limiter.js';
import { type DevnetTreasury, dgcoBalance, payFromTreasury } from './payFromTreasury.js';
import {
  planDemoAccess,
  planDemoHistory,
  planDemoSocial,
  weightedSample,
} from './planDemoSocial.js';
import { messageOf, retrying } from './retrying.js';
import { seededRandom } from './seededRandom.js';
import { synthesizeTrack } from './synthesizeTrack.js';
import { demoStreamConditions, dgcoWei, slug, trackMetadata } from './trackMetadata.js';
import { waitForContentNodes } from './waitForContentNodes.js';

/** Every demo account's password (the devnet manifest lists them; devnet only). */
export const DEMO_PASSWORD = 'coliving-demo';
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

/** A member of the catalog with their own SDK (and so their own signing wallet). */
type Member = {
  profile: DemoResidentProfile;
  role: DemoAccount['role'];
  sdk: ColivingSdk;
  email: string;
  wallet?: Address;
  userId?: string;
  /** Their user was there already (an earlier seeding that stopped midway). */
  existed?: boolean;
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
  const say = (message: string) => p.onProgress?.(message);
  // The first failure stops every task still running, and is the one reported.
  const abort = new AbortController();
  const signal = p.signal ? AbortSignal.any([p.signal, abort.signal]) : abort.signal;
  signal.throwIfAborted();
  const step = async <T>(what: string, task: () => Promise<T>): Promise<T> => {
    try {
      signal.throwIfAborted();
      return await task();
    } catch (error) {
      // Stopped by an earlier failure: that one is the error to report, wherever it is awaited.
      if (abort.signal.aborted) throw abort.signal.reason;
      if (p.signal?.aborted) throw error;
      const failure =
        error instanceof DemoCatalogError
          ? error
          : new DemoCatalogError(`Seeding the demo catalog failed ${what}: ${messageOf(error)}`, {
              cause: error,
            });
      abort.abort(failure);
      throw failure;
    }
  };
  /** Awaited later: until then a rejection is handled here (it has aborted the rest already). */
  const later = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };
  const retry = { say, signal };
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
  const members: Member[] = [
    ...landlordProfiles.map((profile) => ({ profile, role: 'landlord' as const })),
    ...residentProfiles.map((profile) => ({ profile, role: 'resident' as const })),
  ].map(({ profile, role }) => ({
    profile,
    role,
    sdk: newSdk(),
    email: `${profile.handle}@${DEMO_EMAIL_DOMAIN}`,
  }));
  const userIdOf = (m: Member) => m.userId!;

  type PlannedTrack = { landlord: number; index: number; title: string; seed: string };
  const planned: PlannedTrack[] = landlordProfiles.flatMap((landlord, l) =>
    Array.from({ length: scale.tracksPerLandlord }, (_, index) => ({
      landlord: l,
      index,
      title: demoTrackTitle(landlord, index),
      seed: `${landlord.handle}/${index}`,
    })),
  );

  // Eras (with `history`): each era's work starts once the data chain's clock is moved to it, and
  // the clock moves on once that work is done. A failure anywhere rejects every gate not open.
  const eraDays: readonly number[] = p.history ? DEMO_HISTORY_DAYS : [0];
  const social = planDemoSocial(scale.landlords, scale.residents, planned.length);
  const access = planDemoAccess(scale.landlords, scale.tracksPerLandlord);
  const eras = planDemoHistory(social, eraDays.length);
  const eraWork: Promise<unknown>[][] = eraDays.map(() => []);
  const openEra: (() => void)[] = [];
  const failEra: ((reason: unknown) => void)[] = [];
  const eraOpen = eraDays.map((_, e) =>
    later(
      new Promise<void>((resolve, reject) => {
        openEra[e] = resolve;
        failEra[e] = reject;
      }),
    ),
  );
  signal.addEventListener('abort', () => failEra.forEach((fail) => fail(signal.reason)), {
    once: true,
  });
  const inEra = <T>(e: number, work: Promise<T>): Promise<T> => {
    eraWork[e]!.push(work);
    return work;
  };
  const lastEra = eraDays.length - 1;
  const moveClockTo = async (e: number) => {
    if (!p.history) return;
    const days = eraDays[e]!;
    const at = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    await step(`moving the data chain's clock to ${at.toISOString()}`, () =>
      p.history!.advanceTo(at),
    );
    say(
      days > 0
        ? `the data chain's clock is at ${days} days ago`
        : "the data chain's clock is at today",
    );
  };

  const imageLimit = limiter(IMAGE_CONCURRENCY);
  const image = async (kind: DemoImageKind, seed: string) => {
    const { file } = await imageLimit(() =>
      renderDemoImage({ kind, seed, cacheDir: p.cacheDir, signal }),
    );
    return new Uint8Array(await readFile(file));
  };

  // Music first, with each track's artwork: the longest job, and it needs nothing from the
  // network. Era by era, and in catalog order within an era.
  const synthLimit = limiter(SYNTH_CONCURRENCY);
  const synthTimes: number[] = [];
  let synthesized = 0;
  const synthesize = (t: PlannedTrack) =>
    later(
      step(`synthesizing "${t.title}"`, () =>
        synthLimit(async () => {
          const result = await synthesizeTrack({ seed: t.seed, cacheDir: p.cacheDir, signal });
          const { file: artwork } = await renderDemoImage({
            kind: 'artwork',
            seed: `track:${t.seed}`,
            cacheDir: p.cacheDir,
            signal,
          });
          synthesized++;
          if (!result.cached) synthTimes.push(result.renderMs);
          say(
            `synthesized "${t.title}" (${synthesized}/${planned.length}, ${result.recipe.seconds} s of ` +
              `${keyName(result.recipe)}${result.cached ? ', cached' : `, ${Math.round(result.renderMs)} ms`})`,
          );
          return { ...result, artwork };
        }),
      ),
    );
  // The oldest era's music first: an era's uploads wait for its audio, and the next era waits
  // for those uploads.
  const audio = new Array<ReturnType<typeof synthesize>>(planned.length);
  const synthOrder = planned
    .map((_, k) => k)
    .sort((a, b) => eras.trackEra[a]! - eras.trackEra[b]! || a - b);
  for (const k of synthOrder) audio[k] = synthesize(planned[k]!);

  // Accounts: sign up, then a profile with a picture and a cover photo. Sign-ups run one at a
  // time: scrypt keeps this thread busy, so running several only makes each finish later (and
  // landlords, who upload, are first in line).
  const signUpLimit = limiter(1);
  const accountLimit = limiter(ACCOUNT_CONCURRENCY);
  let created = 0;
  const createMember = (m: Member) =>
    step(`creating @${m.profile.handle}`, async () => {
      const pictures = later(
        Promise.all([image('avatar', m.profile.handle), image('cover', m.profile.handle)]),
      );
      const credentials = { email: m.email, password: DEMO_PASSWORD, signal };
      // A stored login record opens with the same email and password: after a failed attempt,
      // or from an earlier seeding (signing up again is then a conflict).
      const logIn = () =>
        m.sdk.auth.logIn(credentials).then(
          ({ wallet }) => ({ wallet, loggedIn: true }),
          (error: unknown) => {
            if (isColivingSdkError(error, 'wrong_credentials')) return undefined;
            throw error;
          },
        );
      const { wallet, loggedIn } = await signUpLimit(() =>
        retrying(
          `signing up @${m.profile.handle}`,
          () =>
            m.sdk.auth.signUp(credentials).then(
              ({ wallet }) => ({ wallet, loggedIn: false }),
              async (error: unknown) => {
                if (!isColivingSdkError(error, 'conflict')) throw error;
                const found = await logIn();
                if (!found) throw error;
                return found;
              },
            ),
          { ...retry, recover: logIn },
        ),
      );
      m.wallet = wallet;
      const [profilePicture, coverPhoto] = await pictures;
      const { userId, existed } = await accountLimit(() =>
        retrying(
          `creating @${m.profile.handle}`,
          () =>
            m.sdk.users
              .create({
                handle: m.profile.handle,
                name: m.profile.name,
                bio: m.profile.bio,
                location: m.profile.location,
                profilePicture,
                coverPhoto,
                signal,
              })
              .then(({ userId }) => ({ userId, existed: false })),
          {
            ...retry,
            recoverFirst: loggedIn,
            recover: () =>
              m.sdk.users.byWallet(wallet, { signal }).then(
                (user) => ({ userId: user.id, existed: loggedIn }),
                (error: unknown) => {
                  if (isColivingSdkError(error, 'not_found')) return undefined;
                  throw error;
                },
              ),
          },
        ),
      );
      m.existed = existed;
      m.userId = userId;
      const how = existed ? 'found (seeded before)' : 'created';
      say(`${how} ${m.role} @${m.profile.handle} (${++created}/${members.length})`);
    });

  // Tracks: each landlord's, uploaded as soon as the landlord exists and its audio is ready.
  const uploadLimit = limiter(UPLOAD_CONCURRENCY);
  const trackIds: string[] = new Array<string>(planned.length);
  let uploaded = 0;
  const uploadTrack = (t: PlannedTrack, k: number, landlordReady: Promise<void>) =>
    step(`uploading "${t.title}"`, async () => {
      const gate = access.trackGates[k];
      const collaborator = gate?.kind === 'purchase' ? gate.collaborator : undefined;
      const [synth] = await Promise.all([
        audio[k]!,
        landlordReady,
        eraOpen[eras.trackEra[k]!],
        collaborator === undefined ? undefined : landlordsReady[collaborator],
      ]);
      const landlord = landlordProfiles[t.landlord]!;
      const m = members[t.landlord]!;
      const streamConditions =
        gate &&
        demoStreamConditions(
          gate,
          userIdOf(m),
          collaborator === undefined ? undefined : userIdOf(members[collaborator]!),
        );
      const { trackId } = await uploadLimit(async () => {
        const file = new Uint8Array(await readFile(synth.file));
        const artwork = new Uint8Array(await readFile(synth.artwork));
        return retrying(
          `uploading "${t.title}"`,
          () =>
            m.sdk.tracks.upload({
              userId: userIdOf(m),
              file,
              fileName: `${slug(t.title)}.flac`,
              artwork,
              metadata: trackMetadata(landlord, t.index, t.title, synth.recipe, streamConditions),
              signal,
            }),
          {
            ...retry,
            recoverFirst: m.existed === true,
            recover: async () => {
              const theirs = await m.sdk.users.tracks(userIdOf(m), { query: t.title, signal });
              const track = theirs.find((x) => x.title === t.title);
              return track && { trackId: track.id, track };
            },
          },
        );
      });
      trackIds[k] = trackId;
      say(`uploaded "${t.title}" by @${landlord.handle} (${++uploaded}/${planned.length})`);
    });

  await moveClockTo(0);
  openEra[0]!();
  const landlordsReady = members.slice(0, scale.landlords).map((m) => later(createMember(m)));
  const tracksDone = planned.map((t, k) =>
    inEra(eras.trackEra[k]!, later(uploadTrack(t, k, landlordsReady[t.landlord]!))),
  );
  const residentsReady = members.slice(scale.landlords).map((m) => later(createMember(m)));
  await Promise.all([...landlordsReady, ...residentsReady]);
  say(`created ${members.length} accounts in ${seconds(started)}`);

  // Money to tip and buy with: each resident without any gets DEMO_RESIDENT_DGCO (a seeding
  // that runs again gives none twice).
  const treasury = p.treasury;
  const funding = treasury
    ? later(
        Promise.all(
          members.slice(scale.landlords).map((m) =>
            step(`giving @${m.profile.handle} DGCO from the treasury`, async () => {
              const wallet = m.wallet!;
              if ((await dgcoBalance({ ...treasury, wallet })) > 0n) return;
              await payFromTreasury({ ...treasury, to: wallet, amount: DEMO_RESIDENT_DGCO });
            }),
          ),
        ).then(() => say(`residents hold ${DEMO_RESIDENT_DGCO / 10n ** 18n} DGCO each`)),
      )
    : Promise.resolve();

  // Social writes run alongside the uploads: follows now, track actions once a track exists.
  const writeLimit = limiter(WRITE_CONCURRENCY);
  // Follows, reposts and saves may simply be sent again: a repeat changes nothing.
  const write = <T>(what: string, task: () => Promise<T>) =>
    step(what, () => writeLimit(() => retrying(what, task, retry)));
  const follows = inEra(
    0,
    later(
      eraOpen[0]!.then(() =>
        Promise.all(
          social.follows.map(([from, to]) => {
            const [a, b] = [members[from]!, members[to]!];
            return write(`as @${a.profile.handle} following @${b.profile.handle}`, () =>
              a.sdk.users.follow(userIdOf(a), userIdOf(b), { signal }),
            );
          }),
        ).then(() => say(`${social.follows.length} follows`)),
      ),
    ),
  );

  const trackActions = later(
    Promise.all([
      ...social.reposts.map(([who, t], i) =>
        inEra(
          eras.repostEra[i]!,
          later(
            Promise.all([tracksDone[t]!, eraOpen[eras.repostEra[i]!]]).then(() =>
              write(`as @${members[who]!.profile.handle} reposting "${planned[t]!.title}"`, () =>
                members[who]!.sdk.tracks.repost(userIdOf(members[who]!), trackIds[t]!, { signal }),
              ),
            ),
          ),
        ),
      ),
      ...social.saves.map(([who, t], i) =>
        inEra(
          eras.saveEra[i]!,
          later(
            Promise.all([tracksDone[t]!, eraOpen[eras.saveEra[i]!]]).then(() =>
              write(`as @${members[who]!.profile.handle} saving "${planned[t]!.title}"`, () =>
                members[who]!.sdk.tracks.save(userIdOf(members[who]!), trackIds[t]!, { signal }),
              ),
            ),
          ),
        ),
      ),
    ]).then(() =>
      say(`${social.reposts.length} reposts and ${social.saves.length} saves of tracks`),
    ),
  );

  // Residents listen as a player does: the discovery node's stream URL with their listener
  // proof, the whole file from byte 0, so each listen goes the real way (the content node's
  // journal, the data chain's PlayLog, every discovery node's play count). A track's listens
  // start once it is uploaded. A resident seeded before has listened before: not again.
  const listenLimit = limiter(LISTEN_CONCURRENCY);
  const listen = (m: Member, k: number) =>
    step(`as @${m.profile.handle} listening to "${planned[k]!.title}"`, () =>
      listenLimit(() =>
        retrying(
          `listening to "${planned[k]!.title}"`,
          async () => {
            const url = await m.sdk.tracks.streamUrl(trackIds[k]!, {
              userId: userIdOf(m),
              signal,
            });
            const res = await fetch(url, { signal });
            if (!res.ok) throw new Error(`${url} answered ${res.status}`);
            await res.arrayBuffer();
          },
          retry,
        ),
      ),
    );
  // Gated tracks are heard by those they unlock for: a follow gate by the landlord's followers;
  // the tip and purchase gates by no one yet (a resident has not paid).
  const mayListen = (who: number, k: number) => {
    const gate = access.trackGates[k];
    if (!gate) return true;
    const owner = planned[k]!.landlord;
    return gate.kind === 'follow' && social.follows.some(([a, b]) => a === who && b === owner);
  };
  const listening = social.listens.filter(
    ([who, k]) => members[who]!.existed !== true && mayListen(who, k),
  );
  const listenCount = listening.reduce((sum, [, , count]) => sum + count, 0);
  const listens = later(
    Promise.all(
      listening.map(([who, t, count]) =>
        Promise.all([tracksDone[t]!, eraOpen[lastEra]]).then(async () => {
          for (let i = 0; i < count; i++) await listen(members[who]!, t);
        }),
      ),
    ).then(() => say(`${listenCount} listens by residents`)),
  );

  // The clock, era by era: once an era's work is done, the clock moves on and the next opens.
  const history = later(
    (async () => {
      for (let e = 1; e <= lastEra; e++) {
        await Promise.all(eraWork[e - 1]!);
        await moveClockTo(e);
        openEra[e]!();
      }
    })(),
  );

  await Promise.all([history, ...tracksDone]);
  say(`uploaded ${planned.length} tracks in ${seconds(started)}`);

  // Albums (half the landlords, all their tracks) and playlists (a few residents, popular picks).
  const random = seededRandom('coliving-demo-playlists');
  const albumCount = Math.ceil(scale.landlords / 2);
  const playlistCount = Math.min(
    DEMO_PLAYLISTS.length,
    Math.max(1, Math.ceil(scale.residents / 3)),
  );
  const lists = [
    ...Array.from({ length: albumCount }, (_, l) => ({
      owner: members[l]!,
      isAlbum: true,
      forSale: l === access.albumForSale,
      ...landlordProfiles[l]!.album,
      tracks: planned.flatMap((t, k) => (t.landlord === l ? [k] : [])),
    })),
    ...Array.from({ length: playlistCount }, (_, r) => ({
      owner: members[scale.landlords + r]!,
      isAlbum: false,
      forSale: false,
      ...DEMO_PLAYLISTS[r]!,
      tracks: weightedSample(
        random,
        planned.map((_, k) => k),
        (k) => Math.sqrt(social.weight.get(k)!),
        Math.min(planned.length, 4 + Math.floor(random() * 3)),
      ),
    })),
  ];
  const playlistIds = await Promise.all(
    lists.map((list) =>
      step(`as @${list.owner.profile.handle} creating "${list.name}"`, async () => {
        const artwork = await image('artwork', `playlist:${list.name}`);
        const owner = list.owner;
        const { playlistId } = await writeLimit(() =>
          retrying(
            `creating "${list.name}"`,
            () =>
              owner.sdk.playlists.create({
                userId: userIdOf(owner),
                name: list.name,
                description: list.description,
                isAlbum: list.isAlbum,
                trackIds: list.tracks.map((k) => trackIds[k]!),
                artwork,
                signal,
              }),
            {
              ...retry,
              recoverFirst: owner.existed === true,
              recover: async () => {
                const theirs = await (list.isAlbum
                  ? owner.sdk.users.albums(userIdOf(owner), { signal })
                  : owner.sdk.users.playlists(userIdOf(owner), { signal }));
                const playlist = theirs.find((x) => x.playlist_name === list.name);
                return playlist && { playlistId: playlist.id, playlist };
              },
            },
          ),
        );
        // An album for sale is priced once its tracks are in it: buying it unlocks each of them.
        // Priced by an earlier seeding already: left as it is (an update that changes nothing
        // would wait for a change that never comes).
        const priced =
          list.forSale &&
          (await owner.sdk.playlists.get(playlistId, { signal })).stream_conditions != null;
        if (list.forSale && !priced) {
          await write(`as @${owner.profile.handle} pricing "${list.name}"`, () =>
            owner.sdk.playlists.update(
              userIdOf(owner),
              playlistId,
              { streamConditions: { purchase: { price: dgcoWei(DEMO_PRICES.album) } } },
              { signal },
            ),
          );
        }
        return playlistId;
      }),
    ),
  );
  say(`made ${albumCount} albums and ${playlistCount} playlists`);

  // Residents save and repost albums and playlists that are not theirs.
  const listActions: Promise<unknown>[] = [];
  for (const [i, list] of lists.entries()) {
    for (const m of members.slice(scale.landlords)) {
      if (m === list.owner) continue;
      const x = random();
      const id = playlistIds[i]!;
      if (x < 0.5) {
        listActions.push(
          write(`as @${m.profile.handle} saving "${list.name}"`, () =>
            m.sdk.playlists.save(userIdOf(m), id, { signal }),
          ),
        );
      }
      if (x < 0.2) {
        listActions.push(
          write(`as @${m.profile.handle} reposting "${list.name}"`, () =>
            m.sdk.playlists.repost(userIdOf(m), id, { signal }),
          ),
        );
      }
    }
  }
  await Promise.all([follows, trackActions, listens, funding, ...listActions]);
  if (synthTimes.length > 0) {
    const mean = synthTimes.reduce((a, b) => a + b, 0) / synthTimes.length;
    say(`synthesized ${synthTimes.length} tracks, ${Math.round(mean)} ms each on average`);
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
    trackIds,
    playlistIds,
  };
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
