// What a demo track says about itself: its metadata, written from its landlord and its music.
import type { DemoLandlordProfile } from './demoCatalogContent.js';
import { type TrackRecipe, keyName } from './composeTrack.js';

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

/** The metadata a demo track is uploaded with. */
export function trackMetadata(
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
