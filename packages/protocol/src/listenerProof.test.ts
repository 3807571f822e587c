import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnauthorizedError } from './errors.js';
import { encodeHashId } from './hashids.js';
import { LISTENER_PROOF_MAX_AGE_MS, LISTENER_PROOF_MAX_SKEW_MS } from './limits.js';
import {
  checkHistoryProofData,
  checkListenerProofData,
  historyProofData,
  listenerProofData,
} from './listenerProof.js';

const NOW = 1_764_000_000_000;
const MINUTE = 60_000;
const TRACK = 11;

function refused(userData: string, now = NOW, message?: RegExp): void {
  assert.throws(
    () => checkListenerProofData({ userData, trackId: TRACK, now }),
    (error: unknown) => {
      assert.ok(error instanceof UnauthorizedError, String(error));
      assert.equal(error.code, 'invalid_user_data');
      if (message) assert.match(error.message, message);
      return true;
    },
    userData,
  );
}

describe('listener proofs', () => {
  it('writes the timestamp and the track the proof is for', () => {
    assert.equal(
      listenerProofData({ trackId: encodeHashId(TRACK), now: NOW }),
      `{"timestamp":${NOW},"track_id":"${encodeHashId(TRACK)}"}`,
    );
    assert.equal(listenerProofData({ now: NOW }), `{"timestamp":${NOW}}`);
  });

  it('accepts a fresh proof, for this track or for no track in particular', () => {
    for (const userData of [
      listenerProofData({ trackId: encodeHashId(TRACK), now: NOW }),
      listenerProofData({ now: NOW }),
      JSON.stringify({ timestamp: NOW - LISTENER_PROOF_MAX_AGE_MS }),
      JSON.stringify({ timestamp: NOW + LISTENER_PROOF_MAX_SKEW_MS }),
    ]) {
      checkListenerProofData({ userData, trackId: TRACK, now: NOW });
    }
  });

  it('refuses a proof 10 minutes old, or 10 minutes ahead of the clock', () => {
    refused(listenerProofData({ now: NOW - 10 * MINUTE }), NOW, /older than 5 minutes/);
    refused(listenerProofData({ now: NOW + 10 * MINUTE }), NOW, /in the future/);
    // The old window: 47 h ahead and 47 h old were accepted.
    refused(listenerProofData({ now: NOW + 47 * 60 * MINUTE }));
    refused(listenerProofData({ now: NOW - 47 * 60 * MINUTE }));
  });

  it('refuses a proof made for another track', () => {
    refused(listenerProofData({ trackId: encodeHashId(TRACK + 1), now: NOW }), NOW, /another/);
    refused(JSON.stringify({ timestamp: NOW, track_id: 'not a hashid' }));
    refused(JSON.stringify({ timestamp: NOW, track_id: TRACK }));
  });

  it('refuses user_data that is not a JSON object with an integer timestamp', () => {
    for (const userData of [
      '',
      'signature:1764000000000',
      '[1764000000000]',
      'null',
      `${NOW}`,
      '{}',
      JSON.stringify({ timestamp: String(NOW) }),
      JSON.stringify({ timestamp: NOW + 0.5 }),
    ]) {
      refused(userData);
    }
  });

  it('keeps history proofs and stream proofs apart: neither opens the other', () => {
    const history = historyProofData({ now: NOW });
    assert.equal(history, `{"timestamp":${NOW},"scope":"history"}`);
    checkHistoryProofData({ userData: history, now: NOW + 4 * MINUTE });
    refused(history, NOW, /something other than a stream/);
    const historyRefused = (userData: string, now = NOW) =>
      assert.throws(
        () => checkHistoryProofData({ userData, now }),
        (error: unknown) =>
          error instanceof UnauthorizedError && error.code === 'invalid_user_data',
        userData,
      );
    historyRefused(listenerProofData({ trackId: encodeHashId(TRACK), now: NOW }));
    historyRefused(listenerProofData({ now: NOW }));
    historyRefused(history, NOW + 6 * MINUTE);
    historyRefused(JSON.stringify({ timestamp: NOW, scope: 'stream' }));
  });
});
