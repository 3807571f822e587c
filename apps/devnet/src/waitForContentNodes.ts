// Seeding waits for the discovery node to know every content node: the SDK uploads only to the
// nodes it lists.
import { type ColivingSdk, isColivingSdkError } from '@coliving/sdk';
import { CONTENT_NODES_DEADLINE_MS } from './constants.js';

/** Polls until the discovery node lists every one of `endpoints` as a content node. */
export async function waitForContentNodes(
  sdk: ColivingSdk,
  endpoints: string[],
  signal: AbortSignal,
): Promise<void> {
  const wanted = endpoints.map((e) => e.replace(/\/+$/, ''));
  const deadline = Date.now() + CONTENT_NODES_DEADLINE_MS;
  for (;;) {
    let listed: string[] = [];
    try {
      listed = await sdk.discovery.contentNodes(signal);
    } catch (error) {
      if (!isColivingSdkError(error, 'no_healthy_node')) throw error;
    }
    const missing = wanted.filter((e) => !listed.includes(e));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the discovery node does not list ${missing.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    signal.throwIfAborted();
  }
}
