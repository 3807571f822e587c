import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { placementFor, rankNodes } from './placement.js';

const nodes = [
  'http://127.0.0.1:4001',
  'http://127.0.0.1:4002',
  'http://127.0.0.1:4003',
  'http://127.0.0.1:4004',
  'http://127.0.0.1:4005',
];
const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';

describe('rendezvous placement', () => {
  it('ranks by sha256(endpoint ‖ key), highest first (golden)', () => {
    const byHand = [...nodes].sort((a, b) =>
      Buffer.compare(
        createHash('sha256')
          .update(b + CID)
          .digest(),
        createHash('sha256')
          .update(a + CID)
          .digest(),
      ),
    );
    assert.deepEqual(rankNodes(nodes, CID), byHand);
    // Pinned, so that a change of the ranking (which would move every blob) cannot go unnoticed.
    assert.deepEqual(rankNodes(nodes, CID), [
      'http://127.0.0.1:4002',
      'http://127.0.0.1:4005',
      'http://127.0.0.1:4003',
      'http://127.0.0.1:4001',
      'http://127.0.0.1:4004',
    ]);
  });

  it('ranks exactly as the node:crypto ranking it replaced, for many keys and node lists', () => {
    const reference = (endpoints: string[], key: string) =>
      [...new Set(endpoints)].sort(
        (a, b) =>
          Buffer.compare(
            createHash('sha256').update(b).update(key).digest(),
            createHash('sha256').update(a).update(key).digest(),
          ) || (a < b ? -1 : 1),
      );
    const many = Array.from({ length: 12 }, (_, i) => `https://cn${i}.coliving.example`);
    for (let i = 0; i < 500; i++) {
      const key = i % 2 ? `key-${i}-ü` : `bafkrei${i.toString(36)}`;
      assert.deepEqual(rankNodes(many, key), reference(many, key), key);
      assert.deepEqual(rankNodes(nodes, key), reference(nodes, key), key);
    }
  });

  it('does not depend on the order or duplicates of the node list', () => {
    assert.deepEqual(rankNodes([...nodes].reverse().concat(nodes[0]!), CID), rankNodes(nodes, CID));
  });

  it('takes the first R nodes, and all when there are fewer', () => {
    assert.deepEqual(placementFor(nodes, CID, 3), rankNodes(nodes, CID).slice(0, 3));
    assert.deepEqual(placementFor(nodes.slice(0, 2), CID, 3).length, 2);
  });

  it('moves only the keys a new node ranks first when it joins', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
    const joined = [...nodes, 'http://127.0.0.1:4006'];
    let moved = 0;
    for (const key of keys) {
      const before = rankNodes(nodes, key)[0];
      const after = rankNodes(joined, key)[0];
      if (before !== after) {
        moved++;
        assert.equal(after, 'http://127.0.0.1:4006');
      }
    }
    // About 1/6 of keys move to the new node, none between old nodes.
    assert.ok(moved > 2000 / 6 - 120 && moved < 2000 / 6 + 120, `moved ${moved}`);
  });
});
