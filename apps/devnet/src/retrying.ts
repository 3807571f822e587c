// Retries of the demo catalog's steps: a step that failed for a moment (the SDK's "not now"
// errors) runs again after a pause, having first looked for what the failed attempt did anyway.
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseError } from '@coliving/protocol';
import { isColivingSdkError } from '@coliving/sdk';
import { RETRY_DELAYS_MS } from './constants.js';

/** SDK errors that say "not now" rather than "no". */
const TRANSIENT_ERRORS = [
  'no_healthy_node',
  'network',
  'timeout',
  'server',
  'rate_limited',
] as const;

/** An error's short message, for a line of progress or an error of our own. */
export function messageOf(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

function isTransient(error: unknown): boolean {
  return TRANSIENT_ERRORS.some((type) => isColivingSdkError(error, type));
}

/**
 * Runs `attempt`, and again after a pause when it fails for a moment (RETRY_DELAYS_MS). Before
 * each retry, `recover` looks for what a failed attempt may have done anyway (a write that was
 * relayed, but not seen indexed): if it finds it, that is the result. With `recoverFirst` it
 * also looks before the first attempt (an earlier seeding may have done it). `alsoRetry` names
 * more errors to retry.
 */
export async function retrying<T>(
  what: string,
  attempt: () => Promise<T>,
  p: {
    say: (message: string) => void;
    signal: AbortSignal;
    recover?: () => Promise<T | undefined>;
    recoverFirst?: boolean;
    /** Errors this step also retries: a refusal that says "not yet" here (see listenToDemoTracks). */
    alsoRetry?: (error: unknown) => boolean;
  },
): Promise<T> {
  if (p.recoverFirst && p.recover) {
    const done = await p.recover();
    if (done !== undefined) return done;
  }
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[retry];
      const again = isTransient(error) || p.alsoRetry?.(error) === true;
      if (!again || delay === undefined || p.signal.aborted) throw error;
      p.say(`retrying ${what} in ${delay / 1000} s (${messageOf(error)})`);
      await sleep(delay, undefined, { signal: p.signal });
      try {
        const done = await p.recover?.();
        if (done !== undefined) return done;
      } catch (failure) {
        if (!isTransient(failure)) throw failure;
      }
    }
  }
}
