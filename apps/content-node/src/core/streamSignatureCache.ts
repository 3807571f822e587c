import {
  InvalidSignatureError,
  type StreamSignatureData,
  type VerifyStreamSignatureReturnType,
  assertSignatureFresh,
  verifyStreamSignature,
} from '@coliving/protocol';

/** Signatures remembered: a player reuses one signed URL for every range of a track. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Verifies stream signatures, remembering each recovered signer by the exact signature parameter
 * (recovery is most of a range request's CPU). A remembered signature is still checked on every
 * request against the requested CID and for freshness (its 48 h and, for a gated track, its own
 * `expiresAt`); any other bytes are verified afresh.
 */
export function createStreamSignatureVerifier(maxEntries = DEFAULT_MAX_ENTRIES) {
  const recovered = new Map<string, VerifyStreamSignatureReturnType>();
  /**
   * A remembered signature, checked against `cid` and for freshness (throwing as `verify`
   * does), or undefined when it has not been recovered yet: the stream route's synchronous lane.
   */
  function recall(
    param: unknown,
    cid: string,
    now = Date.now(),
  ): VerifyStreamSignatureReturnType | undefined {
    const hit = typeof param === 'string' ? recovered.get(param) : undefined;
    if (!hit) return undefined;
    if (hit.data.cid !== cid) {
      throw new InvalidSignatureError('Signature is for another CID', {
        code: 'signature_cid_mismatch',
      });
    }
    assertSignatureFresh(hit.data.timestamp, { now, expiresAt: hit.data.expiresAt });
    // The oldest goes first when the map is full (not the least recently used: moving a key
    // on every range cost more than an occasional second recovery of a signature in use).
    return hit;
  }
  async function verify(
    param: unknown,
    cid: string,
    now = Date.now(),
  ): Promise<{ signer: VerifyStreamSignatureReturnType['signer']; data: StreamSignatureData }> {
    const hit = recall(param, cid, now);
    if (hit) return hit;
    const result = await verifyStreamSignature({ param, cid, now });
    recovered.set(param as string, result);
    if (recovered.size > maxEntries) recovered.delete(recovered.keys().next().value!);
    return result;
  }
  return Object.assign(verify, { recall });
}
