import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UnavailableError, contentSha256OfCid, signRequest } from '@coliving/protocol';
import type { LocalAccount } from 'viem';
import type { PeerLiveness } from './peerLiveness.js';

/** How long one node-to-node call may take before the peer counts as unreachable. */
const PEER_TIMEOUT_MS = 30_000;

/**
 * Node-to-node calls, signed with this node's delegate key (peers accept only registered nodes),
 * each with its body: a JSON body by its bytes, a streamed blob by its CID's digest. Whether the
 * peer answered goes into `liveness`, when given.
 */
export function createPeerClient(account: LocalAccount, liveness?: PeerLiveness) {
  async function call(
    peer: string,
    method: string,
    path: string,
    init: RequestInit & { content?: string } = {},
  ): Promise<Response> {
    const { content, ...rest } = init;
    const body = typeof rest.body === 'string' ? rest.body : undefined;
    const headers = {
      ...(await signRequest({ account, method, path, body, content })),
      ...(init.headers as Record<string, string> | undefined),
    };
    let res: Response;
    try {
      res = await fetch(`${peer}${path}`, {
        ...rest,
        method,
        headers,
        signal: rest.signal ?? AbortSignal.timeout(PEER_TIMEOUT_MS),
        // Streamed request bodies need half-duplex in Node's fetch.
        ...(rest.body ? { duplex: 'half' } : {}),
      });
    } catch (cause) {
      liveness?.failed(peer);
      throw new UnavailableError(`Peer ${peer} is unreachable`, { cause });
    }
    liveness?.answered(peer);
    return res;
  }

  return {
    /** Sends a blob to a peer, which verifies it against the CID. */
    async pushBlob(peer: string, cid: string, body: AsyncIterable<Uint8Array>): Promise<void> {
      const res = await call(peer, 'PUT', `/internal/blobs/${cid}`, {
        body: Readable.toWeb(Readable.from(body)) as ReadableStream,
        headers: { 'content-type': 'application/octet-stream' },
        // The peer checks the blob against the CID as it streams in: its digest is the body's.
        content: contentSha256OfCid(cid),
      });
      if (!res.ok) throw new UnavailableError(`Peer ${peer} refused blob ${cid}: ${res.status}`);
    },
    /** Fetches a blob from a peer, or undefined when it does not have it. */
    async fetchBlob(peer: string, cid: string): Promise<AsyncIterable<Uint8Array> | undefined> {
      const res = await call(peer, 'GET', `/internal/blobs/${cid}`);
      if (res.status === 404) return undefined;
      if (!res.ok || !res.body)
        throw new UnavailableError(`Peer ${peer} failed to send blob ${cid}: ${res.status}`);
      return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    },
    /** Whether a peer holds a blob. */
    async hasBlob(peer: string, cid: string, signal?: AbortSignal): Promise<boolean> {
      const res = await call(peer, 'HEAD', `/internal/blobs/${cid}`, { signal });
      return res.status === 200;
    },
    /** Sends an upload record to a peer. */
    async pushRecord(peer: string, record: unknown): Promise<void> {
      const res = await call(peer, 'POST', '/internal/uploads', {
        body: JSON.stringify(record),
        headers: { 'content-type': 'application/json' },
      });
      if (!res.ok)
        throw new UnavailableError(`Peer ${peer} refused an upload record: ${res.status}`);
    },
    /** Every upload record a peer has. */
    async fetchRecords(peer: string): Promise<unknown[]> {
      const res = await call(peer, 'GET', '/internal/uploads');
      if (!res.ok)
        throw new UnavailableError(`Peer ${peer} failed to list upload records: ${res.status}`);
      return ((await res.json()) as { data: unknown[] }).data;
    },
    /** Sends a login record (or its tombstone) to a peer, which keeps the newer version. */
    async pushAuthRecord(peer: string, record: unknown, signal?: AbortSignal): Promise<void> {
      const res = await call(peer, 'POST', '/internal/authentication', {
        body: JSON.stringify(record),
        headers: { 'content-type': 'application/json' },
        signal,
      });
      if (!res.ok) throw new UnavailableError(`Peer ${peer} refused a login record: ${res.status}`);
    },
    /** A peer's version of one login record (a tombstone included), or undefined when it has none. */
    async fetchAuthRecord(peer: string, lookupKey: string, signal?: AbortSignal): Promise<unknown> {
      const res = await call(peer, 'GET', `/internal/authentication/${lookupKey}`, { signal });
      if (res.status === 404) return undefined;
      if (!res.ok)
        throw new UnavailableError(`Peer ${peer} failed to send a login record: ${res.status}`);
      return ((await res.json()) as { data: unknown }).data;
    },
    /**
     * One page of the login records a peer has whose placement names this node, in lookup key
     * order after `after`; `next` is where the following page starts, absent on the last page.
     */
    async fetchAuthRecords(
      peer: string,
      after?: string,
    ): Promise<{ data: unknown[]; next?: unknown }> {
      const query = after ? `?after=${after}` : '';
      const res = await call(peer, 'GET', `/internal/authentication${query}`);
      if (!res.ok)
        throw new UnavailableError(`Peer ${peer} failed to list login records: ${res.status}`);
      return (await res.json()) as { data: unknown[]; next?: unknown };
    },
  };
}

export type PeerClient = ReturnType<typeof createPeerClient>;
