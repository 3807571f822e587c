import type { Track } from '@coliving/sdk';
import {
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import { gateOf, lockOf } from '../money/gates.js';
import { useWallet } from '../money/wallet.js';
import { SdkContext } from '../sdk.js';
import { useSession } from '../session.js';
import { type PlayerApi, PlayerContext } from './PlayerContext.js';
import { type SourceLoader, StreamPlayer } from './StreamPlayer.js';
import { bindMediaSession, setMediaMetadata, setMediaPosition } from './mediaSession.js';
import { fromSaved, readSaved, toSaved, writeSaved } from './persist.js';
import { relatedTracks } from './autoplay.js';
import {
  type QueueAction,
  type QueueState,
  autoplayFlags,
  isLastInOrder,
  reduceQueue,
} from './queue.js';
import { SEEK_STEP_SECONDS, VOLUME_STEP, shortcutFor } from './shortcuts.js';

/** The position is written at most this often while playing (and always on pagehide). */
export const SAVE_POSITION_MS = 2000;

type Playback = {
  position: number;
  duration: number;
  buffering: boolean;
  error: string | null;
  preview: boolean;
};

export type PlayerProviderProps = {
  children: ReactNode;
  /** Where tracks stream from; the SDK's signed sources by default (tests pass their own). */
  loadSources?: SourceLoader;
};

function reducer(state: QueueState, action: QueueAction): QueueState {
  return reduceQueue(state, action);
}

/**
 * The persistent player: owns the one <audio> element, plays the queue through it with failover
 * between content nodes, remembers the queue across reloads, and answers the keyboard and the
 * OS media keys. Pages reach it with usePlayer().
 */
export function PlayerProvider({ children, loadSources }: PlayerProviderProps) {
  const sdk = useContext(SdkContext);
  const userId = useSession().user?.id;
  const [state, dispatch] = useReducer(reducer, undefined, () => fromSaved(readSaved()));
  const [playback, setPlayback] = useState<Playback>(() => ({
    position: state.startAt,
    duration: state.queue[state.index]?.duration ?? 0,
    buffering: false,
    error: null,
    preview: false,
  }));
  const { unlocks } = useWallet();
  const unlocksRef = useRef(unlocks);
  unlocksRef.current = unlocks;

  const audioRef = useRef<HTMLAudioElement>(null);
  const engineRef = useRef<StreamPlayer | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const positionRef = useRef(state.startAt);
  const savedAtRef = useRef(0);
  /** The startId the engine was last given, so a render that did not bump it loads nothing. */
  const startedRef = useRef(-1);

  const loaderRef = useRef<SourceLoader>(() => Promise.reject(new Error('No SDK')));
  loaderRef.current =
    loadSources ??
    (async (id, signal, { again }) => {
      if (!sdk) throw new Error('The player needs <SdkContext>');
      const preview = await needsPreview(id, signal);
      if (signal.aborted) throw signal.reason;
      setPlayback((p) => (p.preview === preview ? p : { ...p, preview }));
      // A listen is counted once: a restore, retry or refresh of it is not another play.
      return sdk.tracks.streamSources(id, { signal, userId, skipPlayCount: again, preview });
    });

  /**
   * Whether a track plays its preview: it is gated and neither what the pages read nor the node
   * (asked when the listener is signed in: a purchase made elsewhere counts) gives access.
   */
  const needsPreview = async (id: string, signal: AbortSignal): Promise<boolean> => {
    const track = stateRef.current.queue.find((t) => t.id === id);
    if (!track || !gateOf(track.stream_conditions)) return false;
    if (!lockOf(track, userId, unlocksRef.current)) return false;
    if (!sdk || !userId) return true;
    try {
      const info = await sdk.tracks.accessInfo(id, { userId, signal });
      return !info.access.stream;
    } catch {
      return true;
    }
  };

  const save = useCallback(() => {
    savedAtRef.current = Date.now();
    writeSaved(toSaved(stateRef.current, positionRef.current));
  }, []);

  // The engine lives as long as the provider; StrictMode's second mount gets a fresh one.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    const engine = new StreamPlayer(audio, (...args) => loaderRef.current(...args), {
      onTime(position, duration) {
        positionRef.current = position;
        setPlayback((p) =>
          p.position === position && p.duration === duration ? p : { ...p, position, duration },
        );
        if (Date.now() - savedAtRef.current >= SAVE_POSITION_MS) save();
      },
      onBuffering(buffering) {
        setPlayback((p) => (p.buffering === buffering ? p : { ...p, buffering }));
      },
      onError(error) {
        setPlayback((p) => (p.error === error ? p : { ...p, error }));
      },
      onEnded: () => dispatch({ type: 'ended' }),
      onStopped: () => dispatch({ type: 'pause' }),
    });
    engine.start();
    engineRef.current = engine;
    // What was restored (or is already queued) continues; anything started later is a new listen.
    const restored = stateRef.current;
    const track = restored.queue[restored.index];
    if (track) engine.load(track.id, restored.startAt, track.duration, true);
    startedRef.current = restored.startId;
    return () => {
      engine.stop();
      engineRef.current = null;
    };
  }, [save]);

  // The audio follows the queue: a new start loads (or rewinds), `playing` plays or pauses.
  useEffect(() => {
    const engine = engineRef.current;
    if (!engine) return;
    if (!state.playing) engine.pause();
    if (state.startId !== startedRef.current) {
      startedRef.current = state.startId;
      const track = state.queue[state.index];
      positionRef.current = state.startAt;
      if (!track) engine.unload();
      else if (engine.currentTrackId === track.id) engine.restart(state.startAt);
      else engine.load(track.id, state.startAt, track.duration);
    }
    if (state.playing) engine.play();
    // Only a new start or a change of `playing` moves the audio; the rest is read as it is then.
  }, [state.startId, state.playing]);

  // Unlocked while its preview plays (bought, tipped, followed): the track plays in full at once,
  // from the start.
  const currentTrack = state.queue[state.index];
  const stillLocked = currentTrack ? lockOf(currentTrack, userId, unlocks) !== null : false;
  useEffect(() => {
    const engine = engineRef.current;
    const track = stateRef.current.queue[stateRef.current.index];
    if (!engine || !track || !playback.preview || stillLocked) return;
    positionRef.current = 0;
    engine.load(track.id, 0, track.duration);
    if (stateRef.current.playing) engine.play();
    else dispatch({ type: 'play' });
  }, [stillLocked, playback.preview]);

  // Locked again while it plays in full (the listener unfollowed its landlord): it is loaded
  // again from the start, so the node is asked afresh and the preview plays if access is gone.
  const lockedBefore = useRef({ id: currentTrack?.id, locked: stillLocked });
  useEffect(() => {
    const before = lockedBefore.current;
    lockedBefore.current = { id: currentTrack?.id, locked: stillLocked };
    const engine = engineRef.current;
    if (!engine || !currentTrack || playback.preview) return;
    if (before.id !== currentTrack.id || before.locked || !stillLocked) return;
    positionRef.current = 0;
    engine.load(currentTrack.id, 0, currentTrack.duration);
    if (stateRef.current.playing) engine.play();
  }, [currentTrack, stillLocked, playback.preview]);

  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    audio.volume = state.volume;
    audio.muted = state.muted;
  }, [state.volume, state.muted]);

  // Everything but the position is written as it changes; the position on a timer and on leave.
  useEffect(save, [
    save,
    state.queue,
    state.index,
    state.order,
    state.shuffle,
    state.repeat,
    state.volume,
    state.muted,
    state.autoplay,
    state.startId,
  ]);

  // Every track started this session is heard: autoplay does not bring it back.
  const heardRef = useRef(new Set<string>());
  const lastTrack = state.queue[state.index];
  useEffect(() => {
    if (lastTrack) heardRef.current.add(lastTrack.id);
  }, [lastTrack]);

  // While the last track of the queue plays, related ones are found to follow it (once per
  // track), so Next and the end of the track go on into them. They are read as anyone sees
  // them: a landlord's own unlisted and scheduled tracks never autoplay.
  const wantsMore =
    state.autoplay && state.repeat === 'off' && isLastInOrder(state) && lastTrack !== undefined;
  const askedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!wantsMore || !sdk || !lastTrack || askedFor.current === lastTrack.id) return;
    askedFor.current = lastTrack.id;
    const controller = new AbortController();
    const { signal } = controller;
    const quietly = (read: Promise<Track[]>) => read.catch(() => [] as Track[]);
    void (async () => {
      const [byLandlord, byGenre] = await Promise.all([
        quietly(sdk.users.tracks(lastTrack.user.id, { limit: 20, signal })),
        lastTrack.genre
          ? quietly(sdk.tracks.trending({ genre: lastTrack.genre, limit: 20, signal }))
          : Promise.resolve([] as Track[]),
      ]);
      if (signal.aborted) return;
      const heard = new Set([...heardRef.current, ...stateRef.current.queue.map((t) => t.id)]);
      const tracks = relatedTracks(lastTrack, byLandlord, byGenre, heard);
      if (tracks.length > 0) dispatch({ type: 'autoplay', tracks });
    })();
    return () => {
      controller.abort();
      if (askedFor.current === lastTrack.id) askedFor.current = null;
    };
  }, [wantsMore, lastTrack, sdk]);
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') save();
    };
    window.addEventListener('pagehide', save);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', save);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, [save]);

  const actions = useMemo(() => {
    const send = (action: QueueAction) => dispatch(action);
    const position = () => engineRef.current?.position ?? positionRef.current;
    return {
      playQueue: (tracks: PlayerApi['queue'], startIndex = 0, at = 0) =>
        send({ type: 'playQueue', tracks, startIndex, at }),
      enqueue: (track: PlayerApi['queue'][number]) => send({ type: 'enqueue', track }),
      playNext: (track: PlayerApi['queue'][number]) => send({ type: 'playNext', track }),
      toggleAutoplay: () => send({ type: 'toggleAutoplay' }),
      removeFromQueue: (index: number) => send({ type: 'remove', index }),
      playAt: (index: number) => send({ type: 'playAt', index }),
      play: () => {
        // After an error `playing` is already false, so this is also the retry.
        send({ type: 'play' });
      },
      pause: () => send({ type: 'pause' }),
      toggle: () => send({ type: 'toggle' }),
      next: () => send({ type: 'next' }),
      previous: () => send({ type: 'previous', position: position() }),
      seek: (seconds: number) => engineRef.current?.seek(seconds),
      setVolume: (volume: number) => send({ type: 'setVolume', volume }),
      toggleMute: () => send({ type: 'toggleMute' }),
      toggleShuffle: () => send({ type: 'toggleShuffle' }),
      cycleRepeat: () => send({ type: 'cycleRepeat' }),
      position,
    };
  }, []);

  const current = state.queue[state.index] ?? null;
  const api = useMemo<PlayerApi>(
    () => ({
      queue: state.queue,
      index: state.index,
      playing: state.playing,
      buffering: playback.buffering,
      position: playback.position,
      duration: playback.duration || current?.duration || 0,
      shuffle: state.shuffle,
      repeat: state.repeat,
      autoplay: state.autoplay,
      autoplayed: autoplayFlags(state),
      volume: state.volume,
      muted: state.muted,
      error: playback.error,
      preview: playback.preview,
      current,
      playQueue: actions.playQueue,
      enqueue: actions.enqueue,
      playNext: actions.playNext,
      removeFromQueue: actions.removeFromQueue,
      playAt: actions.playAt,
      play: actions.play,
      pause: actions.pause,
      toggle: actions.toggle,
      next: actions.next,
      previous: actions.previous,
      seek: actions.seek,
      setVolume: actions.setVolume,
      toggleMute: actions.toggleMute,
      toggleShuffle: actions.toggleShuffle,
      cycleRepeat: actions.cycleRepeat,
      toggleAutoplay: actions.toggleAutoplay,
    }),
    [state, playback, current, actions],
  );
  const apiRef = useRef(api);
  apiRef.current = api;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const shortcut = shortcutFor(event);
      const player = apiRef.current;
      if (!shortcut || !player.current) return;
      event.preventDefault();
      const once = shortcut === 'toggle' || shortcut === 'previous' || shortcut === 'next';
      if (event.repeat && once) return;
      switch (shortcut) {
        case 'toggle':
          return player.toggle();
        case 'previous':
          return player.previous();
        case 'next':
          return player.next();
        case 'seekBackward':
          return player.seek(actions.position() - SEEK_STEP_SECONDS);
        case 'seekForward':
          return player.seek(actions.position() + SEEK_STEP_SECONDS);
        case 'volumeUp':
          return player.setVolume(Math.round((player.volume + VOLUME_STEP) * 10) / 10);
        case 'volumeDown':
          return player.setVolume(Math.round((player.volume - VOLUME_STEP) * 10) / 10);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);

  useEffect(
    () =>
      bindMediaSession({
        play: () => apiRef.current.play(),
        pause: () => apiRef.current.pause(),
        previous: () => apiRef.current.previous(),
        next: () => apiRef.current.next(),
        seek: (seconds) => apiRef.current.seek(seconds),
        position: actions.position,
      }),
    [actions],
  );
  useEffect(() => setMediaMetadata(current), [current]);
  useEffect(
    () => setMediaPosition(api.playing, api.position, api.duration),
    [api.playing, api.position, api.duration],
  );

  return (
    <PlayerContext.Provider value={api}>
      {children}
      {/* No crossOrigin: content nodes serve audio without CORS, and it would demand it. */}
      <audio ref={audioRef} data-testid="player-audio" preload="auto" />
    </PlayerContext.Provider>
  );
}
