import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJobQueue } from './jobQueue.js';

/** A promise with its resolve, to hold jobs open until the test lets them finish. */
function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('createJobQueue', () => {
  it('never runs more than `concurrency` jobs at once, and runs each once', async () => {
    let running = 0;
    let peak = 0;
    const ran: string[] = [];
    const g = gate();
    const queue = createJobQueue({
      concurrency: 2,
      run: async (id) => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        ran.push(id);
        running--;
      },
      onError: (id, error) => assert.fail(`${id}: ${String(error)}`),
    });
    for (const id of ['a', 'b', 'c', 'd', 'a', 'b']) queue.enqueue(id);
    assert.equal(queue.size, 4);
    g.open();
    await queue.idle();
    assert.equal(peak, 2);
    assert.deepEqual(ran.sort(), ['a', 'b', 'c', 'd']);
  });

  it('reports a failing job and goes on with the rest', async () => {
    const failed: string[] = [];
    const done: string[] = [];
    const queue = createJobQueue({
      concurrency: 1,
      run: async (id) => {
        if (id === 'bad') throw new Error('ffmpeg exploded');
        done.push(id);
      },
      onError: (id) => failed.push(id),
    });
    for (const id of ['x', 'bad', 'y']) queue.enqueue(id);
    await queue.idle();
    assert.deepEqual(failed, ['bad']);
    assert.deepEqual(done, ['x', 'y']);
  });

  it('stop aborts running jobs, drops queued ones and takes no more', async () => {
    const aborted: string[] = [];
    const queue = createJobQueue({
      concurrency: 1,
      run: (id, signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted.push(id);
            reject(new Error(`aborted ${id}`));
          });
        }),
      onError: () => undefined,
    });
    queue.enqueue('long');
    queue.enqueue('queued');
    await queue.stop();
    assert.deepEqual(aborted, ['long']);
    queue.enqueue('late');
    assert.equal(queue.size, 0);
    await queue.idle();
  });
});
