// For tests: the SDK's own stand-in nodes (tiny HTTP servers speaking the discovery and content
// node wire formats over an in-memory chain) and a real SDK on them, so page tests exercise the
// real SDK instead of a mock of it.
import { resolve } from 'node:path';
import type { UploadReceipt } from '@coliving/protocol';
import { type ColivingSdk, createColivingSdk } from '@coliving/sdk';
import { fetch as nodeFetch } from 'undici';
import { type FakePayments, createFakePayments } from '../../testing/fakePayments.js';

type FakeNode = { endpoint: string; close: () => Promise<void> };
/** A play the stand-in indexer holds: numeric ids (no user: anonymous), `at` in ms. */
export type FakePlay = { trackId: number; userId?: number; at: number };
type FakeChain = { plays: FakePlay[]; playlists: Map<number, unknown> };
type FakeNodes = {
  createFakeChain: () => FakeChain;
  fakeUploadReceipt: (p: {
    uploader: string;
    cid: string;
    durationSeconds: number;
  }) => Promise<UploadReceipt>;
  startFakeContentNode: (options: TestNetworkOptions) => Promise<FakeNode>;
  startFakeDiscoveryNode: (options: {
    chain: unknown;
    contentNodes: () => string[];
  }) => Promise<FakeNode>;
};

// Not exported by the package; loaded by path at run time so that this app's typecheck (DOM lib)
// does not take in that Node-only file.
const FAKE_NODES = resolve(
  import.meta.dirname,
  '../../../../../packages/sdk/src/testing/fakeNodes.ts',
);

export type TestNetwork = {
  endpoints: string[];
  /** The money routes' stand-in (a DGCO ledger) beside the discovery node. */
  payments: FakePayments;
  close: () => Promise<void>;
  /** Records plays as the indexer would have read them from the play log. */
  recordPlays: (plays: FakePlay[]) => void;
  /** An upload receipt for publishing a track from a CID (no upload in between). */
  uploadReceipt: (uploader: string, cid: string, durationSeconds: number) => Promise<UploadReceipt>;
};

export type TestNetworkOptions = {
  /** The content node's audio jobs end in `error`. */
  failTranscode?: boolean;
  /** The content node restarts at the first poll of a job, down this many ms. */
  restartOnFirstPoll?: number;
};

/** The money stand-in of each running network, by its discovery node's origin. */
const PAYMENTS = new Map<string, FakePayments>();

/** One discovery and one content node over a fresh chain. */
export async function startTestNetwork(options: TestNetworkOptions = {}): Promise<TestNetwork> {
  const fakes = (await import(/* @vite-ignore */ FAKE_NODES)) as FakeNodes;
  const chain = fakes.createFakeChain();
  const content = await fakes.startFakeContentNode(options);
  const discovery = await fakes.startFakeDiscoveryNode({
    chain,
    contentNodes: () => [content.endpoint],
  });
  const payments = createFakePayments(discovery.endpoint, () => chain.playlists.keys());
  PAYMENTS.set(discovery.endpoint, payments);
  return {
    endpoints: [discovery.endpoint],
    payments,
    recordPlays: (plays) => void chain.plays.push(...plays),
    uploadReceipt: (uploader, cid, durationSeconds) =>
      fakes.fakeUploadReceipt({ uploader, cid, durationSeconds }),
    close: async () => {
      PAYMENTS.delete(discovery.endpoint);
      await Promise.all([discovery.close(), content.close()]);
    },
  };
}

/**
 * An SDK on `endpoints`, through Node's fetch (these are plain HTTP servers, without the CORS
 * headers happy-dom's fetch wants). The stand-in discovery node has no
 * `/v1/users/account/:wallet` (what the session reads after a login), so with `userId` that one
 * read is answered from `/v1/users/:id`. With `holdUploads`, file uploads hang until aborted.
 */
export function sdkOn(
  endpoints: string[],
  userId?: string,
  options: { holdUploads?: boolean } = {},
): ColivingSdk {
  const fetchFn = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    // An upload that never finishes sending, until it is aborted (a slow connection).
    if (options.holdUploads && url.pathname === '/uploads' && init?.method === 'POST') {
      const signal = init.signal;
      return new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error));
      });
    }
    if (userId && url.pathname.startsWith('/v1/users/account/'))
      url.pathname = `/v1/users/${userId}`;
    const payments = PAYMENTS.get(url.origin);
    const answered = payments ? payments.answer(url, init) : Promise.resolve(undefined);
    return answered.then(
      (answer) => answer ?? nodeFetch(url, init as Parameters<typeof nodeFetch>[1]),
    );
  };
  return createColivingSdk({
    discoveryNodes: endpoints,
    fetch: fetchFn as unknown as typeof fetch,
    pollIntervalMs: 5,
  });
}
