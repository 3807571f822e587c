// Tracks as anyone without a `user_id` sees them, kept as JSON bytes per track. A track read is
// otherwise a database round trip, a dozen-key owner object and a JSON encoding per request;
// from here it is a map lookup. The indexer drops a kept track as soon as it changes the track
// or its owner (row or counts), so a kept answer is never older than the block it is served
// under.
import type { EntityChanges } from '../indexer/entityBatch.js';
import { type TrackView, loadTracks } from '../core/catalog.js';
import { type ApiComponents, EncodedJson, responseContext } from './common.js';
import { presentTracks, trackAccess } from './present.js';
import { type ResponseContext, isScheduled, toTrack } from './responses.js';

/** A track as it answers without a current user. */
export type PublicTrack = {
  trackId: number;
  ownerId: number;
  /** Whether anyone may find it by id: not deleted, owner active, released. */
  isPublic: boolean;
  /** The API v1 Track, UTF-8 JSON. */
  json: Buffer;
};

type Entry = { track: PublicTrack; context: string };

/**
 * Public tracks' JSON by track id, least recently used first out once `maxBytes` is reached.
 * Only what cannot change without the indexer is kept: a gated track (its access is worked out
 * per request) and a scheduled one (it changes with the clock) are rebuilt every time.
 */
export class TrackJsonCache {
  private readonly entries = new Map<number, Entry>();
  private readonly byOwner = new Map<number, Set<number>>();
  private bytes = 0;
  private changeCount = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * Taken before the database is read for tracks to keep: `set` refuses them if the indexer
   * changed anything since, as what was read may predate that change.
   */
  ticket(): number {
    return this.changeCount;
  }

  /** The kept track, when it was built for this response context. */
  get(trackId: number, context: string): PublicTrack | undefined {
    const entry = this.entries.get(trackId);
    if (entry === undefined || entry.context !== context) return undefined;
    this.entries.delete(trackId); // most recently used last
    this.entries.set(trackId, entry);
    return entry.track;
  }

  set(track: PublicTrack, context: string, ticket: number): void {
    if (ticket !== this.changeCount || track.json.length > this.maxBytes / 64) return;
    this.drop(track.trackId);
    this.entries.set(track.trackId, { track, context });
    let tracks = this.byOwner.get(track.ownerId);
    if (tracks === undefined) this.byOwner.set(track.ownerId, (tracks = new Set()));
    tracks.add(track.trackId);
    this.bytes += track.json.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  /** Drops every kept track the changes touch: the track itself, or its owner. */
  invalidate(changes: EntityChanges): void {
    if (changes.users.size === 0 && changes.tracks.size === 0) return;
    this.changeCount++;
    for (const trackId of changes.tracks) this.drop(trackId);
    for (const userId of changes.users)
      for (const trackId of this.byOwner.get(userId) ?? []) this.drop(trackId);
  }

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private drop(trackId: number): void {
    const entry = this.entries.get(trackId);
    if (entry === undefined) return;
    this.entries.delete(trackId);
    this.bytes -= entry.track.json.length;
    const tracks = this.byOwner.get(entry.track.ownerId);
    tracks?.delete(trackId);
    if (tracks?.size === 0) this.byOwner.delete(entry.track.ownerId);
  }
}

const contextKeys = new WeakMap<readonly string[], string>();

/** What a kept track's JSON depends on besides the catalog: where the content nodes are. */
function contextKey(ctx: ResponseContext): string {
  // The node list is one array until it is read again: its key is worked out once per list.
  let nodes = contextKeys.get(ctx.contentNodes);
  if (nodes === undefined) contextKeys.set(ctx.contentNodes, (nodes = ctx.contentNodes.join(' ')));
  return `${ctx.publicUrl} ${ctx.replicationFactor} ${nodes}`;
}

/** A track anyone may fetch by id: not deleted, owner active, released. Unlisted ones are. */
export function isPublicById(track: {
  isDeleted: boolean;
  releaseDate: Date | null;
  owner: { isDeactivated: boolean };
}): boolean {
  return !track.isDeleted && !track.owner.isDeactivated && !isScheduled(track.releaseDate);
}

/** Tracks as anyone without a current user sees them, in the order of `ids`; unknown ids are left out. */
export async function publicTracks(
  components: ApiComponents,
  ids: readonly number[],
): Promise<PublicTrack[]> {
  const cache = components.trackJson;
  const ctx = await responseContext(components, undefined);
  const context = contextKey(ctx);
  const found = new Map<number, PublicTrack>();
  const missing: number[] = [];
  for (const id of ids) {
    const kept = cache.get(id, context);
    if (kept) found.set(id, kept);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const ticket = cache.ticket();
    for (const view of await loadTracks(components.db, missing)) {
      const track = await built(components, view, ctx);
      found.set(view.trackId, track);
      if (view.streamConditions === null && !isScheduled(view.releaseDate))
        cache.set(track, context, ticket);
    }
  }
  const out: PublicTrack[] = [];
  for (const id of ids) {
    const track = found.get(id);
    if (track) out.push(track);
  }
  return out;
}

/**
 * Tracks in the order of `ids`, as an answer's `data`: from kept JSON when no current user asks
 * (a page is then a few lookups and a copy), else built for that user.
 */
export async function trackListData(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
): Promise<unknown> {
  if (viewerId !== undefined) return presentTracks(components, ids, viewerId);
  return EncodedJson.array((await publicTracks(components, ids)).map((t) => t.json));
}

async function built(
  components: ApiComponents,
  view: TrackView,
  ctx: ResponseContext,
): Promise<PublicTrack> {
  const access = await trackAccess(components, view, undefined);
  return {
    trackId: view.trackId,
    ownerId: view.ownerId,
    isPublic: isPublicById(view),
    json: Buffer.from(JSON.stringify(toTrack(view, ctx, access))),
  };
}
