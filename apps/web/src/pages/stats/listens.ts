// The landlord's listen counts as the stats page draws them. The API answers in Audius's shape
// (`/v1/users/{id}/listen_counts_monthly`): months keyed by their first day, each with a total
// and the listens per track. Everything here is pure, so the arithmetic is tested on its own.
import { decodeHashId } from '@coliving/protocol';

export const DAY_MS = 86_400_000;

/** The windows the page totals, in days. */
export const WINDOWS = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 365, label: 'Last 365 days' },
] as const;

/** One month of `listen_counts_monthly`, as the API sends it. */
export type MonthlyListensWire = {
  totalListens?: number;
  trackIds?: (number | string)[];
  listenCounts?: { trackId: number | string; date?: string; listens: number }[];
};

/** A month as the page uses it: "2025-03", the total and the listens per track id (numeric). */
export type MonthListens = { month: string; total: number; byTrack: Map<number, number> };

/** "2025-03" for "2025-03-01T00:00:00Z" (or "2025-03-01 00:00:00 Z", "2025-03"); null otherwise. */
export function monthKey(value: string): string | null {
  const m = /^(\d{4})-(\d{2})/.exec(value.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  return `${m[1]}-${m[2]}`;
}

/** The UTC month of a time, "2025-03". */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Every month from `startMs`'s to `endMs`'s, both included, oldest first. */
export function monthsBetween(startMs: number, endMs: number): string[] {
  const out: string[] = [];
  const at = new Date(
    Date.UTC(new Date(startMs).getUTCFullYear(), new Date(startMs).getUTCMonth()),
  );
  const last = monthOf(endMs);
  while (out.length < 1200) {
    const key = monthOf(at.getTime());
    out.push(key);
    if (key >= last) break;
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return out;
}

/** A track id as a number, whether the API sent the number or the hashid; null if neither. */
export function numericTrackId(id: number | string): number | null {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? id : null;
  try {
    return decodeHashId(id);
  } catch {
    return null;
  }
}

const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/** The API's months, oldest first; keys that are not months and counts that are not are dropped. */
export function toMonths(
  data: Record<string, MonthlyListensWire> | null | undefined,
): MonthListens[] {
  const months = new Map<string, MonthListens>();
  for (const [key, value] of Object.entries(data ?? {})) {
    const month = monthKey(key);
    if (!month || !value || typeof value !== 'object') continue;
    const row = months.get(month) ?? { month, total: 0, byTrack: new Map<number, number>() };
    let perTrack = 0;
    for (const entry of value.listenCounts ?? []) {
      const id = numericTrackId(entry.trackId);
      const listens = count(entry.listens);
      if (id === null || listens === 0) continue;
      row.byTrack.set(id, (row.byTrack.get(id) ?? 0) + listens);
      perTrack += listens;
    }
    // The total is the API's own when it sends one; else the sum of the tracks.
    row.total += value.totalListens === undefined ? perTrack : count(value.totalListens);
    months.set(month, row);
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

/** All listens in the months. */
export function totalOf(months: MonthListens[]): number {
  return months.reduce((sum, m) => sum + m.total, 0);
}

/** Listens per track id over the months. */
export function perTrack(months: MonthListens[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of months) {
    for (const [id, n] of m.byTrack) out.set(id, (out.get(id) ?? 0) + n);
  }
  return out;
}

/** Listens in each of `keys` (months), 0 where none: one track's, or all when `trackId` is null. */
export function series(months: MonthListens[], keys: string[], trackId: number | null): number[] {
  const byMonth = new Map(months.map((m) => [m.month, m]));
  return keys.map((key) => {
    const m = byMonth.get(key);
    if (!m) return 0;
    return trackId === null ? m.total : (m.byTrack.get(trackId) ?? 0);
  });
}
