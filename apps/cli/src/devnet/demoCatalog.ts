// The devnet's demo catalog: landlords with profiles, albums and generated music, residents who
// follow, repost, save and make playlists. Seeded through @coliving/sdk exactly as users would
// (sign up with an email and a password, create a profile, upload, follow...), never by writing
// to a node's database, so a fresh devnet has something to play, search and trend.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseError } from '@coliving/protocol';
import { type ColivingSdk, createColivingSdk, isColivingSdkError } from '@coliving/sdk';
import type { Address } from 'viem';
import {
  DEMO_LANDLORDS,
  DEMO_PLAYLISTS,
  DEMO_RESIDENTS,
  type DemoLandlordProfile,
  type DemoResidentProfile,
  demoTrackTitle,
} from './demoCatalogContent.js';
import { type DemoImageKind, renderDemoImage } from './demoImages.js';
import { type TrackRecipe, keyName, seededRandom, synthesizeTrack } from './synthesizeTrack.js';

/** Every demo account's password (the devnet manifest lists them; devnet only). */
export const DEMO_PASSWORD = 'coliving-demo';
/** Demo emails are `<handle>@` this (a reserved domain: nothing is ever sent). */
const DEMO_EMAIL_DOMAIN = 'coliving.example';

/** Tracks synthesized at once: ffmpeg is single-threaded here, and a devnet may have two cores. */
const SYNTH_CONCURRENCY = 2;
/** Profile images drawn at once (each takes a few tens of ms); artwork is drawn with the music. */
const IMAGE_CONCURRENCY = 2;
/** Track uploads at once: each is transcoded by a content node, which is CPU-bound. */
const UPLOAD_CONCURRENCY = 2;
/** Profiles created at once (two image uploads and a write each). */
const ACCOUNT_CONCURRENCY = 4;
/** Social writes in flight at once: each mostly waits for its block to be indexed. */
const WRITE_CONCURRENCY = 8;
/**
 * Waits before each retry of a step that failed for a moment. A devnet's single discovery node
 * answers 503 while its indexer retries a chain read (a busy machine), and the SDK then has no
 * other node to turn to; together these outlast any such hiccup seen on a loaded machine.
 */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];
/** SDK errors that say "not now" rather than "no". */
const TRANSIENT_ERRORS = [
  'no_healthy_node',
  'network',
  'timeout',
  'server',
  'rate_limited',
] as const;
/** How long the content nodes may take to show up in the discovery node's network view. */
const CONTENT_NODES_DEADLINE_MS = 120_000;

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
};

export type SeedDemoCatalogReturnType = {
  /** Landlords, then residents. */
  accounts: DemoAccount[];
  /** Every track, landlord by landlord, in upload order. */
  trackIds: string[];
  /** Albums, then playlists. */
  playlistIds: string[];
};

/** Seeding stopped: the message names the step, `cause` is the SDK's (or ffmpeg's) error. */
export class DemoCatalogError extends BaseError {
  static override readonly defaultCode = 'demo_catalog_failed';
  override name = 'DemoCatalogError' as const;
}

type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` tasks at once, the rest in the order they were handed in. */
function limiter(n: number): Limit {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot to the next in line, so none can slip in between.
    if (running < n) running++;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

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

/** A landlord's profile; past the written ones, a generated one. */
function landlordProfile(i: number): DemoLandlordProfile {
  const written = DEMO_LANDLORDS[i];
  if (written) return written;
  const base = DEMO_LANDLORDS[i % DEMO_LANDLORDS.length]!;
  const n = i + 1;
  return {
    ...base,
    handle: `demo_landlord_${n}`,
    name: `Demo Landlord ${n}`,
    titles: [],
    album: { name: `Collected Works ${n}`, description: base.album.description },
  };
}

function residentProfile(i: number): DemoResidentProfile {
  const written = DEMO_RESIDENTS[i];
  if (written) return written;
  const base = DEMO_RESIDENTS[i % DEMO_RESIDENTS.length]!;
  const n = i + 1;
  return { ...base, handle: `demo_resident_${n}`, name: `Demo Resident ${n}` };
}

function checkScale(scale: DemoCatalogScale): void {
  for (const [key, value] of Object.entries(scale)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`scale.${key} must be a whole number of at least 1`);
    }
  }
}

/** The description of a track: the landlord's words, then what the music is. */
function describe(landlord: DemoLandlordProfile, recipe: TrackRecipe): string {
  const chords = {
    pad: 'held chords',
    stabs: 'chord stabs',
    offbeat: 'off-beat chords',
    pulse: 'pulsing chords',
  }[recipe.chordStyle];
  const drums = {
    fourOnFloor: 'a four-on-the-floor kick',
    backbeat: 'a backbeat',
    halftime: 'a half-time beat',
    breakbeat: 'a breakbeat',
    boomBap: 'a boom-bap beat',
    sparse: 'a sparse beat',
  }[recipe.drums];
  return (
    `${landlord.blurb} ${keyName(recipe)} at ${recipe.bpm} BPM: ${recipe.chordTimbre} ${chords} ` +
    `over ${drums}, ${recipe.leadTimbre} melody on top.`
  );
}

/**
 * Who does what, decided up front from a fixed seed so every devnet gets the same catalog, and
 * skewed so trending and search have a clear order: popular landlords gather most followers,
 * and a few tracks most reposts and saves (weights fall as 1/rank). Members are numbered
 * landlords first, then residents; tracks landlord by landlord.
 */
export function planDemoSocial(landlords: number, residents: number, tracks: number) {
  const random = seededRandom('coliving-demo-social');
  const follows: [from: number, to: number][] = []; // member indexes: landlords first
  const landlordIndex = (i: number) => i;
  const residentIndex = (r: number) => landlords + r;
  for (let i = 0; i < landlords; i++) {
    for (const step of [1, 2]) {
      const j = (i + step) % landlords;
      if (j !== i && !follows.some(([a, b]) => a === i && b === j)) follows.push([i, j]);
    }
  }
  for (let r = 0; r < residents; r++) {
    for (let i = 0; i < landlords; i++) {
      // Every landlord has two resident followers (with a landlord's, the three trending asks
      // of an owner); the first landlords have most.
      const forced = i % residents === r || (i + 1) % residents === r;
      if (forced || random() < 1 / (1 + i) ** 0.7) {
        follows.push([residentIndex(r), landlordIndex(i)]);
      }
    }
    if (residents > 1) follows.push([residentIndex(r), residentIndex((r + 1) % residents)]);
  }
  // The first resident is a tastemaker the first landlords follow: their reposts weigh more.
  for (let i = 0; i < Math.min(2, landlords); i++) follows.push([i, residentIndex(0)]);

  // Track popularity: a seeded order of the tracks, weight 1/(rank+1).
  const order = Array.from({ length: tracks }, (_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const weight = new Map(order.map((track, rank) => [track, 1 / (rank + 1)]));
  const reposts: [member: number, track: number][] = [];
  const saves: [member: number, track: number][] = [];
  for (let r = 0; r < residents; r++) {
    for (let t = 0; t < tracks; t++) {
      const w = weight.get(t)!;
      // The favourite is everyone's: it tops trending at any scale.
      if (w === 1 || random() < Math.min(0.9, 1.6 * w)) reposts.push([residentIndex(r), t]);
      if (w === 1 || random() < Math.min(0.95, 2.2 * w)) saves.push([residentIndex(r), t]);
    }
  }
  return { follows, reposts, saves, order, weight };
}

/** Picks `n` distinct items, each with a chance proportional to its weight. */
function weightedSample<T>(
  random: () => number,
  items: T[],
  weightOf: (item: T) => number,
  n: number,
) {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < n && pool.length > 0) {
    const total = pool.reduce((sum, item) => sum + weightOf(item), 0);
    let x = random() * total;
    let index = pool.findIndex((item) => (x -= weightOf(item)) <= 0);
    if (index === -1) index = pool.length - 1;
    picked.push(...pool.splice(index, 1));
  }
  return picked;
}

function messageOf(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

function isTransient(error: unknown): boolean {
  return TRANSIENT_ERRORS.some((type) => isColivingSdkError(error, type));
}

/**
 * Runs `attempt`, and again after a pause when it fails for a moment (RETRY_DELAYS_MS). Before
 * each retry, `recover` looks for what a failed attempt may have done anyway (a write that was
 * relayed, but not seen indexed): if it finds it, that is the result. With `recoverFirst` it
 * also looks before the first attempt (an earlier seeding may have done it).
 */
async function retrying<T>(
  what: string,
  attempt: () => Promise<T>,
  p: {
    say: (message: string) => void;
    signal: AbortSignal;
    recover?: () => Promise<T | undefined>;
    recoverFirst?: boolean;
  },
): Promise<T> {
  if (p.recoverFirst && p.recover) {
    const done = await p.recover();
    if (done !== undefined) return done;
  }
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[retry];
      if (!isTransient(error) || delay === undefined || p.signal.aborted) throw error;
      p.say(`retrying ${what} in ${delay / 1000} s (${messageOf(error)})`);
      await sleep(delay, undefined, { signal: p.signal });
      try {
        const done = await p.recover?.();
        if (done !== undefined) return done;
      } catch (failure) {
        if (!isTransient(failure)) throw failure;
      }
    }
  }
}

/**
 * Seeds the demo catalog into a running network through the SDK: signs up every account (email
 * and password, so each can log in later), creates profiles with pictures, synthesizes and
 * uploads the tracks with artwork, makes albums and playlists, and has residents follow, repost
 * and save. On a devnet seeded partly before (a start that stopped midway), it finishes the job:
 * accounts log in, users, tracks and playlists that exist are kept, and follows, reposts and
 * saves are sent again (a repeat changes nothing).
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

  const imageLimit = limiter(IMAGE_CONCURRENCY);
  const image = async (kind: DemoImageKind, seed: string) => {
    const { file } = await imageLimit(() =>
      renderDemoImage({ kind, seed, cacheDir: p.cacheDir, signal }),
    );
    return new Uint8Array(await readFile(file));
  };

  // Music first, with each track's artwork: the longest job, and it needs nothing from the
  // network. In catalog order, so the first landlord's tracks are ready to upload first.
  const synthLimit = limiter(SYNTH_CONCURRENCY);
  const synthTimes: number[] = [];
  let synthesized = 0;
  const audio = planned.map((t) =>
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
    ),
  );

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
      const [synth] = await Promise.all([audio[k]!, landlordReady]);
      const landlord = landlordProfiles[t.landlord]!;
      const m = members[t.landlord]!;
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
              metadata: trackMetadata(landlord, t.index, t.title, synth.recipe),
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

  const landlordsReady = members.slice(0, scale.landlords).map((m) => later(createMember(m)));
  const tracksDone = planned.map((t, k) => later(uploadTrack(t, k, landlordsReady[t.landlord]!)));
  const residentsReady = members.slice(scale.landlords).map((m) => later(createMember(m)));
  await Promise.all([...landlordsReady, ...residentsReady]);
  say(`created ${members.length} accounts in ${seconds(started)}`);

  // Social writes run alongside the uploads: follows now, track actions once a track exists.
  const social = planDemoSocial(scale.landlords, scale.residents, planned.length);
  const writeLimit = limiter(WRITE_CONCURRENCY);
  // Follows, reposts and saves may simply be sent again: a repeat changes nothing.
  const write = <T>(what: string, task: () => Promise<T>) =>
    step(what, () => writeLimit(() => retrying(what, task, retry)));
  const follows = later(
    Promise.all(
      social.follows.map(([from, to]) => {
        const [a, b] = [members[from]!, members[to]!];
        return write(`as @${a.profile.handle} following @${b.profile.handle}`, () =>
          a.sdk.users.follow(userIdOf(a), userIdOf(b), { signal }),
        );
      }),
    ).then(() => say(`${social.follows.length} follows`)),
  );

  const trackActions = later(
    Promise.all([
      ...social.reposts.map(([who, t]) =>
        tracksDone[t]!.then(() =>
          write(`as @${members[who]!.profile.handle} reposting "${planned[t]!.title}"`, () =>
            members[who]!.sdk.tracks.repost(userIdOf(members[who]!), trackIds[t]!, { signal }),
          ),
        ),
      ),
      ...social.saves.map(([who, t]) =>
        tracksDone[t]!.then(() =>
          write(`as @${members[who]!.profile.handle} saving "${planned[t]!.title}"`, () =>
            members[who]!.sdk.tracks.save(userIdOf(members[who]!), trackIds[t]!, { signal }),
          ),
        ),
      ),
    ]).then(() =>
      say(`${social.reposts.length} reposts and ${social.saves.length} saves of tracks`),
    ),
  );

  await Promise.all(tracksDone);
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
      ...landlordProfiles[l]!.album,
      tracks: planned.flatMap((t, k) => (t.landlord === l ? [k] : [])),
    })),
    ...Array.from({ length: playlistCount }, (_, r) => ({
      owner: members[scale.landlords + r]!,
      isAlbum: false,
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
  await Promise.all([follows, trackActions, ...listActions]);
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

function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function trackMetadata(
  landlord: DemoLandlordProfile,
  index: number,
  title: string,
  recipe: TrackRecipe,
) {
  const tags = [...landlord.tags, recipe.mode.replace(' ', ''), recipe.drums.toLowerCase()];
  return {
    title,
    genre: landlord.genres[index % landlord.genres.length]!,
    mood: landlord.moods[index % landlord.moods.length]!,
    description: describe(landlord, recipe),
    tags: tags.join(','),
    bpm: recipe.bpm,
    musicalKey: keyName(recipe),
    // The preview starts where the full band has come in.
    previewStartSeconds: Math.min(8, recipe.seconds - 30),
  };
}

/** Polls until the discovery node lists every one of `endpoints` as a content node. */
async function waitForContentNodes(
  sdk: ColivingSdk,
  endpoints: string[],
  signal: AbortSignal,
): Promise<void> {
  const wanted = endpoints.map((e) => e.replace(/\/+$/, ''));
  const deadline = Date.now() + CONTENT_NODES_DEADLINE_MS;
  for (;;) {
    let listed: string[] = [];
    try {
      listed = await sdk.discovery.contentNodes(signal);
    } catch (error) {
      if (!isColivingSdkError(error, 'no_healthy_node')) throw error;
    }
    const missing = wanted.filter((e) => !listed.includes(e));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the discovery node does not list ${missing.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    signal.throwIfAborted();
  }
}
