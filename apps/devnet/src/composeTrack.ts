// A track's recipe, composed from a seed: key, mode, tempo, a chord progression, the timbres and
// styles of its parts, a drum pattern and an eight-bar melody. Pure data; `trackFilterGraph`
// turns it into sound.
import { seededRandom } from './seededRandom.js';

export const MODES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  minor: [0, 2, 3, 5, 7, 8, 10],
  'harmonic minor': [0, 2, 3, 5, 7, 8, 11],
} as const;
export type ModeName = keyof typeof MODES;

export const NOTE_NAMES = [
  'C',
  'C#',
  'D',
  'Eb',
  'E',
  'F',
  'F#',
  'G',
  'Ab',
  'A',
  'Bb',
  'B',
] as const;

/** Four chords, one a bar, as scale degrees (0 is the tonic). */
const PROGRESSIONS: readonly (readonly number[])[] = [
  [0, 4, 5, 3], // I V vi IV
  [0, 5, 3, 4], // I vi IV V
  [5, 3, 0, 4], // vi IV I V
  [0, 3, 4, 3], // I IV V IV
  [1, 4, 0, 0], // ii V I I
  [0, 2, 5, 4], // I iii vi V
  [0, 3, 0, 4], // I IV I V
  [5, 4, 3, 4], // vi V IV V
  [0, 6, 5, 4], // I vii vi V
  [3, 4, 2, 5], // IV V iii vi
];

/** Oscillator timbres: sums of harmonics, or two-operator FM for the bell-like ones. */
export const TIMBRES = ['soft', 'organ', 'square', 'saw', 'epiano', 'bell', 'pluck'] as const;
export type Timbre = (typeof TIMBRES)[number];

/** How chords are played: held, on every beat, between beats, or in eighths. */
export const CHORD_STYLES = ['pad', 'stabs', 'offbeat', 'pulse'] as const;
export type ChordStyle = (typeof CHORD_STYLES)[number];

export const BASS_STYLES = ['roots', 'octaves', 'fifths', 'sustain'] as const;
export type BassStyle = (typeof BASS_STYLES)[number];

/** Drum patterns as 16 sixteenths a bar (`x` a hit); the second bar of the loop is a fill. */
export type DrumPattern = {
  kick: string;
  snare: string;
  hat: string;
  fill: { kick: string; snare: string };
};
export const DRUM_PATTERNS = {
  fourOnFloor: {
    kick: 'x...x...x...x...',
    snare: '....x.......x...',
    hat: '..x...x...x...x.',
    fill: { kick: 'x...x...x...x.x.', snare: '....x.......x.xx' },
  },
  backbeat: {
    kick: 'x.......x.x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    fill: { kick: 'x.......x.x...x.', snare: '....x.......x.xx' },
  },
  halftime: {
    kick: 'x.........x.....',
    snare: '........x.......',
    hat: 'x.x.x.x.x.x.x.x.',
    fill: { kick: 'x.........x..x..', snare: '........x....x.x' },
  },
  breakbeat: {
    kick: 'x.........xx....',
    snare: '....x..x.x..x...',
    hat: 'x.xxx.x.x.xxx.x.',
    fill: { kick: 'x.........x...x.', snare: '....x..x.x..xxxx' },
  },
  boomBap: {
    kick: 'x......x..x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.xx',
    fill: { kick: 'x......x..x..x..', snare: '....x.......x..x' },
  },
  sparse: {
    kick: 'x.......x.......',
    snare: '............x...',
    hat: '....x.......x...',
    fill: { kick: 'x.......x.....x.', snare: '............x.x.' },
  },
} as const satisfies Record<string, DrumPattern>;
export type DrumStyle = keyof typeof DRUM_PATTERNS;

/** One melody note: a scale degree above the melody's tonic (null is a rest), in sixteenths. */
export type MelodyNote = { degree: number | null; sixteenths: number };

/** Everything a track is made of; `composeTrack` derives it from a seed. */
export type TrackRecipe = {
  seed: string;
  /** The tonic's name, e.g. `Eb`. */
  key: (typeof NOTE_NAMES)[number];
  mode: ModeName;
  bpm: number;
  /** The rendered length, whole seconds (30–60). */
  seconds: number;
  progression: number[];
  sevenths: boolean;
  chordStyle: ChordStyle;
  chordTimbre: Timbre;
  leadTimbre: Timbre;
  bassStyle: BassStyle;
  drums: DrumStyle;
  /** Eight bars, repeated. */
  melody: MelodyNote[];
};

/** Bars of each loop: a chord a bar, a fill every second bar, a melody phrase of eight bars. */
export const CHORD_BARS = 4;
export const DRUM_BARS = 2;
export const MELODY_BARS = 8;
const STEPS_PER_BAR = 16;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Rhythms of one bar of melody, in sixteenths (each sums to 16). */
const MELODY_RHYTHMS: readonly (readonly number[])[] = [
  [4, 4, 4, 4],
  [2, 2, 4, 4, 4],
  [6, 2, 4, 4],
  [4, 2, 2, 8],
  [3, 3, 2, 4, 4],
  [8, 4, 4],
  [2, 2, 2, 2, 4, 4],
  [4, 4, 8],
  [3, 3, 3, 3, 4],
  [2, 4, 2, 4, 4],
];

/** The degrees of the chord on scale degree `root` (a triad, or a seventh chord). */
export function chordDegrees(root: number, sevenths: boolean): number[] {
  return sevenths ? [root, root + 2, root + 4, root + 6] : [root, root + 2, root + 4];
}

/**
 * Eight bars of melody: bars 1–4 wander the scale in steps and leaps, landing on a chord tone at
 * each bar's start; bars 5–6 repeat bars 1–2 (a motif the ear can find), 7 is new and 8 comes
 * home to the tonic with a long note.
 */
function composeMelody(
  random: () => number,
  progression: readonly number[],
  sevenths: boolean,
): MelodyNote[] {
  const bars: MelodyNote[][] = [];
  let degree = pick(random, [0, 2, 4]);
  const bar = (index: number): MelodyNote[] => {
    const chord = chordDegrees(progression[index % progression.length]!, sevenths);
    const rhythm = pick(random, MELODY_RHYTHMS);
    return rhythm.map((sixteenths, i) => {
      if (i === 0) {
        // The chord tone nearest to where the line is, in the melody's octave range.
        const tones = chord.flatMap((d) => [d - 7, d, d + 7]).filter((d) => d >= -2 && d <= 9);
        degree = tones.reduce((a, b) => (Math.abs(b - degree) < Math.abs(a - degree) ? b : a));
        return { degree, sixteenths };
      }
      if (random() < 0.15) return { degree: null, sixteenths };
      degree += pick(random, [-2, -1, -1, 1, 1, 2, 3, -3, 0]);
      degree = Math.max(-2, Math.min(9, degree));
      return { degree, sixteenths };
    });
  };
  for (let i = 0; i < 4; i++) bars.push(bar(i));
  bars.push(bars[0]!, bars[1]!, bar(6));
  const last = bar(7);
  const head = last.slice(0, Math.max(1, last.length - 2));
  const used = head.reduce((sum, n) => sum + n.sixteenths, 0);
  bars.push([...head, { degree: 0, sixteenths: STEPS_PER_BAR - used }]);
  return bars.flat();
}

/** The recipe of the track of `seed`: the same seed always gives the same recipe. */
export function composeTrack(seed: string): TrackRecipe {
  const random = seededRandom(`coliving-demo-track:${seed}`);
  const tonic = Math.floor(random() * 12);
  const mode = pick(random, Object.keys(MODES) as ModeName[]);
  const drums = pick(random, Object.keys(DRUM_PATTERNS) as DrumStyle[]);
  const bpm =
    drums === 'halftime' || drums === 'sparse'
      ? 70 + Math.floor(random() * 30)
      : 88 + Math.floor(random() * 45);
  const progression = [...pick(random, PROGRESSIONS)];
  const sevenths = random() < 0.4;
  return {
    seed,
    key: NOTE_NAMES[tonic]!,
    mode,
    bpm,
    // 30–60 s, mostly under 45: each second is transcoded again by a content node on upload.
    seconds: 30 + Math.floor(random() ** 1.5 * 31),
    progression,
    sevenths,
    chordStyle: pick(random, CHORD_STYLES),
    chordTimbre: pick(random, TIMBRES),
    leadTimbre: pick(random, TIMBRES),
    bassStyle: pick(random, BASS_STYLES),
    drums,
    melody: composeMelody(random, progression, sevenths),
  };
}

/** `C minor`, `F# dorian`: the key as a track's `musical_key` field (16 characters at most). */
export function keyName(recipe: TrackRecipe): string {
  return `${recipe.key} ${recipe.mode === 'harmonic minor' ? 'minor' : recipe.mode}`;
}
