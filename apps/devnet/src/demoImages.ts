// Pictures for the devnet's demo catalog: profile pictures, cover photos and artwork, drawn by
// ffmpeg from a seed (`geq` fields through a seeded palette, `mandelbrot`, `cellauto`) and kept
// as JPEG files in a cache dir.
import { renderCached } from './runFfmpeg.js';
import { seededRandom } from './seededRandom.js';

/** Part of every cache file name: change it when the drawing changes, so files render anew. */
const IMAGES_VERSION = 1;

/** `avatar` and `artwork` are square; `cover` is a wide profile banner. */
export type DemoImageKind = 'avatar' | 'cover' | 'artwork';

/** Output sizes: enough for the nodes' larger renditions, and quick for them to resize. */
const SIZES: Record<DemoImageKind, { width: number; height: number }> = {
  avatar: { width: 480, height: 480 },
  cover: { width: 1200, height: 400 },
  artwork: { width: 600, height: 600 },
};

/**
 * Fields are drawn this many times smaller than the picture and scaled up: `geq` evaluates its
 * expressions pixel by pixel (about 2 µs each), and smooth fields lose nothing to the scaling.
 */
const DRAW_SCALE = 6;

type Rgb = [number, number, number];

/** An HSL colour (h in degrees, s and l in 0–1) as 0–255 RGB. */
function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Three colours that go together: a base hue and two related by a seeded harmony. */
function palette(random: () => number): [Rgb, Rgb, Rgb] {
  const h = random() * 360;
  const spread = [30, 150, 120, 180, 200][Math.floor(random() * 5)]!;
  return [
    hsl(h, 0.55 + random() * 0.3, 0.18 + random() * 0.15),
    hsl((h + spread) % 360, 0.6 + random() * 0.3, 0.45 + random() * 0.15),
    hsl((h + spread * 2) % 360, 0.7 + random() * 0.3, 0.7 + random() * 0.15),
  ];
}

const fixed = (x: number) => String(Math.round(x * 1000) / 1000);

/**
 * A grey field (`field`, an expression of X, Y, W and H in 0–1) drawn at `w`×`h`, coloured through
 * the palette (0 the first colour, 0.5 the second, 1 the third) and scaled up. The field is the
 * only per-pixel expression: the colouring is a 256-entry lookup table.
 */
function paint(
  colours: [Rgb, Rgb, Rgb],
  field: string,
  size: { w: number; h: number; width: number; height: number },
): string {
  const channel = (i: 0 | 1 | 2) => {
    const [a, b, c] = colours.map((rgb) => rgb[i]) as [number, number, number];
    return `'if(lt(val,128),${a}+${b - a}*val/128,${b}+${c - b}*(val-128)/127)'`;
  };
  return (
    `color=c=black:s=${size.w}x${size.h}:d=1,format=gray,geq=lum='255*clip(${field},0,1)',` +
    `format=rgb24,lutrgb=r=${channel(0)}:g=${channel(1)}:b=${channel(2)},` +
    `scale=${size.width}:${size.height}:flags=lanczos`
  );
}

/** Points of the Mandelbrot set's edge worth zooming into. */
const MANDELBROT_SPOTS: readonly [number, number, number][] = [
  [-0.743643887037151, 0.13182590420533, 0.005],
  [-0.7453, 0.1127, 0.003],
  [-1.25066, 0.02012, 0.0017],
  [-0.16, 1.0405, 0.026],
  [-0.722, 0.246, 0.019],
  [0.28693186889504513, 0.014286693904085048, 0.0003],
  [-1.7497, 0.0, 0.0045],
  [-0.1011, 0.9563, 0.007],
];

/** The lavfi graph of an image: a source and its colouring, at the size of `kind`. */
export function demoImageGraph(kind: DemoImageKind, seed: string): string {
  const random = seededRandom(`coliving-demo-image:${kind}:${seed}`);
  const { width, height } = SIZES[kind];
  const size = {
    w: Math.round(width / DRAW_SCALE),
    h: Math.round(height / DRAW_SCALE),
    width,
    height,
  };
  const colours = palette(random);
  const styles =
    kind === 'avatar'
      ? ['orb', 'rings', 'cells']
      : kind === 'cover'
        ? ['hills', 'waves']
        : ['mandelbrot', 'waves', 'rings', 'hills', 'orb', 'cells'];
  const style = styles[Math.floor(random() * styles.length)]!;
  const cx = fixed(0.3 + random() * 0.4);
  const cy = fixed(0.3 + random() * 0.4);
  const a = 3 + random() * 9;
  const b = 2 + random() * 6;
  const phase = random() * 6.28;
  switch (style) {
    case 'orb': {
      // A lit sphere with a soft edge on a dark gradient.
      const r = fixed(0.22 + random() * 0.15);
      const d = `hypot(X/W-${cx},(Y/H-${cy})*H/W)`;
      const inside = `clip((${r}-${d})*W/2,0,1)`;
      return paint(colours, `0.45*Y/H*(1-${inside})+(1-0.45*${d}/${r})*${inside}`, size);
    }
    case 'rings': {
      const d = `hypot(X/W-${cx},Y/H-${cy})`;
      return paint(
        colours,
        `0.4+0.35*cos(${d}*${fixed(a * 6)}+${fixed(phase)})+0.25*pow(0.5+0.5*sin(${d}*${fixed(b * 4)}),6)`,
        size,
      );
    }
    case 'waves':
      return paint(
        colours,
        `0.4+0.35*sin(X/W*${fixed(a)}+${fixed(b)}*sin(Y/H*${fixed(b)}+${fixed(phase)}))+0.25*pow(0.5+0.5*sin(Y/H*${fixed(a)}-X/W*${fixed(b)}),8)`,
        size,
      );
    case 'hills': {
      // A sky lightening towards the horizon behind three ridges, nearer ones darker.
      const ridge = (i: number) =>
        `clip((Y/H-${fixed(0.45 + i * 0.15)}-0.08*sin(X/W*${fixed(a * (1 + i * 0.7))}+${fixed(phase + i * 2)}))*H/1.5,0,1)`;
      return paint(
        colours,
        `(0.75+0.25*Y/H)*(1-${ridge(0)})+${ridge(0)}*(0.55-0.2*${ridge(1)}-0.2*${ridge(2)})`,
        size,
      );
    }
    case 'cells': {
      // An elementary cellular automaton, a block of pixels per cell.
      const rule = [30, 45, 73, 90, 105, 110, 150, 182][Math.floor(random() * 8)]!;
      const [dark, light] = [colours[0], colours[2]];
      const lut = (i: 0 | 1 | 2) => `'if(gt(val,127),${light[i]},${dark[i]})'`;
      return (
        `cellauto=rule=${rule}:s=${Math.round(width / 8)}x${Math.round(height / 8)}:` +
        `random_seed=${Math.floor(random() * 1e9)}:random_fill_ratio=0.5:full=1:scroll=0,` +
        `format=rgb24,lutrgb=r=${lut(0)}:g=${lut(1)}:b=${lut(2)},scale=${width}:${height}:flags=neighbor`
      );
    }
    default: {
      const [x, y, scale] = MANDELBROT_SPOTS[Math.floor(random() * MANDELBROT_SPOTS.length)]!;
      return (
        `mandelbrot=s=${Math.round(width / 2)}x${Math.round(height / 2)}:start_x=${x}:start_y=${y}:` +
        `start_scale=${scale}:maxiter=200:inner=mincol:outer=normalized_iteration_count,` +
        `format=rgb24,hue=h=${Math.floor(random() * 360)}:s=${fixed(0.8 + random() * 0.6)},` +
        `scale=${width}:${height}:flags=lanczos`
      );
    }
  }
}

export type RenderDemoImageParameters = {
  kind: DemoImageKind;
  /** Anything: the same seed always gives the same picture. */
  seed: string;
  /** Where rendered files are kept; a file already there is used as is. */
  cacheDir: string;
  signal?: AbortSignal;
};

export type RenderDemoImageReturnType = { file: string; cached: boolean };

/** Draws the picture of `kind` and `seed` to a JPEG file in `cacheDir`, or reuses that file. */
export async function renderDemoImage(
  p: RenderDemoImageParameters,
): Promise<RenderDemoImageReturnType> {
  return renderCached({
    cacheDir: p.cacheDir,
    version: IMAGES_VERSION,
    graph: demoImageGraph(p.kind, p.seed),
    name: (hash) => `${p.kind}-${hash}.jpg`,
    args: (partial) => [
      '-y',
      '-f',
      'lavfi',
      '-i',
      demoImageGraph(p.kind, p.seed),
      '-frames:v',
      '1',
      '-pix_fmt',
      'yuvj444p',
      '-q:v',
      '3',
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      '-map_metadata',
      '-1',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      partial,
    ],
    ...(p.signal ? { signal: p.signal } : {}),
  });
}
