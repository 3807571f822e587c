// Drives one <audio> element through a track's stream sources: the signed URL first, then the
// same URL on each mirror. A source that errors, or stalls for STALL_MS without progress, hands
// over to the next one at the same position; when every source failed, fresh sources are asked
// for once (signatures expire, nodes come and go) before the track is reported unplayable.

/** A stalled or waiting source that makes no progress for this long counts as dead. */
export const STALL_MS = 4000;

/**
 * The sources a track streams from, best first. `again` is true when the fetch is for a listen
 * already under way (a restore, a retry, fresh signatures after failures), not a new one.
 */
export type SourceLoader = (
  trackId: string,
  signal: AbortSignal,
  context: { again: boolean },
) => Promise<string[]>;

export type StreamPlayerEvents = {
  /** Seconds into the track and its length. */
  onTime(position: number, duration: number): void;
  /** Waiting for audio while the listener wants to hear it. */
  onBuffering(buffering: boolean): void;
  /** Why the track cannot play (every source failed), or null when it can again. */
  onError(message: string | null): void;
  onEnded(): void;
  /** The audio stopped without being asked to (autoplay refused, a device went away). */
  onStopped(): void;
};

export type StreamPlayerOptions = { stallMs?: number };

export const UNPLAYABLE = 'This track cannot be played right now.';

const HAVE_METADATA = 1;
const HAVE_FUTURE_DATA = 3;

export class StreamPlayer {
  private trackId: string | null = null;
  private fallbackDuration = 0;
  private sources: string[] = [];
  /** Index into `sources` of the source on the element; -1 while none is. */
  private source = -1;
  private refreshed = false;
  private failed = false;
  private wantPlay = false;
  /** Where to seek once the source's metadata is in. */
  private pendingSeek: number | null = null;
  private lastTime = 0;
  private fetching: AbortController | null = null;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  /** Playback moved (or a new source loaded) since the stall watch began. */
  private progressed = false;
  /** Where the buffer at the playhead ended when the stall watch began. */
  private bufferedMark = 0;
  /** A new source is on the element and has not loaded yet: its `pause` is not the listener's. */
  private switching = false;
  private readonly stallMs: number;
  private readonly listeners: [string, () => void][];

  constructor(
    private readonly audio: HTMLAudioElement,
    private readonly loadSources: SourceLoader,
    private readonly events: StreamPlayerEvents,
    options: StreamPlayerOptions = {},
  ) {
    this.stallMs = options.stallMs ?? STALL_MS;
    this.listeners = [
      ['loadedmetadata', () => this.onMetadata()],
      ['durationchange', () => this.emitTime()],
      ['timeupdate', () => this.onTimeUpdate()],
      ['seeking', () => this.onSeeking()],
      ['playing', () => this.onPlaying()],
      ['canplay', () => this.onCanPlay()],
      ['waiting', () => this.onWaiting()],
      ['stalled', () => this.onWaiting()],
      ['pause', () => this.onPause()],
      ['ended', () => this.onEnded()],
      ['error', () => this.onSourceError()],
    ];
  }

  /** Starts listening to the element. */
  start(): void {
    for (const [type, listener] of this.listeners) this.audio.addEventListener(type, listener);
  }

  /** Stops listening, cancels any fetch and timer, and empties the element. */
  stop(): void {
    for (const [type, listener] of this.listeners) this.audio.removeEventListener(type, listener);
    this.fetching?.abort();
    this.fetching = null;
    this.clearStall();
    this.detach();
  }

  /** The track whose sources are on (or being fetched for) the element. */
  get currentTrackId(): string | null {
    return this.trackId;
  }

  /** The last position the element reached (or will seek to). */
  get position(): number {
    return this.pendingSeek ?? this.lastTime;
  }

  /**
   * Loads a track from fresh sources, starting at `at` seconds; plays if play() was asked.
   * `again`: this continues a listen (a restore after a reload) rather than starting one.
   */
  load(trackId: string, at: number, duration: number, again = false): void {
    this.trackId = trackId;
    this.fallbackDuration = duration;
    this.lastTime = Math.max(0, at);
    this.refreshed = false;
    this.fetchSources(again);
  }

  /** Forgets the track: nothing is loaded. */
  unload(): void {
    this.fetching?.abort();
    this.fetching = null;
    this.trackId = null;
    this.wantPlay = false;
    this.lastTime = 0;
    this.pendingSeek = null;
    this.clearStall();
    this.detach();
    this.setFailed(null);
    this.events.onBuffering(false);
    this.events.onTime(0, 0);
  }

  /** Starts the loaded track again from `at` (a restart, repeat one). */
  restart(at: number): void {
    if (this.failed) {
      this.lastTime = at;
      this.retry();
      return;
    }
    this.seek(at);
    if (this.wantPlay) this.play();
  }

  play(): void {
    this.wantPlay = true;
    if (!this.trackId) return;
    if (this.failed) {
      this.retry();
      return;
    }
    if (this.source < 0) {
      this.events.onBuffering(true); // the sources are on their way
      return;
    }
    if (this.audio.readyState < HAVE_FUTURE_DATA) {
      this.events.onBuffering(true);
      this.armStall();
    }
    if (this.pendingSeek === null) this.startAudio();
  }

  pause(): void {
    this.wantPlay = false;
    this.clearStall();
    this.events.onBuffering(false);
    if (!this.audio.paused) this.audio.pause();
  }

  seek(seconds: number): void {
    const duration = this.duration();
    const at = Math.max(0, duration > 0 ? Math.min(seconds, duration) : seconds);
    this.lastTime = at;
    if (this.source < 0 || this.pendingSeek !== null || this.audio.readyState < HAVE_METADATA) {
      this.pendingSeek = this.source < 0 ? null : at;
    } else {
      this.audio.currentTime = at;
    }
    this.emitTime();
  }

  /** Tries the track again from fresh sources at the last position. */
  retry(): void {
    if (!this.trackId) return;
    this.refreshed = false;
    this.fetchSources(true);
  }

  private duration(): number {
    const d = this.audio.duration;
    return Number.isFinite(d) && d > 0 ? d : this.fallbackDuration;
  }

  private emitTime(): void {
    this.events.onTime(this.position, this.duration());
  }

  private setFailed(message: string | null): void {
    this.failed = message !== null;
    this.events.onError(message);
  }

  private fetchSources(again: boolean): void {
    this.fetching?.abort();
    const controller = new AbortController();
    this.fetching = controller;
    this.clearStall();
    this.detach();
    this.setFailed(null);
    this.events.onBuffering(this.wantPlay);
    this.emitTime();
    const trackId = this.trackId!;
    this.loadSources(trackId, controller.signal, { again }).then(
      (sources) => {
        if (controller.signal.aborted) return;
        this.fetching = null;
        this.sources = sources;
        if (sources.length === 0) this.fail();
        else this.useSource(0);
      },
      () => {
        if (controller.signal.aborted) return;
        this.fetching = null;
        this.fail();
      },
    );
  }

  private useSource(index: number): void {
    this.source = index;
    this.pendingSeek = this.lastTime > 0 ? this.lastTime : null;
    this.progressed = false;
    this.switching = true;
    this.audio.src = this.sources[index]!;
    this.events.onBuffering(this.wantPlay);
    if (this.wantPlay) {
      this.armStall();
      if (this.pendingSeek === null) this.startAudio();
    }
  }

  /** The source on the element failed: the next one, fresh ones once, or give up. */
  private failover(): void {
    this.clearStall();
    this.lastTime = this.position;
    if (this.source + 1 < this.sources.length) {
      this.useSource(this.source + 1);
    } else if (!this.refreshed) {
      this.refreshed = true;
      this.fetchSources(true);
    } else {
      this.fail();
    }
  }

  private fail(): void {
    this.detach();
    this.wantPlay = false;
    this.events.onBuffering(false);
    this.setFailed(UNPLAYABLE);
    this.events.onStopped();
  }

  /** Takes the source off the element (which pauses it without a `pause` event). */
  private detach(): void {
    this.source = -1;
    this.pendingSeek = null;
    if (this.audio.hasAttribute('src')) {
      this.audio.removeAttribute('src');
      this.audio.load();
    }
  }

  private startAudio(): void {
    const played = this.audio.play() as Promise<void> | undefined;
    played?.catch((error: unknown) => {
      // A source that fails rejects here too, and its `error` event moves on; only a refusal to
      // play at all (no user gesture yet) stops the player.
      if ((error as { name?: string }).name !== 'NotAllowedError') return;
      this.wantPlay = false;
      this.clearStall();
      this.events.onBuffering(false);
      this.events.onStopped();
    });
  }

  /**
   * The end of the buffered range at the playhead (the playhead itself when none): bytes still
   * arriving for where we play are progress; `progress` events are not (they also come for what
   * was in flight when a node died).
   */
  private bufferedEnd(): number {
    const { buffered, currentTime } = this.audio;
    for (let i = 0; i < (buffered?.length ?? 0); i++) {
      if (buffered.start(i) <= currentTime + 0.5 && buffered.end(i) >= currentTime) {
        return buffered.end(i);
      }
    }
    return currentTime;
  }

  private armStall(): void {
    if (this.stallTimer !== null) return;
    this.progressed = false;
    this.bufferedMark = this.bufferedEnd();
    this.stallTimer = setTimeout(() => this.checkStall(), this.stallMs);
  }

  private clearStall(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private checkStall(): void {
    this.stallTimer = null;
    if (!this.wantPlay || this.source < 0) return;
    if (!this.progressed && this.bufferedEnd() <= this.bufferedMark) {
      this.failover();
    } else if (this.audio.readyState < HAVE_FUTURE_DATA) {
      this.armStall(); // slow, but alive: keep watching
    }
  }

  private onMetadata(): void {
    if (this.source < 0) return;
    this.progressed = true;
    this.switching = false;
    if (this.pendingSeek !== null) {
      const at = this.pendingSeek;
      this.pendingSeek = null;
      this.audio.currentTime = at;
      this.lastTime = at;
    }
    this.emitTime();
    if (this.wantPlay) this.startAudio();
  }

  private onTimeUpdate(): void {
    if (this.source < 0 || this.pendingSeek !== null) return;
    const t = this.audio.currentTime;
    if (t !== this.lastTime) this.progressed = true;
    this.lastTime = t;
    this.emitTime();
  }

  /**
   * A seek (ours or anyone's) is where the track is from now on, even if it never completes: a
   * seek into what a dead node never sent fires no timeupdate, and failover must resume there.
   */
  private onSeeking(): void {
    if (this.source < 0 || this.pendingSeek !== null) return;
    this.lastTime = this.audio.currentTime;
    this.emitTime();
  }

  private onPlaying(): void {
    if (this.source < 0) return;
    this.switching = false;
    this.clearStall();
    this.events.onBuffering(false);
  }

  private onCanPlay(): void {
    if (this.source < 0 || this.wantPlay) return;
    this.events.onBuffering(false);
  }

  private onWaiting(): void {
    if (this.source < 0 || !this.wantPlay) return;
    this.events.onBuffering(true);
    this.armStall();
  }

  private onPause(): void {
    // Ours (pause()) clear wantPlay first; the end of a track is handled by `ended`; a browser
    // that pauses while it swaps sources is not the listener pausing.
    if (this.source < 0 || !this.wantPlay || this.switching || this.audio.ended) return;
    this.wantPlay = false;
    this.clearStall();
    this.events.onBuffering(false);
    this.events.onStopped();
  }

  private onEnded(): void {
    if (this.source < 0) return;
    this.clearStall();
    this.events.onEnded();
  }

  private onSourceError(): void {
    if (this.source < 0) return;
    this.failover();
  }
}
