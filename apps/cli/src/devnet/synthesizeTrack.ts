// Music for the devnet's demo catalog, composed from a seed and rendered by ffmpeg from one filter
// graph: chords over a progression, a bass line, a kick/snare/hi-hat pattern and a melody, each
// rendered once as a loop of a few bars with `aevalsrc`, looped to length, entered one after the
// other, mixed (`amix`), given an echo tail (`aecho`) and faded. Rendering loops instead of the
// whole length keeps a track at about a second of ffmpeg on a small machine.
import { createHash } from 'node:crypto';
import { renderCached } from './runFfmpeg.js';

/** Sample rate of the rendered files: CD audio. */
export const SAMPLE_RATE = 44_100;
/**
 * Rates the parts are rendered at, then resampled: the melody's harmonics stay below 11 kHz and
 * the chords' and bass's below 5 kHz, so each is rendered at the least rate that holds it (most
 * of a track's rendering time is spent evaluating these sources, sample by sample).
 */
const MELODY_RATE = SAMPLE_RATE / 2;
const CHORD_RATE = SAMPLE_RATE / 4;
/** Part of every cache file name: change it when the synthesis changes, so files render anew. */
const SYNTH_VERSION = 1;

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

const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

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
type DrumPattern = {
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
const CHORD_BARS = 4;
const DRUM_BARS = 2;
const MELODY_BARS = 8;
const STEPS_PER_BAR = 16;

/** A deterministic generator of numbers in [0, 1): mulberry32 seeded by a hash of `seed`. */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

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
function chordDegrees(root: number, sevenths: boolean): number[] {
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

const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);

/** The frequency of a scale degree over a MIDI base note. */
function frequency(recipe: TrackRecipe, base: number, degree: number): number {
  const scale = MODES[recipe.mode];
  const octave = Math.floor(degree / scale.length);
  const step = degree - octave * scale.length;
  const midi = base + NOTE_NAMES.indexOf(recipe.key) + 12 * octave + scale[step]!;
  return 440 * 2 ** ((midi - 69) / 12);
}

/**
 * One oscillator of `timbre` with its phase in `ld(0)`, `T` seconds after its note began (the
 * FM timbres are brightest at the attack). Each is scaled to a peak near 1.
 */
function oscillator(timbre: Timbre, T: string): string {
  const x = 'ld(0)';
  switch (timbre) {
    case 'soft':
      return `0.8*(sin(${x})+0.25*sin(2*${x}))`;
    case 'organ':
      return `0.5*(sin(${x})+0.5*sin(2*${x})+0.3*sin(3*${x})+0.2*sin(4*${x}))`;
    case 'square':
      return `0.6*(sin(${x})+0.33*sin(3*${x})+0.2*sin(5*${x})+0.14*sin(7*${x}))`;
    case 'saw':
      return `0.45*(sin(${x})+0.5*sin(2*${x})+0.33*sin(3*${x})+0.25*sin(4*${x})+0.2*sin(5*${x}))`;
    case 'epiano':
      return `0.8*(sin(${x}+1.3*exp(-5*${T})*sin(${x}))+0.15*sin(2*${x}))`;
    case 'bell':
      return `0.9*sin(${x}+1.8*exp(-3*${T})*sin(3.5*${x}))`;
    case 'pluck':
      return `0.6*(sin(${x})+exp(-6*${T})*(0.6*sin(2*${x})+0.4*sin(3*${x})+0.3*sin(4*${x})))`;
  }
}

/**
 * The grid of a track in samples. A sixteenth is a whole multiple of 4 samples at SAMPLE_RATE,
 * so every note, bar and loop is a whole number of samples at every rate and loops never drift
 * from the beat.
 */
type Grid = { sixteenth: number; beat: number; bar: number };

function gridAt(recipe: TrackRecipe, rate: number): Grid {
  const sixteenth = (4 * Math.round((SAMPLE_RATE * 15) / recipe.bpm / 4) * rate) / SAMPLE_RATE;
  return { sixteenth, beat: 4 * sixteenth, bar: 16 * sixteenth };
}

/** `aevalsrc` of exactly `samples` samples at `rate`: one source of the graph. */
function source(expression: string, samples: number, rate: number, label: string): string {
  // aevalsrc keeps its duration in microseconds and rounds back to samples: 7 decimals is exact.
  return `aevalsrc=exprs='${expression}':d=${(samples / rate).toFixed(7)}:s=${rate}:n=2048[${label}]`;
}

/** `[in]` repeated to `times` × its first `samples` samples, into `[out]`. */
function repeat(input: string, samples: number, times: number, output: string): string {
  return times === 1
    ? `[${input}]anull[${output}]`
    : `[${input}]aloop=loop=${times - 1}:size=${samples}[${output}]`;
}

/**
 * One bar of the chord on scale degree `root`, played in the recipe's chord style: a held chord
 * is rendered for the whole bar; a hit (a beat, or an eighth) is rendered once and repeated, as
 * its envelope ends in silence before the next.
 */
function chordBar(recipe: TrackRecipe, root: number, label: string): string {
  const g = gridAt(recipe, CHORD_RATE);
  const sec = (samples: number) => num(samples / CHORD_RATE);
  // ld(3): seconds since the hit; the envelope goes into ld(1).
  let hit = 't';
  let envelope: string;
  let period: number;
  switch (recipe.chordStyle) {
    case 'pad':
      period = g.bar;
      envelope = `min(1,t*4)*min(1,(${sec(g.bar)}-t)*8)*(0.85+0.15*sin(2*PI*0.5*t))`;
      break;
    case 'stabs':
      period = g.beat;
      envelope = `min(1,t*400)*exp(-t*5)*min(1,(${sec(g.beat)}-t)*60)`;
      break;
    case 'offbeat':
      period = g.beat;
      hit = `t-${sec(g.beat / 2)}`;
      envelope = `gte(ld(3),0)*min(1,ld(3)*400)*exp(-ld(3)*8)*min(1,(${sec(g.beat / 2)}-ld(3))*60)`;
      break;
    case 'pulse':
      period = g.beat / 2;
      envelope = `min(1,t*400)*exp(-t*6)*min(1,(${sec(g.beat / 2)}-t)*60)`;
      break;
  }
  const tones = chordDegrees(root, recipe.sevenths).map((d) => frequency(recipe, 48, d));
  const voices = tones.map(
    (f) => `st(0,2*PI*${num(f)}*t);st(2,ld(2)+${oscillator(recipe.chordTimbre, 'ld(3)')})`,
  );
  const gain = 1 / tones.length;
  const expression = `st(3,${hit});st(1,${envelope});st(2,0);${voices.join(';')};${num(gain)}*ld(1)*ld(2)`;
  return [
    source(expression, period, CHORD_RATE, `${label}h`),
    repeat(`${label}h`, period, g.bar / period, label),
  ].join(';');
}

/** One bar of bass under the chord on scale degree `root`: a pattern of one or two notes. */
function bassBar(recipe: TrackRecipe, root: number, label: string): string {
  const g = gridAt(recipe, CHORD_RATE);
  const low = frequency(recipe, 36, root);
  // Two notes, `step` samples each (the same note twice for roots).
  let step = g.beat;
  let high = low;
  switch (recipe.bassStyle) {
    case 'octaves':
      step = g.beat / 2;
      high = low * 2;
      break;
    case 'fifths':
      high = frequency(recipe, 36, root + 4);
      break;
    case 'sustain':
      step = g.bar / 2;
      break;
    case 'roots':
      break;
  }
  const decay = recipe.bassStyle === 'sustain' ? 0.6 : 4;
  const s = num(step / CHORD_RATE);
  const expression = [
    `st(3,t-floor(t/${s})*${s})`,
    `st(0,2*PI*if(gte(t,${s}),${num(high)},${num(low)})*t)`,
    `min(1,ld(3)*300)*exp(-ld(3)*${decay})*min(1,(${s}-ld(3))*50)*(sin(ld(0))+0.35*sin(2*ld(0))+0.12*sin(3*ld(0)))`,
  ].join(';');
  return [
    source(expression, 2 * step, CHORD_RATE, `${label}h`),
    repeat(`${label}h`, 2 * step, g.bar / (2 * step), label),
  ].join(';');
}

/** Hits as a bit mask: bit i is sixteenth i (`x` a hit). */
function hitMask(pattern: string): number {
  let mask = 0;
  for (const [i, c] of [...pattern].entries()) if (c === 'x') mask += 2 ** i;
  return mask;
}

/**
 * `bars` bars of one drum, `sound` played at each hit with ld(1) the seconds since it. Samples
 * are evaluated in order, so the time of the last hit is kept in ld(6) and a sound rings on past
 * its sixteenth until the next hit.
 */
function drumLoop(
  recipe: TrackRecipe,
  p: { mask: number; bars: number; rate: number; sound: string; label: string },
): string {
  const g = gridAt(recipe, p.rate);
  const samples = p.bars * g.bar;
  const expression = [
    `st(0,floor(t/${num(g.sixteenth / p.rate)}))`,
    `if(mod(floor(${p.mask}/pow(2,ld(0))),2)*not(eq(ld(0)+1,ld(5))),st(6,t)+st(7,1))`,
    `st(5,ld(0)+1)`,
    `st(1,t-ld(6))`,
    `ld(7)*min(1,(${num(samples / p.rate)}-t)*40)*(${p.sound})`,
  ].join(';');
  if (p.bars === DRUM_BARS) return source(expression, samples, p.rate, p.label);
  return [
    source(expression, samples, p.rate, `${p.label}h`),
    repeat(`${p.label}h`, samples, DRUM_BARS / p.bars, p.label),
  ].join(';');
}

/** The melody's notes, each its own source, concatenated into an eight-bar phrase. */
function melodyPhrase(recipe: TrackRecipe, label: string): string {
  const g = gridAt(recipe, MELODY_RATE);
  const parts: string[] = [];
  const decay = recipe.leadTimbre === 'pluck' || recipe.leadTimbre === 'bell' ? 3.5 : 1.5;
  recipe.melody.forEach((note, i) => {
    const samples = note.sixteenths * g.sixteenth;
    const f = note.degree === null ? 0 : frequency(recipe, 60, note.degree);
    const expression =
      note.degree === null
        ? '0'
        : `st(0,2*PI*${num(f)}*t);min(1,t*200)*exp(-t*${decay})*min(1,(${num(samples / MELODY_RATE)}-t)*60)*${oscillator(recipe.leadTimbre, 't')}`;
    parts.push(source(expression, samples, MELODY_RATE, `${label}${i}`));
  });
  const inputs = recipe.melody.map((_, i) => `[${label}${i}]`).join('');
  parts.push(`${inputs}concat=n=${recipe.melody.length}:v=0:a=1[${label}]`);
  return parts.join(';');
}

/**
 * The whole filter graph of a track, ending in `[out]`: an intro of chords, then bass and drums,
 * then the melody (later in a long track); an echo tail, a fade in and a fade out. Tonal parts
 * and the kick are rendered at lower rates (MELODY_RATE, CHORD_RATE) and resampled; the noise of
 * snare and hi-hat is rendered at SAMPLE_RATE.
 */
export function trackFilterGraph(recipe: TrackRecipe): string {
  const g = gridAt(recipe, SAMPLE_RATE);
  const total = recipe.seconds * SAMPLE_RATE;
  // Chords alone for the intro, then bass and drums; the melody comes in with them, or four bars
  // later in a track long enough to let the groove settle first.
  const bars = total / g.bar;
  const introBars = bars < 16 ? 2 : 4;
  const melodyBars = bars < 24 ? introBars : introBars + 4;
  const barMs = (g.bar / SAMPLE_RATE) * 1000;
  const parts: string[] = [];

  const concatBars = (prefix: string, output: string) =>
    `${recipe.progression.map((_, i) => `[${prefix}${i}]`).join('')}concat=n=${CHORD_BARS}:v=0:a=1[${output}]`;
  recipe.progression.forEach((root, i) => parts.push(chordBar(recipe, root, `ch${i}`)));
  parts.push(concatBars('ch', 'chords'));
  recipe.progression.forEach((root, i) => parts.push(bassBar(recipe, root, `bs${i}`)));
  parts.push(concatBars('bs', 'bass'));

  const pattern: DrumPattern = DRUM_PATTERNS[recipe.drums];
  // The kick's and snare's second bar is a fill; the hi-hat plays one bar over and over. Only the
  // hi-hat needs the full rate: the snare's noise is fine below 11 kHz.
  parts.push(
    drumLoop(recipe, {
      mask: hitMask(pattern.kick + pattern.fill.kick),
      bars: DRUM_BARS,
      rate: CHORD_RATE,
      sound: 'sin(2*PI*(48*ld(1)+4*(1-exp(-30*ld(1)))))*exp(-ld(1)*7)*min(1,ld(1)*1500)',
      label: 'kick',
    }),
    drumLoop(recipe, {
      mask: hitMask(pattern.snare + pattern.fill.snare),
      bars: DRUM_BARS,
      rate: MELODY_RATE,
      sound: '(random(8)*2-1)*0.7*exp(-ld(1)*20)+0.5*sin(2*PI*185*ld(1))*exp(-ld(1)*28)',
      label: 'snare',
    }),
    drumLoop(recipe, {
      mask: hitMask(pattern.hat),
      bars: 1,
      rate: SAMPLE_RATE,
      sound: '(random(8)*2-1)*exp(-ld(1)*60)',
      label: 'hat',
    }),
  );
  parts.push(melodyPhrase(recipe, 'mel'));

  // Each loop is brought to SAMPLE_RATE, cut to exactly its bars, repeated, entered after its
  // delay and cut to the track's length.
  const loop = (input: string, loopBars: number, delayBars: number, chain: string) => {
    const samples = loopBars * g.bar;
    const delay = Math.round(delayBars * barMs);
    parts.push(
      `[${input}]aresample=${SAMPLE_RATE},atrim=end_sample=${samples},aloop=loop=-1:size=${samples},` +
        `${delay > 0 ? `adelay=${delay},` : ''}${chain}atrim=end_sample=${total}[${input}L]`,
    );
  };
  loop('chords', CHORD_BARS, 0, 'volume=1.3,');
  loop('bass', CHORD_BARS, introBars, 'lowpass=f=900,volume=0.9,');
  loop('kick', DRUM_BARS, introBars, 'volume=1.1,');
  loop('snare', DRUM_BARS, introBars, 'highpass=f=180,volume=0.45,');
  loop('hat', DRUM_BARS, introBars, 'highpass=f=7000,volume=0.22,');
  // A tempo-synced echo (a dotted eighth) on the melody.
  const echo = Math.round(((3 * g.sixteenth) / SAMPLE_RATE) * 1000);
  loop('mel', MELODY_BARS, melodyBars, `aecho=1:0.8:${echo}:0.3,volume=0.75,`);

  const inputs = ['chords', 'bass', 'kick', 'snare', 'hat', 'mel'];
  parts.push(
    `${inputs.map((i) => `[${i}L]`).join('')}amix=inputs=${inputs.length}:duration=longest:dropout_transition=0,` +
      // amix divides by its inputs; this brings the sum back up to a healthy level.
      `volume=${num(inputs.length * 0.4)},` +
      // A short room: a few early reflections, quieter each.
      'aecho=0.85:0.8:43|71|113|157:0.22|0.17|0.12|0.08,' +
      `atrim=end_sample=${total},` +
      `afade=t=in:st=0:d=1.5,afade=t=out:st=${recipe.seconds - 4}:d=4,` +
      // Peaks held under -1 dBFS; no make-up gain (the limiter's own `level` would push them to 0).
      'alimiter=limit=0.89:level=false,' +
      `aformat=sample_fmts=s16:sample_rates=${SAMPLE_RATE}:channel_layouts=mono[out]`,
  );
  return parts.join(';');
}

export type SynthesizeTrackParameters = {
  /** Anything: the same seed always gives the same music. */
  seed: string;
  /** Where rendered files are kept; a file already there is used as is. */
  cacheDir: string;
  signal?: AbortSignal;
};

export type SynthesizeTrackReturnType = {
  /**
   * The FLAC file (44.1 kHz, 16-bit, mono: every part is mono, so a second channel would double
   * the upload and add nothing).
   */
  file: string;
  recipe: TrackRecipe;
  /** True when the file was in the cache. */
  cached: boolean;
  /** Time spent rendering (0 when cached). */
  renderMs: number;
};

/** Composes the track of `seed` and renders it to a FLAC file in `cacheDir`, or reuses that file. */
export async function synthesizeTrack(
  p: SynthesizeTrackParameters,
): Promise<SynthesizeTrackReturnType> {
  const recipe = composeTrack(p.seed);
  const graph = trackFilterGraph(recipe);
  const started = performance.now();
  const { file, cached } = await renderCached({
    cacheDir: p.cacheDir,
    version: SYNTH_VERSION,
    graph,
    name: (hash) => `track-${hash}.flac`,
    args: (partial) => [
      '-y',
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-map_metadata',
      '-1',
      '-c:a',
      'flac',
      partial,
    ],
    ...(p.signal ? { signal: p.signal } : {}),
  });
  return { file, recipe, cached, renderMs: cached ? 0 : performance.now() - started };
}
