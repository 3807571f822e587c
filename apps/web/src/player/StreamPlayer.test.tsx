// The failover engine against happy-dom's <audio>: it does not fetch or play, so the element's
// events (error, loadedmetadata, waiting, ended) are dispatched by the test as a browser would.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALL_MS, StreamPlayer, type StreamPlayerEvents, UNPLAYABLE } from './StreamPlayer.js';

type Log = {
  errors: (string | null)[];
  buffering: boolean[];
  ended: number;
  stopped: number;
  time: [number, number][];
};

function setup(batches: string[][]) {
  const audio = document.createElement('audio');
  document.body.append(audio);
  const calls: string[] = [];
  let batch = 0;
  const loader = vi.fn(
    async (trackId: string, _signal: AbortSignal, _context: { again: boolean }) => {
      calls.push(trackId);
      const sources = batches[Math.min(batch, batches.length - 1)]!;
      batch++;
      return sources;
    },
  );
  const log: Log = { errors: [], buffering: [], ended: 0, stopped: 0, time: [] };
  const events: StreamPlayerEvents = {
    onTime: (p, d) => log.time.push([p, d]),
    onBuffering: (b) => log.buffering.push(b),
    onError: (e) => log.errors.push(e),
    onEnded: () => log.ended++,
    onStopped: () => log.stopped++,
  };
  const engine = new StreamPlayer(audio, loader, events);
  engine.start();
  const fire = (type: string) => audio.dispatchEvent(new Event(type));
  const setReady = (state: number) =>
    Object.defineProperty(audio, 'readyState', { value: state, configurable: true });
  return { audio, engine, loader, log, fire, setReady };
}

/** Lets the loader's promise settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const NODE_A = 'http://a.test/tracks/stream/cid?signature=s1';
const NODE_B = 'http://b.test/tracks/stream/cid?signature=s1';
const NODE_C = 'http://c.test/tracks/stream/cid?signature=s1';
const FRESH = 'http://a.test/tracks/stream/cid?signature=s2';

describe('StreamPlayer', () => {
  it('plays the first source of the track', async () => {
    const { audio, engine, loader } = setup([[NODE_A, NODE_B]]);
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    expect(loader).toHaveBeenCalledTimes(1);
    expect(loader.mock.calls[0]![0]).toBe('t1');
    expect(audio.src).toBe(NODE_A);
    expect(audio.paused).toBe(false);
  });

  it('moves to the next source at the same position when the node fails mid-track', async () => {
    const { audio, engine, log, fire } = setup([[NODE_A, NODE_B, NODE_C]]);
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    audio.currentTime = 62;
    fire('timeupdate');
    expect(log.time.at(-1)).toEqual([62, 200]);

    fire('error');
    expect(audio.src).toBe(NODE_B);
    fire('pause'); // a browser pausing while it swaps sources
    expect(log.stopped).toBe(0);
    // The position holds while the new source loads, and is applied once it can seek.
    audio.currentTime = 0;
    fire('timeupdate');
    expect(engine.position).toBe(62);
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(62);
    expect(audio.paused).toBe(false);
    expect(log.errors.filter(Boolean)).toEqual([]);
  });

  it('stays paused on the next source when it was paused', async () => {
    const { audio, engine, fire } = setup([[NODE_A, NODE_B]]);
    engine.load('t1', 30, 200);
    await settle();
    expect(audio.src).toBe(NODE_A);
    fire('error');
    expect(audio.src).toBe(NODE_B);
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(30);
    expect(audio.paused).toBe(true);
  });

  it('treats a wait of more than STALL_MS without progress as a dead source', async () => {
    const { audio, engine, fire, setReady } = setup([[NODE_A, NODE_B]]);
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    setReady(4);
    audio.currentTime = 40;
    fire('timeupdate');
    fire('playing');
    setReady(2);
    fire('waiting');
    vi.advanceTimersByTime(STALL_MS - 100);
    expect(audio.src).toBe(NODE_A);
    vi.advanceTimersByTime(200);
    expect(audio.src).toBe(NODE_B);
    expect(engine.position).toBe(40);
  });

  it('resumes where a seek was going when the node dies before the seek completes', async () => {
    const { audio, engine, fire, setReady } = setup([[NODE_A, NODE_B]]);
    engine.play();
    engine.load('t1', 0, 300);
    await settle();
    setReady(4);
    audio.currentTime = 3;
    fire('timeupdate');
    // Someone seeks past what was buffered; the dead node never answers, so no timeupdate.
    audio.currentTime = 122;
    fire('seeking');
    setReady(1);
    fire('waiting');
    vi.advanceTimersByTime(STALL_MS + 100);
    expect(audio.src).toBe(NODE_B);
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(122);
  });

  it('keeps a slow source that is still making progress', async () => {
    const { audio, engine, fire, setReady } = setup([[NODE_A, NODE_B]]);
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    setReady(2);
    let end = 10;
    Object.defineProperty(audio, 'buffered', {
      configurable: true,
      get: () => ({ length: 1, start: () => 0, end: () => end }),
    });
    fire('waiting');
    vi.advanceTimersByTime(STALL_MS / 2);
    end = 11; // bytes are arriving for where it plays
    vi.advanceTimersByTime(STALL_MS / 2 + 100);
    expect(audio.src).toBe(NODE_A);
    // …and once they stop arriving, the source is dead.
    vi.advanceTimersByTime(STALL_MS);
    expect(audio.src).toBe(NODE_B);
    fire('playing'); // the mirror plays: nothing more to watch
    vi.advanceTimersByTime(STALL_MS * 3);
    expect(audio.src).toBe(NODE_B);
  });

  it('does not watch for stalls while paused', async () => {
    const { audio, engine, fire } = setup([[NODE_A, NODE_B]]);
    engine.load('t1', 0, 200);
    await settle();
    fire('stalled');
    vi.advanceTimersByTime(STALL_MS * 3);
    expect(audio.src).toBe(NODE_A);
  });

  it('asks for fresh sources once when all fail, then reports the track unplayable', async () => {
    const { audio, engine, loader, log, fire } = setup([[NODE_A, NODE_B], [FRESH], [NODE_C]]);
    engine.play();
    engine.load('t1', 12, 200);
    await settle();
    fire('error');
    expect(audio.src).toBe(NODE_B);
    fire('error');
    await settle();
    expect(loader).toHaveBeenCalledTimes(2);
    expect(loader.mock.calls.map((call) => call[2])).toEqual([{ again: false }, { again: true }]);
    expect(audio.src).toBe(FRESH);
    expect(engine.position).toBe(12);
    fire('error');
    await settle();
    expect(loader).toHaveBeenCalledTimes(2);
    expect(log.errors.at(-1)).toBe(UNPLAYABLE);
    expect(log.stopped).toBe(1);
    expect(log.buffering.at(-1)).toBe(false);
    expect(audio.hasAttribute('src')).toBe(false);

    // play() after the error is the retry: fresh sources again, from the same position.
    engine.play();
    await settle();
    expect(loader).toHaveBeenCalledTimes(3);
    expect(loader.mock.calls[2]![2]).toEqual({ again: true });
    expect(audio.src).toBe(NODE_C);
    expect(log.errors.at(-1)).toBeNull();
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(12);
  });

  it('reports the track unplayable when its sources cannot be fetched', async () => {
    const audio = document.createElement('audio');
    const errors: (string | null)[] = [];
    const engine = new StreamPlayer(audio, () => Promise.reject(new Error('offline')), {
      onTime() {},
      onBuffering() {},
      onError: (e) => errors.push(e),
      onEnded() {},
      onStopped() {},
    });
    engine.start();
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    expect(errors.at(-1)).toBe(UNPLAYABLE);
  });

  it('ignores the answer for a track it has moved on from', async () => {
    let resolveFirst: (sources: string[]) => void = () => {};
    const audio = document.createElement('audio');
    const loader = vi.fn(
      (id: string) =>
        new Promise<string[]>((resolve) => {
          if (id === 't1') resolveFirst = resolve;
          else resolve([NODE_C]);
        }),
    );
    const engine = new StreamPlayer(audio, loader, {
      onTime() {},
      onBuffering() {},
      onError() {},
      onEnded() {},
      onStopped() {},
    });
    engine.start();
    engine.load('t1', 0, 100);
    engine.load('t2', 0, 100);
    await settle();
    resolveFirst([NODE_A]);
    await settle();
    expect(audio.src).toBe(NODE_C);
    expect(engine.currentTrackId).toBe('t2');
  });

  it('seeks before the metadata by remembering where to go', async () => {
    const { audio, engine, fire } = setup([[NODE_A]]);
    engine.load('t1', 0, 200);
    engine.seek(50); // while the sources are on their way
    await settle();
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(50);
    engine.seek(500);
    expect(engine.position).toBe(200); // clamped to the length
  });

  it('reports the end of the track, and a pause it did not ask for', async () => {
    const { audio, engine, log, fire } = setup([[NODE_A]]);
    engine.play();
    engine.load('t1', 0, 200);
    await settle();
    fire('ended');
    expect(log.ended).toBe(1);
    engine.pause();
    fire('pause');
    expect(log.stopped).toBe(0); // ours
    engine.play();
    expect(audio.paused).toBe(false);
    fire('pause'); // e.g. headphones unplugged
    expect(log.stopped).toBe(1);
  });

  it('stops listening and empties the element on stop()', async () => {
    const { audio, engine, loader, fire } = setup([[NODE_A, NODE_B]]);
    engine.load('t1', 0, 200);
    await settle();
    engine.stop();
    expect(audio.hasAttribute('src')).toBe(false);
    fire('error');
    expect(audio.hasAttribute('src')).toBe(false);
    expect(loader).toHaveBeenCalledTimes(1);
  });
});
