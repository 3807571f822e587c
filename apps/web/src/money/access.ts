// A track's access settings as a form holds them (docs/design.md §9): who may stream it (anyone,
// followers, tippers, buyers at a price split among collaborators by @handle), whether it is
// listed, and whether its original file may be downloaded (under the same gate).
import { MAX_PRICE_WEI, encodeHashId, percentageToBasisPoints } from '@coliving/protocol';
import type { AccessConditionsInput, ColivingSdk, User } from '@coliving/sdk';
import { formatUnits } from 'viem';
import { DGCO_DECIMALS, dgcoNumber, parseDgco } from './dgco.js';
import { gateOf } from './gates.js';

export type AccessMode = 'public' | 'follow' | 'tip' | 'purchase';

export type SplitValues = { handle: string; percentage: string };

export type AccessValues = {
  mode: AccessMode;
  /** DGCO as typed ("2.5"). */
  price: string;
  /** Collaborators; the landlord gets what is left of 100%. */
  splits: SplitValues[];
  unlisted: boolean;
  downloadable: boolean;
};

export const PUBLIC_ACCESS: AccessValues = {
  mode: 'public',
  price: '',
  splits: [],
  unlisted: false,
  downloadable: false,
};

/** At most this many collaborators besides the landlord (the gate holds ten shares). */
export const MAX_COLLABORATORS = 9;

export type AccessErrors = {
  price?: string;
  /** One per split row, by index. */
  splits?: (string | undefined)[];
  /** About the splits as a whole (their sum). */
  splitTotal?: string;
};

/** The landlord's share in percent, once the collaborators' are taken. */
export function landlordShare(splits: SplitValues[]): number {
  const taken = splits.reduce((sum, s) => sum + (Number(s.percentage) || 0), 0);
  return Math.round((100 - taken) * 100) / 100;
}

/** Every problem with the access settings, in words; {} when they are fine. */
export function validateAccess(v: AccessValues, ownHandle: string): AccessErrors {
  const errors: AccessErrors = {};
  if (v.mode !== 'purchase') return errors;
  const price = parseDgco(v.price);
  if ('error' in price) errors.price = price.error;
  else if (price.wei > MAX_PRICE_WEI)
    errors.price = `A price is at most ${dgcoNumber(MAX_PRICE_WEI)} DGCO (the whole supply).`;
  const seen = new Set<string>();
  const rows = v.splits.map((s) => {
    const handle = s.handle.trim().replace(/^@/, '').toLowerCase();
    if (handle === '') return 'Enter the collaborator’s @handle.';
    if (handle === ownHandle.toLowerCase())
      return 'You get what is left of 100%: list only your collaborators.';
    if (seen.has(handle)) return `@${handle} is listed twice.`;
    seen.add(handle);
    const p = Number(s.percentage);
    if (s.percentage.trim() === '' || percentageToBasisPoints(p) === undefined || p >= 100)
      return 'Enter a share above 0 and below 100, with at most two decimals.';
    return undefined;
  });
  if (rows.some(Boolean)) errors.splits = rows;
  if (!errors.splits && v.splits.length > 0 && landlordShare(v.splits) < 0) {
    errors.splitTotal = `Your collaborators’ shares add up to ${100 - landlordShare(v.splits)}%: they must leave room within 100%.`;
  }
  return errors;
}

export function hasAccessErrors(e: AccessErrors): boolean {
  return Boolean(e.price || e.splitTotal || e.splits?.some(Boolean));
}

/** A handle that names no one, found when the splits are resolved. */
export class UnknownHandleError extends Error {
  constructor(readonly handle: string) {
    super(`No one has the handle @${handle}.`);
  }
}

/**
 * The SDK's fields for valid settings: the stream gate (and the same download gate when the
 * original is downloadable), and the listing. Collaborators' handles are looked up, so this asks
 * the network; an unknown handle throws UnknownHandleError.
 */
export async function accessMetadata(
  sdk: ColivingSdk,
  v: AccessValues,
  owner: { id: string },
  signal?: AbortSignal,
): Promise<{
  streamConditions: AccessConditionsInput | null;
  downloadConditions: AccessConditionsInput | null;
  isUnlisted: boolean;
  isDownloadable: boolean;
}> {
  let gate: AccessConditionsInput | null = null;
  if (v.mode === 'follow') gate = { followUserId: owner.id };
  else if (v.mode === 'tip') gate = { tipUserId: owner.id };
  else if (v.mode === 'purchase') {
    const price = parseDgco(v.price);
    if ('error' in price) throw new Error(price.error);
    const collaborators = await Promise.all(
      v.splits.map(async (s) => {
        const handle = s.handle.trim().replace(/^@/, '');
        const user = await sdk.users.byHandle(handle, { signal }).catch((error: unknown) => {
          if ((error as { type?: string }).type === 'not_found')
            throw new UnknownHandleError(handle);
          throw error;
        });
        return { userId: user.id, percentage: Number(s.percentage) };
      }),
    );
    const rest = landlordShare(v.splits);
    const splits =
      collaborators.length === 0
        ? undefined
        : [...collaborators, ...(rest > 0 ? [{ userId: owner.id, percentage: rest }] : [])];
    gate = { purchase: { price: price.wei, ...(splits ? { splits } : {}) } };
  }
  return {
    streamConditions: gate,
    downloadConditions: v.downloadable ? gate : null,
    isUnlisted: v.unlisted,
    isDownloadable: v.downloadable,
  };
}

/** What the access form reads of a track or playlist (an album). */
export type AccessOf = {
  user: { id: string };
  stream_conditions?: Record<string, unknown> | null;
  is_unlisted?: boolean | null;
  is_downloadable?: boolean | null;
};

/** The form's values for a track's or album's current settings (`users`: split users, by id). */
export function accessValuesOf(content: AccessOf, users: ReadonlyMap<string, User>): AccessValues {
  const gate = gateOf(content.stream_conditions);
  const base = {
    ...PUBLIC_ACCESS,
    unlisted: Boolean(content.is_unlisted),
    downloadable: Boolean(content.is_downloadable),
  };
  if (!gate) return base;
  if (gate.kind !== 'purchase') return { ...base, mode: gate.kind };
  return {
    ...base,
    mode: 'purchase',
    // The exact amount, as a person would type it back ("2.5").
    price: formatUnits(gate.price, DGCO_DECIMALS),
    splits: (gate.splits ?? [])
      .map((s) => ({ id: encodeHashId(s.user_id), percentage: s.percentage }))
      .filter((s) => s.id !== content.user.id)
      .map((s) => ({ handle: users.get(s.id)?.handle ?? '', percentage: String(s.percentage) })),
  };
}

/** The ids of the users a track's or album's splits name (to read their handles). */
export function splitUserIds(content: Pick<AccessOf, 'stream_conditions'>): string[] {
  const gate = gateOf(content.stream_conditions);
  if (gate?.kind !== 'purchase') return [];
  return (gate.splits ?? []).map((s) => encodeHashId(s.user_id));
}
