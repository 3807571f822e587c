// happy-dom has no Media Session; the test gives navigator one that records what it is told, as
// Chromium's would, and takes it away again to check the player does without.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bindMediaSession, setMediaMetadata, setMediaPosition } from './mediaSession.js';
import { testTrack } from './testTracks.js';

type Handler = (details: MediaSessionActionDetails) => void;

function fakeSession({ withPositionState = true } = {}) {
  const handlers = new Map<string, Handler | null>();
  const session = {
    metadata: null as unknown,
    playbackState: 'none',
    setActionHandler: vi.fn((action: string, handler: Handler | null) => {
      handlers.set(action, handler);
    }),
    setPositionState: withPositionState ? vi.fn() : undefined,
  };
  Object.defineProperty(navigator, 'mediaSession', { value: session, configurable: true });
  return { session, handlers };
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'mediaSession');
  vi.unstubAllGlobals();
});

function controls() {
  return {
    play: vi.fn(),
    pause: vi.fn(),
    previous: vi.fn(),
    next: vi.fn(),
    seek: vi.fn(),
    position: () => 30,
  };
}

describe('the Media Session', () => {
  it('routes the OS media keys to the player and lets go of them', () => {
    const { handlers } = fakeSession();
    const c = controls();
    const unbind = bindMediaSession(c);
    const call = (action: string, details: Partial<MediaSessionActionDetails> = {}) =>
      handlers.get(action)!({ action, ...details } as MediaSessionActionDetails);
    call('play');
    call('pause');
    call('previoustrack');
    call('nexttrack');
    call('seekto', { seekTime: 95 });
    call('seekbackward', {});
    call('seekforward', { seekOffset: 5 });
    expect(c.play).toHaveBeenCalledOnce();
    expect(c.pause).toHaveBeenCalledOnce();
    expect(c.previous).toHaveBeenCalledOnce();
    expect(c.next).toHaveBeenCalledOnce();
    expect(c.seek.mock.calls).toEqual([[95], [20], [35]]);
    unbind();
    expect([...handlers.values()].every((h) => h === null)).toBe(true);
  });

  it('shows the track with its artwork', () => {
    const { session } = fakeSession();
    vi.stubGlobal(
      'MediaMetadata',
      class {
        constructor(init: MediaMetadataInit) {
          Object.assign(this, init);
        }
      },
    );
    const track = {
      ...testTrack(1),
      artwork: { '480x480': 'http://a.test/art/480.jpg', mirrors: [] },
    };
    setMediaMetadata(track);
    expect(session.metadata).toMatchObject({
      title: 'Song 1',
      artist: 'Artist 1',
      artwork: [{ src: 'http://a.test/art/480.jpg', sizes: '480x480' }],
    });
    setMediaMetadata(null);
    expect(session.metadata).toBeNull();
  });

  it('sets the position only when it can and it makes sense', () => {
    const { session } = fakeSession();
    setMediaPosition(true, 200, 180);
    expect(session.playbackState).toBe('playing');
    expect(session.setPositionState).toHaveBeenLastCalledWith({
      duration: 180,
      position: 180,
      playbackRate: 1,
    });
    setMediaPosition(false, 10, Number.NaN);
    expect(session.playbackState).toBe('paused');
    expect(session.setPositionState).toHaveBeenCalledTimes(1);

    const old = fakeSession({ withPositionState: false });
    expect(() => setMediaPosition(true, 10, 100)).not.toThrow();
    expect(old.session.playbackState).toBe('playing');
  });

  it('does nothing where there is no Media Session', () => {
    expect('mediaSession' in navigator).toBe(false);
    expect(() => bindMediaSession(controls())()).not.toThrow();
    expect(() => setMediaMetadata(testTrack(1))).not.toThrow();
    expect(() => setMediaPosition(true, 1, 2)).not.toThrow();
  });
});
