// The instruments of the synthesizer: each part of a track (chords, bass, drums, melody) as
// `aevalsrc` sources of an ffmpeg filter graph, rendered once as a loop of a few bars at the least
// sample rate that holds it. `trackFilterGraph` mixes them.
import {
  DRUM_BARS,
  MODES,
  NOTE_NAMES,
  type Timbre,
  type TrackRecipe,
  chordDegrees,
} from './composeTrack.js';

/** Sample rate of the rendered files: CD audio. */
export const SAMPLE_RATE = 44_100;
/**
 * Rates the parts are rendered at, then resampled: the melody's harmonics stay below 11 kHz and
 * the chords' and bass's below 5 kHz, so each is rendered at the least rate that holds it (most
 * of a track's rendering time is spent evaluating these sources, sample by sample).
 */
export const MELODY_RATE = SAMPLE_RATE / 2;
export const CHORD_RATE = SAMPLE_RATE / 4;

/** A number as the filter graph writes it, to six decimals at most. */
export const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);

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
export type Grid = { sixteenth: number; beat: number; bar: number };

/** The grid of `recipe`'s tempo at `rate`. */
export function gridAt(recipe: TrackRecipe, rate: number): Grid {
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
export function chordBar(recipe: TrackRecipe, root: number, label: string): string {
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
export function bassBar(recipe: TrackRecipe, root: number, label: string): string {
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
export function hitMask(pattern: string): number {
  let mask = 0;
  for (const [i, c] of [...pattern].entries()) if (c === 'x') mask += 2 ** i;
  return mask;
}

/**
 * `bars` bars of one drum, `sound` played at each hit with ld(1) the seconds since it. Samples
 * are evaluated in order, so the time of the last hit is kept in ld(6) and a sound rings on past
 * its sixteenth until the next hit.
 */
export function drumLoop(
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
export function melodyPhrase(recipe: TrackRecipe, label: string): string {
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
