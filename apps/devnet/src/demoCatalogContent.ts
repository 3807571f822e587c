// The words of the devnet's demo catalog: who the landlords and residents are, what the tracks,
// albums and playlists are called. The music and pictures are generated from seeds; these are
// written, so that search and profile pages read like a real catalog.
import type { Genre, Mood } from '@coliving/protocol';

export type DemoLandlordProfile = {
  handle: string;
  name: string;
  bio: string;
  location: string;
  /** Their tracks take these genres and moods in turn. */
  genres: Genre[];
  moods: Mood[];
  /** Tags every track of theirs carries (with a few from its music). */
  tags: string[];
  /** How they describe their tracks; the music's own description follows. */
  blurb: string;
  titles: string[];
  album: { name: string; description: string };
};

export type DemoResidentProfile = { handle: string; name: string; bio: string; location: string };

export const DEMO_LANDLORDS: readonly DemoLandlordProfile[] = [
  {
    handle: 'lunar_tides',
    name: 'Lunar Tides',
    bio: 'Slow-motion synth pop from a flat above a laundrette. Chords first, words never.',
    location: 'Lisbon, Portugal',
    genres: ['Electronic', 'Downtempo'],
    moods: ['Peaceful', 'Yearning'],
    tags: ['synth', 'night', 'seaside'],
    blurb: 'Written on the last ferry of the night.',
    titles: [
      'Harbour Lights',
      'Low Water',
      'Neap Tide',
      'Salt on the Window',
      'Tidal Clock',
      'Lantern Ferry',
    ],
    album: { name: 'Low Water', description: 'Six tracks for the hour after the tide turns.' },
  },
  {
    handle: 'copperfield_rooms',
    name: 'Copperfield Rooms',
    bio: 'Beats made on a borrowed sampler between shifts. Headphones recommended, radiator optional.',
    location: 'Manchester, UK',
    genres: ['Lo-Fi', 'Hip-Hop/Rap'],
    moods: ['Easygoing', 'Cool'],
    tags: ['beats', 'study', 'rainy'],
    blurb: 'Cut late, with the kettle on.',
    titles: [
      'Radiator Season',
      'Kettle On',
      'Rent Day Shuffle',
      'Upstairs Neighbour',
      'Bay Window',
      'Night Bus Home',
    ],
    album: { name: 'Radiator Season', description: 'A winter of beats from a rented room.' },
  },
  {
    handle: 'marisol_vega',
    name: 'Marisol Vega',
    bio: 'Keys, nylon strings and a rooftop. Jazz for people who do not think they like jazz.',
    location: 'Mexico City, Mexico',
    genres: ['Latin', 'Jazz'],
    moods: ['Romantic', 'Sophisticated'],
    tags: ['keys', 'rooftop', 'warm'],
    blurb: 'Recorded on the terrace, windows open.',
    titles: [
      'Terraza',
      'Calle de Luna',
      'Siete Colores',
      'Mercado Azul',
      'Media Noche',
      'Bugambilia',
    ],
    album: { name: 'Siete Colores', description: 'Songs for seven evenings on the roof.' },
  },
  {
    handle: 'velvet_arcade',
    name: 'Velvet Arcade',
    bio: 'Music for shopping malls that closed in 1997. Insert coin to continue.',
    location: 'Osaka, Japan',
    genres: ['Vaporwave', 'Future Bass'],
    moods: ['Excited', 'Sentimental'],
    tags: ['retro', 'neon', 'arcade'],
    blurb: 'Found on a cassette under the prize counter.',
    titles: [
      'Neon Lobby',
      'Coin Return',
      'Hi-Score Sunset',
      'Escalator Dreams',
      'Mall Fountain',
      'Pixel Rain',
    ],
    album: { name: 'Mall Fountain', description: 'Everything is on sale, forever.' },
  },
  {
    handle: 'saltmarsh',
    name: 'Saltmarsh',
    bio: 'Field recordings that forgot to record the field. Long walks, short days.',
    location: 'Norfolk, UK',
    genres: ['Ambient', 'Folk'],
    moods: ['Melancholy', 'Tender'],
    tags: ['ambient', 'walking', 'fog'],
    blurb: 'Played to the reeds at dawn.',
    titles: ['Heron at Dawn', 'Reed Beds', 'Peat Smoke', 'Estuary', 'Tern Season', 'Slow Fog'],
    album: { name: 'Estuary', description: 'Where the river gives up and becomes the sea.' },
  },
  {
    handle: 'ama_mensah',
    name: 'Ama Mensah',
    bio: 'Highlife grooves and soul chords from a studio the size of a wardrobe.',
    location: 'Accra, Ghana',
    genres: ['Funk', 'R&B/Soul'],
    moods: ['Upbeat', 'Empowering'],
    tags: ['groove', 'highlife', 'sunny'],
    blurb: 'For dancing in the kitchen.',
    titles: [
      'Harmattan',
      'Golden Hour Groove',
      'Osu Road',
      'Palm Wine Blues',
      'Tro Tro',
      'Sunday Highlife',
    ],
    album: { name: 'Sunday Highlife', description: 'A week of grooves, ending on a Sunday.' },
  },
];

export const DEMO_RESIDENTS: readonly DemoResidentProfile[] = [
  {
    handle: 'nadia.listens',
    name: 'Nadia',
    bio: 'Making playlists nobody asked for since 2009.',
    location: 'Berlin, Germany',
  },
  {
    handle: 'tomasz_k',
    name: 'Tomasz K.',
    bio: 'Night shift nurse. Ambient is my coffee.',
    location: 'Kraków, Poland',
  },
  {
    handle: 'priya_plays',
    name: 'Priya',
    bio: 'Bedroom DJ, daytime accountant.',
    location: 'Bengaluru, India',
  },
  {
    handle: 'jules_r',
    name: 'Jules',
    bio: 'I repost what I would play at your party.',
    location: 'Montréal, Canada',
  },
  {
    handle: 'ben.on.bass',
    name: 'Ben',
    bio: 'Bass player. I will tell you about the bass line.',
    location: 'Melbourne, Australia',
  },
  {
    handle: 'mei_ling',
    name: 'Mei Ling',
    bio: 'Collecting rainy-day music, one save at a time.',
    location: 'Taipei, Taiwan',
  },
  {
    handle: 'oskar.h',
    name: 'Oskar',
    bio: 'Cycling to work with headphones on, safely, mostly.',
    location: 'Copenhagen, Denmark',
  },
  {
    handle: 'freya_waves',
    name: 'Freya',
    bio: 'Surfer, synth nerd, early riser.',
    location: 'Cornwall, UK',
  },
  {
    handle: 'diego_r',
    name: 'Diego',
    bio: 'Vinyl at home, streams on the road.',
    location: 'Buenos Aires, Argentina',
  },
  {
    handle: 'amaka.o',
    name: 'Amaka',
    bio: 'If it grooves, I save it.',
    location: 'Lagos, Nigeria',
  },
];

/** Playlists residents make, in the order they make them. */
export const DEMO_PLAYLISTS: readonly { name: string; description: string }[] = [
  { name: 'Late Night Drive', description: 'Empty roads, warm chords.' },
  { name: 'Sunday Morning Coffee', description: 'Slow starts only.' },
  { name: 'Deep Focus', description: 'No words, no distractions.' },
  { name: 'Kitchen Dance Party', description: 'Turn it up while the pasta boils.' },
  { name: 'Rainy Window', description: 'For watching the weather.' },
];

/** Words for titles past a landlord's own list (a larger scale than the catalog was written for). */
const MORE_TITLE_WORDS = {
  first: ['Quiet', 'Golden', 'Paper', 'Velvet', 'Northern', 'Hidden', 'Electric', 'Amber'],
  second: ['Stairwell', 'Orchard', 'Signal', 'Harbour', 'Garden', 'Comet', 'Avenue', 'Lantern'],
};

/** The title of a landlord's `index`th track: theirs while they last, then made up. */
export function demoTrackTitle(landlord: DemoLandlordProfile, index: number): string {
  const own = landlord.titles[index];
  if (own !== undefined) return own;
  const { first, second } = MORE_TITLE_WORDS;
  return `${first[index % first.length]} ${second[(index * 3 + landlord.handle.length) % second.length]}`;
}

/** A landlord's profile; past the written ones, a generated one. */
export function landlordProfile(i: number): DemoLandlordProfile {
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

/** A resident's profile; past the written ones, a generated one. */
export function residentProfile(i: number): DemoResidentProfile {
  const written = DEMO_RESIDENTS[i];
  if (written) return written;
  const base = DEMO_RESIDENTS[i % DEMO_RESIDENTS.length]!;
  const n = i + 1;
  return { ...base, handle: `demo_resident_${n}`, name: `Demo Resident ${n}` };
}

/**
 * What the demo catalog's gated music costs, in DGCO (a demo resident starts with 1,000): a
 * priced track, split with a collaborating landlord, and an album whose tracks are also sold one
 * by one (the album is the better deal).
 */
export const DEMO_PRICES = {
  /** The priced track. */
  track: '5',
  /** The collaborator's share of the priced track, in percent; the rest is its landlord's. */
  collaboratorPercentage: 30,
  /** Each track of the album for sale, bought alone. */
  albumTrack: '2',
  /** The album for sale, all its tracks. */
  album: '8',
} as const;
