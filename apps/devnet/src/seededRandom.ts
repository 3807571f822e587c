// The demo catalog's one source of chance: every choice (music, pictures, who follows whom) is
// drawn from a seed, so every devnet gets the same catalog.
import { createHash } from 'node:crypto';

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
