// What the plays tell the logged-in user: `stats` (a landlord's listens: totals over 7, 30 and
// 365 days, plays per track, each track's top listeners) and `history` (what they listened to).
import { type ColivingSdk, type Track, decodeHashId } from '@coliving/sdk';
import type { Command } from '../command.js';
import { output, requireSession, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';
import { trackLine } from './catalog.js';

const DAY_MS = 86_400_000;
/** The windows `stats` totals, in days. */
export const STATS_WINDOWS = [7, 30, 365] as const;
/** A page of a landlord's tracks; `stats` reads pages until a short one. */
const TRACK_PAGE = 100;
/** Tracks whose top listeners `stats` shows, the most played first. */
const TRACKS_WITH_LISTENERS = 5;
const LISTENERS_PER_TRACK = 3;

function countOf(values: Record<string, unknown>, name: string, fallback: number): number {
  if (values[name] === undefined) return fallback;
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError(`--${name} must be a whole number from 1 to 100`);
  return n;
}

/** Every track of `userId` as its owner sees them (unlisted and scheduled too), most played first. */
async function allTracks(sdk: ColivingSdk, userId: string): Promise<Track[]> {
  const tracks: Track[] = [];
  for (let offset = 0; ; offset += TRACK_PAGE) {
    const page = await sdk.users.tracks(userId, {
      userId,
      sort: 'plays',
      limit: TRACK_PAGE,
      offset,
    });
    tracks.push(...page);
    if (page.length < TRACK_PAGE) return tracks;
  }
}

/** The landlord's listens per track (public id -> listens) from `days` ago until now. */
async function listensSince(
  sdk: ColivingSdk,
  userId: string,
  days: number,
  now: number,
): Promise<Map<number, number>> {
  const months = await sdk.users.listenCountsMonthly(userId, {
    startTime: new Date(now - days * DAY_MS),
    // A listen indexed a moment from now (a content node's clock ahead) still counts.
    endTime: new Date(now + DAY_MS),
  });
  const byTrack = new Map<number, number>();
  for (const month of Object.values(months))
    for (const c of month.listenCounts)
      byTrack.set(c.trackId, (byTrack.get(c.trackId) ?? 0) + c.listens);
  return byTrack;
}

export type StatsReport = {
  userId: string;
  handle: string;
  totals: { days7: number; days30: number; days365: number; allTime: number };
  tracks: {
    id: string;
    title: string;
    plays: number;
    plays7d: number;
    plays30d: number;
    plays365d: number;
    topListeners: { userId: string; handle: string; count: number }[];
  }[];
};

function statsText(report: StatsReport): string {
  const { totals } = report;
  const lines = [
    `@${report.handle}: ${totals.days7} plays in 7 days, ${totals.days30} in 30 days, ${totals.days365} in 365 days, ${totals.allTime} in all`,
  ];
  if (report.tracks.length === 0) lines.push('(no tracks yet)');
  for (const t of report.tracks) {
    lines.push(
      `  ${t.id}  ${t.title}  ${t.plays} plays (7 d ${t.plays7d}, 30 d ${t.plays30d}, 365 d ${t.plays365d})`,
    );
    if (t.topListeners.length > 0)
      lines.push(
        `      top listeners: ${t.topListeners.map((l) => `@${l.handle} ${l.count}`).join(', ')}`,
      );
  }
  return lines.join('\n');
}

export const playsCommands: Command[] = [
  {
    words: ['stats'],
    usage: 'stats [--listeners <n>]',
    summary:
      'Your listens as a landlord: totals for 7, 30 and 365 days, plays per track, top listeners',
    positionals: 0,
    options: { listeners: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const userId = session.userId!;
      const perTrack = countOf(values, 'listeners', LISTENERS_PER_TRACK);
      const now = Date.now();
      const [tracks, ...windows] = await Promise.all([
        allTracks(sdk, userId),
        ...STATS_WINDOWS.map((days) => listensSince(sdk, userId, days, now)),
      ]);
      const [w7, w30, w365] = windows as [Map<number, number>, ...Map<number, number>[]];
      const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      const listeners = await Promise.all(
        tracks
          .slice(0, TRACKS_WITH_LISTENERS)
          .map((t) => sdk.tracks.topListeners(t.id, { limit: perTrack })),
      );
      const report: StatsReport = {
        userId,
        handle: session.handle ?? (await sdk.users.get(userId)).handle,
        totals: {
          days7: sum(w7),
          days30: sum(w30!),
          days365: sum(w365!),
          allTime: tracks.reduce((a, t) => a + t.play_count, 0),
        },
        tracks: tracks.map((t, i) => {
          const id = decodeHashId(t.id);
          return {
            id: t.id,
            title: t.title,
            plays: t.play_count,
            plays7d: w7.get(id) ?? 0,
            plays30d: w30!.get(id) ?? 0,
            plays365d: w365!.get(id) ?? 0,
            topListeners: (listeners[i] ?? []).map((l) => ({
              userId: l.user.id,
              handle: l.user.handle,
              count: l.count,
            })),
          };
        }),
      };
      output(io, json, report, () => statsText(report));
    },
  },
  {
    words: ['history'],
    usage: 'history [--limit <n>]',
    summary: 'What you listened to, most recent first (only you can read it)',
    positionals: 0,
    options: { limit: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const history = await sdk.users.history(session.userId!, {
        limit: countOf(values, 'limit', 20),
      });
      output(io, json, history, () =>
        history.length === 0
          ? '(nothing played yet)'
          : history.map((a) => `${a.timestamp}  ${trackLine(a.item)}`).join('\n'),
      );
    },
  },
];
