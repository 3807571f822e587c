// The demo catalog's tracks: music synthesized here with its artwork (the longest job, needing
// nothing from the network), then each landlord's tracks uploaded, some gated (followers only,
// tippers only, for sale), as soon as the landlord exists, its audio is ready and its era is open.
import { readFile } from 'node:fs/promises';
import { keyName } from './composeTrack.js';
import { SYNTH_CONCURRENCY, UPLOAD_CONCURRENCY } from './constants.js';
import type { DemoLandlordProfile } from './demoCatalogContent.js';
import type { DemoEras } from './demoEras.js';
import { renderDemoImage } from './demoImages.js';
import { type DemoMember, type DemoSeeding, type PlannedTrack, userIdOf } from './demoSeeding.js';
import { limiter } from './limiter.js';
import type { planDemoAccess } from './planDemoSocial.js';
import { retrying } from './retrying.js';
import { type SynthesizeTrackReturnType, synthesizeTrack } from './synthesizeTrack.js';
import { demoStreamConditions, slug, trackMetadata } from './trackMetadata.js';

/** A synthesized track and its artwork, as files in the cache. */
export type DemoAudio = SynthesizeTrackReturnType & { artwork: string };

export type SynthesizeDemoTracksReturnType = {
  /** Each planned track's audio, in plan order. */
  audio: Promise<DemoAudio>[];
  /** How long each track not cached took to render, ms. */
  renderTimes: number[];
};

/**
 * Starts synthesizing every planned track with its artwork: the oldest era's first (an era's
 * uploads wait for its audio, and the next era waits for those uploads), and in catalog order
 * within an era.
 */
export function synthesizeDemoTracks(
  s: DemoSeeding,
  planned: readonly PlannedTrack[],
  trackEra: readonly number[],
): SynthesizeDemoTracksReturnType {
  const { step, later, say, signal, cacheDir } = s;
  const synthLimit = limiter(SYNTH_CONCURRENCY);
  const renderTimes: number[] = [];
  let synthesized = 0;
  const synthesize = (t: PlannedTrack) =>
    later(
      step(`synthesizing "${t.title}"`, () =>
        synthLimit(async () => {
          const result = await synthesizeTrack({ seed: t.seed, cacheDir, signal });
          const { file: artwork } = await renderDemoImage({
            kind: 'artwork',
            seed: `track:${t.seed}`,
            cacheDir,
            signal,
          });
          synthesized++;
          if (!result.cached) renderTimes.push(result.renderMs);
          say(
            `synthesized "${t.title}" (${synthesized}/${planned.length}, ${result.recipe.seconds} s of ` +
              `${keyName(result.recipe)}${result.cached ? ', cached' : `, ${Math.round(result.renderMs)} ms`})`,
          );
          return { ...result, artwork };
        }),
      ),
    );
  const audio = new Array<Promise<DemoAudio>>(planned.length);
  const synthOrder = planned.map((_, k) => k).sort((a, b) => trackEra[a]! - trackEra[b]! || a - b);
  for (const k of synthOrder) audio[k] = synthesize(planned[k]!);
  return { audio, renderTimes };
}

export type UploadDemoTracksParameters = {
  planned: readonly PlannedTrack[];
  audio: readonly Promise<DemoAudio>[];
  landlordProfiles: readonly DemoLandlordProfile[];
  /** Landlords first, in the order of `landlordProfiles`. */
  members: readonly DemoMember[];
  /** Resolves once landlord `l` has an account. */
  landlordsReady: readonly Promise<void>[];
  access: ReturnType<typeof planDemoAccess>;
  eras: DemoEras;
  trackEra: readonly number[];
};

export type UploadDemoTracksReturnType = {
  /** Resolves once track `k` is uploaded (counted in its era). */
  done: Promise<void>[];
  /** Track `k`'s id, once `done[k]` resolves. */
  trackIds: string[];
};

/**
 * Uploads each planned track once its landlord exists, its audio is ready and its era is open; a
 * track for sale with a collaborator also waits for the collaborator. An earlier seeding's track
 * of the same title is kept.
 */
export function uploadDemoTracks(
  s: DemoSeeding,
  p: UploadDemoTracksParameters,
): UploadDemoTracksReturnType {
  const { step, later, say, retry, signal } = s;
  const { planned, audio, landlordProfiles, members, landlordsReady, access, eras, trackEra } = p;
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
        eras.open[trackEra[k]!],
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
  const done = planned.map((t, k) =>
    eras.inEra(trackEra[k]!, later(uploadTrack(t, k, landlordsReady[t.landlord]!))),
  );
  return { done, trackIds };
}
