// What a demo track says about itself: its metadata, written from its landlord and its music,
// and who may stream it.
import type { AccessConditionsInput } from '@coliving/sdk';
import { parseUnits } from 'viem';
import { DEMO_PRICES, type DemoLandlordProfile } from './demoCatalogContent.js';
import { type TrackRecipe, keyName } from './composeTrack.js';
import type { DemoTrackGate } from './planDemoSocial.js';

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

/** A title as a file name: lower case, ASCII letters and digits joined by dashes. */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** DGCO (a decimal string) as wei. */
export const dgcoWei = (dgco: string): bigint => parseUnits(dgco, 18);

/**
 * A demo gate as stream conditions: `ownerId` is the track's landlord, `collaboratorId` the
 * landlord a priced track's price is split with (user hashids).
 */
export function demoStreamConditions(
  gate: DemoTrackGate,
  ownerId: string,
  collaboratorId?: string,
): AccessConditionsInput {
  switch (gate.kind) {
    case 'follow':
      return { followUserId: ownerId };
    case 'tip':
      return { tipUserId: ownerId };
    case 'album':
      return { purchase: { price: dgcoWei(DEMO_PRICES.albumTrack) } };
    case 'purchase': {
      if (collaboratorId === undefined)
        throw new Error('a priced demo track needs its collaborator');
      const theirs = DEMO_PRICES.collaboratorPercentage;
      return {
        purchase: {
          price: dgcoWei(DEMO_PRICES.track),
          splits: [
            { userId: collaboratorId, percentage: theirs },
            { userId: ownerId, percentage: 100 - theirs },
          ],
        },
      };
    }
  }
}

/** The metadata a demo track is uploaded with; `streamConditions` when it is gated. */
export function trackMetadata(
  landlord: DemoLandlordProfile,
  index: number,
  title: string,
  recipe: TrackRecipe,
  streamConditions?: AccessConditionsInput,
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
    ...(streamConditions ? { streamConditions } : {}),
  };
}
