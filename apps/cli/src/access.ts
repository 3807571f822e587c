// Who may stream a track, as `upload` and `track edit` take it on the command line: a price with
// splits, a follow or tip gate, public, and whether it is listed and downloadable. Everything the
// command line alone can get wrong is caught by parseAccess before any upload or signature;
// resolveAccess then names the split collaborators on the network.
import { MAX_PRICE_WEI, percentageToBasisPoints } from '@coliving/protocol';
import type { ColivingSdk, TrackFieldsInput } from '@coliving/sdk';
import { formatDgco, parseDgco } from './dgco.js';
import { UsageError } from './errors.js';
import { findUser } from './targets.js';

/** The access options, added to `upload` and `track edit`. */
export const ACCESS_OPTIONS = {
  price: { type: 'string' },
  split: { type: 'string', multiple: true },
  'follow-gate': { type: 'boolean' },
  'tip-gate': { type: 'boolean' },
  public: { type: 'boolean' },
  unlisted: { type: 'boolean' },
  listed: { type: 'boolean' },
  downloadable: { type: 'boolean' },
  'not-downloadable': { type: 'boolean' },
} as const;

/** The gate options alone: what a playlist or album takes (it has no listing or download flag). */
export const GATE_OPTIONS = {
  price: ACCESS_OPTIONS.price,
  split: ACCESS_OPTIONS.split,
  'follow-gate': ACCESS_OPTIONS['follow-gate'],
  'tip-gate': ACCESS_OPTIONS['tip-gate'],
  public: ACCESS_OPTIONS.public,
} as const;

export const GATE_USAGE =
  '[--price <DGCO> [--split @handle=percent ...] | --follow-gate | --tip-gate | --public]';

export const ACCESS_USAGE =
  '[--price <DGCO> [--split @handle=percent ...] | --follow-gate | --tip-gate | --public] [--unlisted | --listed] [--downloadable | --not-downloadable]';

/** The most collaborators a purchase gate splits among (the metadata schema's limit). */
export const MAX_SPLITS = 10;

/** One `--split`: a user as typed (`@bob`, a handle or an id) and their percentage. */
export type SplitRequest = { user: string; percentage: number };

/** What the access options ask for, checked but with split users not yet looked up. */
export type AccessRequest = {
  gate?:
    | { kind: 'purchase'; price: bigint; splits: SplitRequest[] }
    | { kind: 'follow' }
    | { kind: 'tip' }
    | { kind: 'public' };
  isUnlisted?: boolean;
  isDownloadable?: boolean;
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

/** `@bob=30` → { user: '@bob', percentage: 30 }; a UsageError for anything else. */
export function parseSplit(text: string): SplitRequest {
  const at = text.lastIndexOf('=');
  const user = at > 0 ? text.slice(0, at).trim() : '';
  const share =
    at > 0
      ? text
          .slice(at + 1)
          .trim()
          .replace(/%$/, '')
      : '';
  if (user === '' || user === '@' || !PERCENT.test(share))
    throw new UsageError(
      `--split takes @handle=percent, e.g. --split @bob=30 (got "${text}"; a percentage has at most 2 decimals)`,
    );
  const percentage = Number(share);
  if (percentageToBasisPoints(percentage) === undefined)
    throw new UsageError(`--split ${text}: a share must be above 0 and at most 100 percent`);
  return { user, percentage };
}

/** Price bounds of a purchase gate: above 0, at most the DGCO supply. */
export function parsePrice(text: string): bigint {
  const price = parseDgco(text, '--price');
  if (price <= 0n) throw new UsageError('--price must be above 0 DGCO');
  if (price > MAX_PRICE_WEI)
    throw new UsageError(
      `--price ${text} is above the whole DGCO supply (${formatDgco(MAX_PRICE_WEI)} DGCO)`,
    );
  return price;
}

function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** The access options in `values`, checked; contradictions and bad amounts are UsageErrors. */
export function parseAccess(values: Values): AccessRequest {
  const price = typeof values.price === 'string' ? values.price : undefined;
  const splits = (Array.isArray(values.split) ? values.split : []).map(String);
  const gates = [
    price !== undefined && '--price',
    flag(values, 'follow-gate') && '--follow-gate',
    flag(values, 'tip-gate') && '--tip-gate',
    flag(values, 'public') && '--public',
  ].filter((g): g is string => g !== false);
  if (gates.length > 1)
    throw new UsageError(
      `${gates.join(' and ')} contradict each other: a track has one access (a price, a follow gate, a tip gate, or public)`,
    );
  if (splits.length > 0 && price === undefined)
    throw new UsageError('--split shares a sale: give the track a --price too');
  if (flag(values, 'unlisted') && flag(values, 'listed'))
    throw new UsageError('--unlisted and --listed contradict each other');
  if (flag(values, 'downloadable') && flag(values, 'not-downloadable'))
    throw new UsageError('--downloadable and --not-downloadable contradict each other');

  const request: AccessRequest = {};
  if (price !== undefined) {
    const parsed = splits.map(parseSplit);
    if (parsed.length > MAX_SPLITS)
      throw new UsageError(`at most ${MAX_SPLITS} --split collaborators (got ${parsed.length})`);
    if (parsed.length > 0) {
      const total = parsed.reduce((sum, s) => sum + percentageToBasisPoints(s.percentage)!, 0);
      if (total !== 10_000)
        throw new UsageError(
          `--split percentages sum to ${total / 100}, not 100: name every collaborator, yourself included (or leave --split out to keep the whole price)`,
        );
    }
    request.gate = { kind: 'purchase', price: parsePrice(price), splits: parsed };
  } else if (flag(values, 'follow-gate')) request.gate = { kind: 'follow' };
  else if (flag(values, 'tip-gate')) request.gate = { kind: 'tip' };
  else if (flag(values, 'public')) request.gate = { kind: 'public' };
  if (flag(values, 'unlisted')) request.isUnlisted = true;
  if (flag(values, 'listed')) request.isUnlisted = false;
  if (flag(values, 'downloadable')) request.isDownloadable = true;
  if (flag(values, 'not-downloadable')) request.isDownloadable = false;
  return request;
}

/** Whether the request changes anything at all. */
export function asksForChange(request: AccessRequest): boolean {
  return (
    request.gate !== undefined ||
    request.isUnlisted !== undefined ||
    request.isDownloadable !== undefined
  );
}

type AccessFields = Pick<
  TrackFieldsInput,
  'streamConditions' | 'downloadConditions' | 'isUnlisted' | 'isDownloadable'
>;
type Conditions = NonNullable<TrackFieldsInput['streamConditions']>;

/**
 * The track fields `request` sets for a track owned by `ownerId`, with each `--split` user looked
 * up (a user named twice, or who does not exist, is an error). A gate covers the download too: the
 * original is never free when the stream is not. `--public` clears both.
 */
export async function resolveAccess(
  sdk: ColivingSdk,
  request: AccessRequest,
  ownerId: string,
): Promise<AccessFields> {
  const fields: AccessFields = {};
  if (request.isUnlisted !== undefined) fields.isUnlisted = request.isUnlisted;
  if (request.isDownloadable !== undefined) fields.isDownloadable = request.isDownloadable;
  const gate = request.gate;
  if (!gate) return fields;
  let conditions: Conditions | null;
  if (gate.kind === 'public') conditions = null;
  else if (gate.kind === 'follow') conditions = { followUserId: ownerId };
  else if (gate.kind === 'tip') conditions = { tipUserId: ownerId };
  else {
    const splits: { userId: string; percentage: number }[] = [];
    for (const split of gate.splits) {
      const user = await findUser(sdk, split.user).catch((error: unknown) => {
        const type = (error as { type?: string }).type;
        if (type === 'not_found' || type === 'invalid_input')
          throw new UsageError(`--split ${split.user}: no such user`);
        throw error;
      });
      if (splits.some((s) => s.userId === user.id))
        throw new UsageError(`--split names @${user.handle} twice`);
      splits.push({ userId: user.id, percentage: split.percentage });
    }
    conditions = purchaseConditions(gate.price, splits);
  }
  fields.streamConditions = conditions;
  fields.downloadConditions = conditions;
  return fields;
}

/** A purchase gate in the SDK's terms (no splits: the whole price to the owner). */
function purchaseConditions(
  price: bigint,
  splits: { userId: string; percentage: number }[],
): Conditions {
  return { purchase: { price, ...(splits.length > 0 ? { splits } : {}) } };
}

/** A track's stream conditions (as the API answers them) in words, for the command's output. */
export function describeAccess(
  conditions: Record<string, unknown> | null | undefined,
  handles: Map<string, string> = new Map(),
): string {
  if (!conditions) return 'public';
  if ('follow_user_id' in conditions) return 'follow to unlock';
  if ('tip_user_id' in conditions) return 'tip to unlock';
  const purchase = conditions.dgco_purchase as
    { price: string; splits?: { user_id: number | string; percentage: number }[] } | undefined;
  if (!purchase) return 'gated';
  const splits = (purchase.splits ?? [])
    .map((s) => `${handles.get(String(s.user_id)) ?? `user ${s.user_id}`} ${s.percentage}%`)
    .join(', ');
  return `for sale at ${formatDgco(purchase.price)} DGCO${splits ? ` (split: ${splits})` : ''}`;
}
