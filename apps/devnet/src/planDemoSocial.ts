// The demo catalog's social life: who follows whom, which tracks are reposted and saved, and the
// weighted picks that fill its playlists.
import { PLAY_LIMITS } from '@coliving/protocol';
import { DEMO_MAX_TRACK_LISTENS } from './constants.js';
import { seededRandom } from './seededRandom.js';

/**
 * Who does what, decided up front from a fixed seed so every devnet gets the same catalog, and
 * skewed so trending and search have a clear order: popular landlords gather most followers,
 * and a few tracks most reposts and saves (weights fall as 1/rank). Members are numbered
 * landlords first, then residents; tracks landlord by landlord.
 */
export function planDemoSocial(landlords: number, residents: number, tracks: number) {
  const random = seededRandom('coliving-demo-social');
  const follows: [from: number, to: number][] = []; // member indexes: landlords first
  const landlordIndex = (i: number) => i;
  const residentIndex = (r: number) => landlords + r;
  for (let i = 0; i < landlords; i++) {
    for (const step of [1, 2]) {
      const j = (i + step) % landlords;
      if (j !== i && !follows.some(([a, b]) => a === i && b === j)) follows.push([i, j]);
    }
  }
  for (let r = 0; r < residents; r++) {
    for (let i = 0; i < landlords; i++) {
      // Every landlord has two resident followers (with a landlord's, the three trending asks
      // of an owner); the first landlords have most.
      const forced = i % residents === r || (i + 1) % residents === r;
      if (forced || random() < 1 / (1 + i) ** 0.7) {
        follows.push([residentIndex(r), landlordIndex(i)]);
      }
    }
    if (residents > 1) follows.push([residentIndex(r), residentIndex((r + 1) % residents)]);
  }
  // The first resident is a tastemaker the first landlords follow: their reposts weigh more.
  for (let i = 0; i < Math.min(2, landlords); i++) follows.push([i, residentIndex(0)]);

  // Track popularity: a seeded order of the tracks, weight 1/(rank+1).
  const order = Array.from({ length: tracks }, (_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const weight = new Map(order.map((track, rank) => [track, 1 / (rank + 1)]));
  const reposts: [member: number, track: number][] = [];
  const saves: [member: number, track: number][] = [];
  for (let r = 0; r < residents; r++) {
    for (let t = 0; t < tracks; t++) {
      const w = weight.get(t)!;
      // The favourite is everyone's: it tops trending at any scale.
      if (w === 1 || random() < Math.min(0.9, 1.6 * w)) reposts.push([residentIndex(r), t]);
      if (w === 1 || random() < Math.min(0.95, 2.2 * w)) saves.push([residentIndex(r), t]);
    }
  }
  return {
    follows,
    reposts,
    saves,
    order,
    weight,
    listens: planListens(landlords, residents, weight),
  };
}

/**
 * Who listens to what, and how often: each track gets listens by its popularity (the favourite
 * DEMO_MAX_TRACK_LISTENS, the least popular one or two), dealt out among the residents from a
 * seeded starting point, no resident more than a user's hourly limit, so every one counts.
 * Members are numbered as above: landlords first.
 */
function planListens(landlords: number, residents: number, weight: Map<number, number>) {
  // Its own seed: the follows, reposts and saves above stay what they were.
  const random = seededRandom('coliving-demo-listens');
  const listens: [member: number, track: number, count: number][] = [];
  for (const [track, w] of weight) {
    let total = Math.min(
      residents * PLAY_LIMITS.trackUser.hour,
      Math.max(1, Math.round(DEMO_MAX_TRACK_LISTENS * w ** 0.6)),
    );
    const counts = new Array<number>(residents).fill(0);
    for (let r = Math.floor(random() * residents); total > 0; r = (r + 1) % residents) {
      if (counts[r]! >= PLAY_LIMITS.trackUser.hour) continue;
      counts[r]!++;
      total--;
    }
    for (const [r, count] of counts.entries())
      if (count > 0) listens.push([landlords + r, track, count]);
  }
  return listens;
}

/**
 * When each thing happens, as an era index into `eras` (0 the oldest): each track is published
 * in one era, its reposts and saves in that era or a later one. Tracks take eras by popularity
 * from the newest down (the favourite is new, so it tops this week's trending too), and the next
 * most popular are older, so each window has its own leaders. One era puts everything now.
 */
export function planDemoHistory(
  social: Pick<ReturnType<typeof planDemoSocial>, 'order' | 'reposts' | 'saves'>,
  eras: number,
) {
  const random = seededRandom('coliving-demo-history');
  const trackEra = new Array<number>(social.order.length).fill(0);
  social.order.forEach((track, rank) => {
    trackEra[track] = eras - 1 - (rank % eras);
  });
  const fromEra = (era: number) => era + Math.floor(random() * (eras - era));
  return {
    trackEra,
    repostEra: social.reposts.map(([, track]) => fromEra(trackEra[track]!)),
    saveEra: social.saves.map(([, track]) => fromEra(trackEra[track]!)),
  };
}

/** Picks `n` distinct items, each with a chance proportional to its weight. */
export function weightedSample<T>(
  random: () => number,
  items: T[],
  weightOf: (item: T) => number,
  n: number,
) {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < n && pool.length > 0) {
    const total = pool.reduce((sum, item) => sum + weightOf(item), 0);
    let x = random() * total;
    let index = pool.findIndex((item) => (x -= weightOf(item)) <= 0);
    if (index === -1) index = pool.length - 1;
    picked.push(...pool.splice(index, 1));
  }
  return picked;
}

/** How a demo track is gated (docs/design.md §9); a track without one is free to stream. */
export type DemoTrackGate =
  | { kind: 'follow' }
  | { kind: 'tip' }
  /** Priced on its own, the price split with another landlord (a member index). */
  | { kind: 'purchase'; collaborator: number }
  /** Sold with its landlord's album (the album's purchase unlocks it), or on its own. */
  | { kind: 'album' };

/**
 * Which demo tracks are gated, and which album is for sale, so a fresh devnet shows every kind
 * of lock: the last album (when there are two or more, so the first stays free) is sold and its
 * tracks gated by purchase; among the landlords without an album, their later tracks (never a
 * landlord's first two, so each has free music) take a priced track split with another landlord,
 * a tip gate and a follow gate, in that order. Tracks are numbered landlord by landlord.
 */
export function planDemoAccess(landlords: number, tracksPerLandlord: number) {
  const albums = Math.ceil(landlords / 2);
  const albumForSale = albums >= 2 ? albums - 1 : undefined;
  const trackGates = new Array<DemoTrackGate | undefined>(landlords * tracksPerLandlord);
  if (albumForSale !== undefined) {
    for (let index = 0; index < tracksPerLandlord; index++)
      trackGates[albumForSale * tracksPerLandlord + index] = { kind: 'album' };
  }
  const candidates: { landlord: number; index: number }[] = [];
  for (let index = tracksPerLandlord - 1; index >= 2; index--)
    for (let landlord = landlords - 1; landlord >= albums; landlord--)
      candidates.push({ landlord, index });
  const kinds: DemoTrackGate[] = [
    { kind: 'purchase', collaborator: 0 },
    { kind: 'tip' },
    { kind: 'follow' },
  ];
  for (const [i, gate] of kinds.entries()) {
    const at = candidates[i];
    if (!at) break;
    trackGates[at.landlord * tracksPerLandlord + at.index] =
      gate.kind === 'purchase' ? { kind: 'purchase', collaborator: at.landlord - 1 } : gate;
  }
  return { trackGates, albumForSale };
}
