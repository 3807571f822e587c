// The mixer of the synthesizer: a track's parts (from `instruments`) looped to length, entered
// one after the other, mixed (`amix`), given an echo tail (`aecho`), faded and limited, all in
// one ffmpeg filter graph.
import {
  CHORD_BARS,
  DRUM_BARS,
  DRUM_PATTERNS,
  type DrumPattern,
  MELODY_BARS,
  type TrackRecipe,
} from './composeTrack.js';
import {
  CHORD_RATE,
  MELODY_RATE,
  SAMPLE_RATE,
  bassBar,
  chordBar,
  drumLoop,
  gridAt,
  hitMask,
  melodyPhrase,
  num,
} from './instruments.js';

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
