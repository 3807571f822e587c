// Tracks as anyone without a `user_id` sees them, kept as JSON bytes per track (api/present.ts
// fills and reads them). The indexer drops a kept track as soon as it changes the track or its
// owner (row or counts), so a kept answer is never older than the block it is served under.
import type { EntityChanges } from '../../core/entityChanges.js';
import { widened } from '../../core/widened.js';
import type { ResponseContext } from '../responses.js';

/** A track as it answers without a current user. */
export type PublicTrack = {
  trackId: number;
  ownerId: number;
  /** Whether anyone may find it by id: not deleted, owner active, released. */
  isPublic: boolean;
  /** The API v1 Track, UTF-8 JSON. */
  json: Buffer;
};

/** The cache's memory is this many chunks, and the oldest goes as one when a new one is needed. */
const CHUNKS = 16;
/** Contexts (content node lists) kept apart before the cache starts over. */
const MAX_CONTEXTS = 64;
const NONE = -1;

/**
 * Public tracks' JSON by track id, kept in a ring of large byte chunks. The JSON of 100,000 tracks
 * as 100,000 Buffers and entry objects made every major garbage collection mark them all, which
 * halved search throughput next to it; here the whole cache is 16 buffers, a few typed arrays and
 * two maps of small integers.
 *
 * New JSON is appended to the newest chunk. When it is full, the oldest chunk gets a fresh buffer
 * (an answer still being written from the old one is never overwritten): the tracks in it that
 * were read since they were written move into it, the rest are dropped. Tracks in use stay while
 * the rest age out (a clock, the usual stand-in for least recently used), and the bytes of
 * dropped tracks are reclaimed as the ring turns.
 *
 * Only what cannot change without the indexer is kept: a gated track (its access is worked out
 * per request) and a scheduled one (it changes with the clock) are rebuilt every time.
 */
export class TrackJsonCache {
  /** track id → slot */
  private readonly slots = new Map<number, number>();
  /** owner id → first slot of the owner's kept tracks */
  private readonly ownerFirst = new Map<number, number>();
  private readonly contexts = new Map<string, number>();
  private readonly chunkBytes: number;
  private readonly chunks: (Buffer | undefined)[] = new Array<Buffer | undefined>(CHUNKS);
  private readonly chunkFirst = new Int32Array(CHUNKS).fill(NONE);
  private head = 0;
  private headUsed = 0;
  // Per slot: what the track is and where its bytes are, and its links in its owner's and its
  // chunk's lists.
  private trackIds = new Float64Array(0);
  private ownerIds = new Float64Array(0);
  private starts = new Uint32Array(0);
  private lengths = new Uint32Array(0);
  private chunkOf = new Uint8Array(0);
  private contextOf = new Uint8Array(0);
  private publicFlags = new Uint8Array(0);
  private readFlags = new Uint8Array(0);
  private ownerNext = new Int32Array(0);
  private ownerPrev = new Int32Array(0);
  private chunkNext = new Int32Array(0);
  private chunkPrev = new Int32Array(0);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private bytes = 0;
  private changeCount = 0;
  /**
   * The response context the kept tracks are built in and its key, remade when the content-node
   * list changes (see publicTracks in api/present.ts).
   */
  publicContext: { nodes: readonly string[]; ctx: ResponseContext; key: string } | undefined;

  constructor(readonly maxBytes: number) {
    this.chunkBytes = Math.max(0, Math.floor(maxBytes / CHUNKS));
  }

  /**
   * Taken before the database is read for tracks to keep: `set` refuses them if the indexer
   * changed anything since, as what was read may predate that change.
   */
  ticket(): number {
    return this.changeCount;
  }

  /** The kept track, when it was built for this response context. */
  get(trackId: number, context: string): PublicTrack | undefined {
    const slot = this.slots.get(trackId);
    if (slot === undefined || this.contexts.get(context) !== this.contextOf[slot]) return undefined;
    const chunk = this.chunkOf[slot]!;
    const start = this.starts[slot]!;
    const json = this.chunks[chunk]!.subarray(start, start + this.lengths[slot]!);
    this.readFlags[slot] = 1;
    return {
      trackId,
      ownerId: this.ownerIds[slot]!,
      isPublic: this.publicFlags[slot] === 1,
      json,
    };
  }

  set(track: PublicTrack, context: string, ticket: number): void {
    const length = track.json.length;
    if (ticket !== this.changeCount || length === 0 || length > this.maxBytes / 64) return;
    this.drop(track.trackId);
    let contextId = this.contexts.get(context);
    if (contextId === undefined) {
      if (this.contexts.size === MAX_CONTEXTS) this.clear();
      this.contexts.set(context, (contextId = this.contexts.size));
    }
    const slot = this.newSlot();
    this.slots.set(track.trackId, slot);
    this.trackIds[slot] = track.trackId;
    this.ownerIds[slot] = track.ownerId;
    this.publicFlags[slot] = track.isPublic ? 1 : 0;
    this.contextOf[slot] = contextId;
    const first = this.ownerFirst.get(track.ownerId) ?? NONE;
    this.ownerPrev[slot] = NONE;
    this.ownerNext[slot] = first;
    if (first !== NONE) this.ownerPrev[first] = slot;
    this.ownerFirst.set(track.ownerId, slot);
    this.bytes += length;
    this.place(slot, track.json);
  }

  /** Drops every kept track the changes touch: the track itself, or its owner. */
  invalidate(changes: EntityChanges): void {
    if (changes.users.size === 0 && changes.tracks.size === 0) return;
    this.changeCount++;
    for (const trackId of changes.tracks) this.drop(trackId);
    for (const userId of changes.users) {
      let slot = this.ownerFirst.get(userId) ?? NONE;
      while (slot !== NONE) {
        const next = this.ownerNext[slot]!;
        this.drop(this.trackIds[slot]!);
        slot = next;
      }
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** Bytes of JSON kept (the chunks hold up to `maxBytes`, dropped tracks' bytes included). */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Writes a slot's bytes at the end of the newest chunk, taking the next chunk when it is full. */
  private place(slot: number, json: Buffer): void {
    if (this.chunks[this.head] === undefined || this.headUsed + json.length > this.chunkBytes) {
      if (this.chunks[this.head] !== undefined) this.head = (this.head + 1) % CHUNKS;
      this.reuse(this.head);
    }
    this.append(slot, json);
  }

  private append(slot: number, json: Buffer): void {
    const chunk = this.head;
    json.copy(this.chunks[chunk]!, this.headUsed);
    this.starts[slot] = this.headUsed;
    this.lengths[slot] = json.length;
    this.headUsed += json.length;
    this.chunkOf[slot] = chunk;
    this.readFlags[slot] = 0;
    const first = this.chunkFirst[chunk]!;
    this.chunkPrev[slot] = NONE;
    this.chunkNext[slot] = first;
    if (first !== NONE) this.chunkPrev[first] = slot;
    this.chunkFirst[chunk] = slot;
  }

  /**
   * Gives a chunk a fresh buffer. Its tracks read since they were written there are copied into
   * it (up to half of it), the others are dropped: a second chance, so tracks in use stay.
   */
  private reuse(chunk: number): void {
    const old = this.chunks[chunk];
    let slot = this.chunkFirst[chunk]!;
    this.chunkFirst[chunk] = NONE;
    this.chunks[chunk] = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.headUsed = 0;
    while (slot !== NONE) {
      const next = this.chunkNext[slot]!;
      const length = this.lengths[slot]!;
      if (
        old !== undefined &&
        this.readFlags[slot] === 1 &&
        this.headUsed + length <= this.chunkBytes / 2
      ) {
        const start = this.starts[slot]!;
        this.append(slot, old.subarray(start, start + length));
      } else {
        this.drop(this.trackIds[slot]!, false);
      }
      slot = next;
    }
  }

  /** Forgets a track; `inChunk` false when its chunk's list is being taken apart already. */
  private drop(trackId: number, inChunk = true): void {
    const slot = this.slots.get(trackId);
    if (slot === undefined) return;
    this.slots.delete(trackId);
    this.bytes -= this.lengths[slot]!;
    if (inChunk) this.unlinkChunk(slot);
    const ownerId = this.ownerIds[slot]!;
    const prev = this.ownerPrev[slot]!;
    const next = this.ownerNext[slot]!;
    if (prev !== NONE) this.ownerNext[prev] = next;
    else if (next !== NONE) this.ownerFirst.set(ownerId, next);
    else this.ownerFirst.delete(ownerId);
    if (next !== NONE) this.ownerPrev[next] = prev;
    this.freeSlots.push(slot);
  }

  private unlinkChunk(slot: number): void {
    const prev = this.chunkPrev[slot]!;
    const next = this.chunkNext[slot]!;
    if (prev !== NONE) this.chunkNext[prev] = next;
    else this.chunkFirst[this.chunkOf[slot]!] = next;
    if (next !== NONE) this.chunkPrev[next] = prev;
  }

  private clear(): void {
    this.slots.clear();
    this.ownerFirst.clear();
    this.contexts.clear();
    this.chunks.fill(undefined);
    this.chunkFirst.fill(NONE);
    this.freeSlots.length = 0;
    this.slotCount = 0;
    this.bytes = 0;
  }

  private newSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.slotCount === this.trackIds.length) this.grow(Math.max(1024, this.slotCount * 2));
    return this.slotCount++;
  }

  private grow(capacity: number): void {
    this.trackIds = widened(this.trackIds, capacity);
    this.ownerIds = widened(this.ownerIds, capacity);
    this.starts = widened(this.starts, capacity);
    this.lengths = widened(this.lengths, capacity);
    this.chunkOf = widened(this.chunkOf, capacity);
    this.contextOf = widened(this.contextOf, capacity);
    this.publicFlags = widened(this.publicFlags, capacity);
    this.readFlags = widened(this.readFlags, capacity);
    this.ownerNext = widened(this.ownerNext, capacity);
    this.ownerPrev = widened(this.ownerPrev, capacity);
    this.chunkNext = widened(this.chunkNext, capacity);
    this.chunkPrev = widened(this.chunkPrev, capacity);
  }
}
