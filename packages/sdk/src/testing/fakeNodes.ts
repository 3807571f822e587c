// Test stand-ins for remote nodes (Node only; not exported by the package): tiny HTTP servers that
// speak the wire formats the SDK talks to (a discovery node's API, health check and relay; a
// content node's uploads and login records), over a shared in-memory "chain". The SDK is tested
// against them as it would run against remote servers; the real nodes are tested in apps/.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address, Hex } from 'viem';
import { recoverMessageAddress } from 'viem';
import {
  cidFromBytes,
  decodeHashId,
  encodeHashId,
  parseEntityMetadata,
  parseRelayRequest,
  recoverManageEntitySigner,
  verifyRequestSignature,
} from '@coliving/protocol';

type Json = Record<string, unknown>;

/** What the fake indexer keeps: rows by id, edges as `user:target` keys. */
export type FakeChain = {
  chainId: number;
  entityManager: Address;
  head: number;
  indexed: number;
  users: Map<number, { wallet: string; data: Json; deactivated: boolean; updated: number }>;
  tracks: Map<number, { owner: number; data: Json; deleted: boolean; updated: number }>;
  playlists: Map<number, { owner: number; data: Json; deleted: boolean; updated: number }>;
  follows: Set<string>;
  saves: Set<string>;
  reposts: Set<string>;
  /** Every relay body taken, in order. */
  relayed: Json[];
  /** Actions mined but not yet indexed. */
  pending: { message: ReturnType<typeof parseRelayRequest>['message']; signer: string }[];
  /** When true, the next indexed action is skipped (as the real indexer skips invalid ones). */
  skipNext: boolean;
  /** Nonces EntityManager has seen, by signer. */
  nonces: Set<string>;
  nextId: number;
};

export function createFakeChain(): FakeChain {
  return {
    chainId: 31338,
    entityManager: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    head: 100,
    indexed: 100,
    users: new Map(),
    tracks: new Map(),
    playlists: new Map(),
    follows: new Set(),
    saves: new Set(),
    reposts: new Set(),
    relayed: [],
    pending: [],
    skipNext: false,
    nonces: new Set(),
    nextId: 1000,
  };
}

/** A minimal ISO time that grows with the block, as updated_at does. */
const timeOf = (block: number) => new Date(Date.UTC(2030, 0, 1) + block * 1000).toISOString();

/** Applies what was mined (the fake indexer): invalid actions are skipped, as on a real node. */
function index(chain: FakeChain): void {
  for (const { message, signer } of chain.pending.splice(0)) {
    if (chain.skipNext) {
      chain.skipNext = false;
      continue;
    }
    const userId = Number(message.userId);
    const id = Number(message.entityId);
    const data = parseEntityMetadata(message.entityType, message.action, message.metadata).data;
    const actor = chain.users.get(userId);
    if (message.entityType === 'User' && message.action === 'Create') {
      const taken = [...chain.users.values()].some(
        (u) => String(u.data.handle).toLowerCase() === String(data!.handle).toLowerCase(),
      );
      if (!taken && !chain.users.has(id))
        chain.users.set(id, {
          wallet: signer,
          data: data!,
          deactivated: false,
          updated: chain.head,
        });
      continue;
    }
    if (!actor || actor.wallet !== signer) continue;
    const key = `${userId}:${message.entityType}:${id}`;
    switch (`${message.entityType} ${message.action}`) {
      case 'User Update':
        actor.data = { ...actor.data, ...data };
        actor.updated = chain.head;
        if (typeof data!.is_deactivated === 'boolean') actor.deactivated = data!.is_deactivated;
        break;
      case 'User Follow':
        chain.follows.add(`${userId}:${id}`);
        break;
      case 'User Unfollow':
        chain.follows.delete(`${userId}:${id}`);
        break;
      case 'Track Create':
        chain.tracks.set(id, { owner: userId, data: data!, deleted: false, updated: chain.head });
        break;
      case 'Playlist Create':
        chain.playlists.set(id, {
          owner: userId,
          data: data!,
          deleted: false,
          updated: chain.head,
        });
        break;
      case 'Track Update':
      case 'Playlist Update': {
        const rows = message.entityType === 'Track' ? chain.tracks : chain.playlists;
        const row = rows.get(id);
        if (row && row.owner === userId) {
          row.data = { ...row.data, ...data };
          row.updated = chain.head;
        }
        break;
      }
      case 'Track Delete':
      case 'Playlist Delete': {
        const row = (message.entityType === 'Track' ? chain.tracks : chain.playlists).get(id);
        if (row && row.owner === userId) row.deleted = true;
        break;
      }
      default: {
        const set = message.action.endsWith('ave') ? chain.saves : chain.reposts;
        if (message.action.startsWith('Un')) set.delete(key);
        else set.add(key);
      }
    }
  }
  chain.indexed = chain.head;
}

function presentUser(chain: FakeChain, id: number, viewer?: number): Json | undefined {
  const user = chain.users.get(id);
  if (!user || user.deactivated) return undefined;
  return {
    id: encodeHashId(id),
    handle: user.data.handle,
    handle_lc: String(user.data.handle).toLowerCase(),
    name: user.data.name,
    bio: user.data.bio ?? null,
    wallet: user.wallet,
    follower_count: [...chain.follows].filter((f) => f.endsWith(`:${id}`)).length,
    does_current_user_follow: viewer !== undefined && chain.follows.has(`${viewer}:${id}`),
    blocknumber: 1,
    created_at: timeOf(1),
    updated_at: timeOf(user.updated),
  };
}

function presentTrack(chain: FakeChain, id: number, viewer?: number): Json | undefined {
  const track = chain.tracks.get(id);
  if (!track || track.deleted) return undefined;
  const owner = presentUser(chain, track.owner);
  if (!owner) return undefined;
  const slug = String(track.data.title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  return {
    id: encodeHashId(id),
    title: track.data.title,
    genre: track.data.genre,
    user: owner,
    user_id: encodeHashId(track.owner),
    permalink: `/${String(owner.handle)}/${slug}`,
    track_cid: track.data.track_cid,
    preview_cid: track.data.preview_cid ?? null,
    cover_art_sizes: track.data.cover_art_sizes ?? null,
    duration: Math.round(Number(track.data.duration)),
    track_segments: [],
    is_delete: false,
    has_current_user_saved: chain.saves.has(`${viewer}:Track:${id}`),
    has_current_user_reposted: chain.reposts.has(`${viewer}:Track:${id}`),
    repost_count: [...chain.reposts].filter((r) => r.endsWith(`:Track:${id}`)).length,
    updated_at: timeOf(track.updated),
    metadata: track.data,
  };
}

function presentPlaylist(chain: FakeChain, id: number, viewer?: number): Json | undefined {
  const playlist = chain.playlists.get(id);
  if (!playlist || playlist.deleted) return undefined;
  const contents = (
    playlist.data.playlist_contents as { track_ids: { track: number; time: number }[] }
  ).track_ids;
  return {
    id: encodeHashId(id),
    playlist_name: playlist.data.playlist_name,
    is_album: playlist.data.is_album === true,
    user: presentUser(chain, playlist.owner),
    user_id: encodeHashId(playlist.owner),
    playlist_contents: contents.map((c) => ({
      track_id: encodeHashId(c.track),
      timestamp: c.time,
      metadata_timestamp: c.time,
    })),
    has_current_user_saved: chain.saves.has(`${viewer}:Playlist:${id}`),
    has_current_user_reposted: chain.reposts.has(`${viewer}:Playlist:${id}`),
    is_delete: false,
    updated_at: timeOf(playlist.updated),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body?: unknown, headers: Json = {}) {
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(headers as Record<string, string>),
  });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

const envelope = (chain: FakeChain, data: unknown) => ({
  data,
  latest_chain_block: chain.head,
  latest_indexed_block: chain.indexed,
  version: { service: 'discovery-node', version: 'fake' },
});

const notFound = (code: string) => ({ error: { code, message: `Not found (${code})` } });

export type FakeNode = {
  endpoint: string;
  server: Server;
  /** Paths requested, in order (without the query). */
  requests: string[];
  close(): Promise<void>;
};

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>,
): Promise<FakeNode> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push(`${request.method} ${url.pathname}`);
    handler(request, response, url).catch((error: unknown) =>
      send(response, 500, { error: { code: 'internal_error', message: String(error) } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeDiscoveryOptions = {
  chain: FakeChain;
  contentNodes?: () => string[];
  discoveryNodes?: () => string[];
  blockDifference?: number;
  healthy?: boolean;
  /** Every /v1 read answers 500 (a broken node that still passes its health check). */
  failReads?: boolean;
  /** `POST /relay` answers 503 relay_disabled (a node without a gas wallet). */
  relayDisabled?: boolean;
  /** `POST /relay` submits the action, then fails with a 502 (a crash before the answer). */
  failAfterRelay?: boolean;
};

/** A discovery node stand-in over `chain`. */
export async function startFakeDiscoveryNode(options: FakeDiscoveryOptions): Promise<FakeNode> {
  const { chain } = options;
  let self = '';
  const node = await listen(async (request, response, url) => {
    const path = url.pathname;
    const q = url.searchParams;
    const viewer = q.get('user_id') ? decodeHashId(q.get('user_id')) : undefined;
    if (path === '/health_check') {
      const healthy = options.healthy ?? true;
      return send(response, healthy ? 200 : 503, {
        data: {
          healthy,
          block_difference: options.blockDifference ?? 0,
          latest_chain_block: chain.head,
          latest_indexed_block: chain.indexed,
          network: {
            content_nodes: options.contentNodes?.() ?? [],
            discovery_nodes: options.discoveryNodes?.() ?? [self],
          },
          chain: { data: { chain_id: chain.chainId, entity_manager: chain.entityManager } },
        },
      });
    }
    if (path === '/relay' && request.method === 'POST') {
      if (options.relayDisabled) {
        return send(response, 503, {
          error: { code: 'relay_disabled', message: 'This node does not relay' },
        });
      }
      const body = JSON.parse((await readBody(request)).toString()) as Json;
      const { message, signature } = parseRelayRequest(body);
      const signer = await recoverManageEntitySigner({
        chainId: chain.chainId,
        verifyingContract: chain.entityManager,
        message,
        signature,
      });
      const nonce = `${signer}:${message.nonce}`;
      if (chain.nonces.has(nonce)) {
        return send(response, 409, {
          error: { code: 'nonce_used', message: 'This nonce was already used by its signer' },
        });
      }
      chain.nonces.add(nonce);
      chain.relayed.push(body);
      chain.head += 1;
      chain.pending.push({ message, signer });
      if (options.failAfterRelay) {
        return send(response, 502, { error: { code: 'bad_gateway', message: 'crashed' } });
      }
      return send(response, 200, {
        data: {
          transaction_hash: `0x${'ab'.repeat(32)}`,
          block_number: chain.head,
          block_hash: `0x${chain.head.toString(16).padStart(64, '0')}`,
        },
      });
    }
    if (path === '/block_confirmation') {
      const wanted = Number(q.get('blocknumber'));
      const passed = chain.indexed >= wanted;
      // Indexing happens between polls: the first poll after a relay sees it not yet passed.
      if (!passed) index(chain);
      const found = passed && q.get('blockhash') === `0x${wanted.toString(16).padStart(64, '0')}`;
      return send(response, 200, { data: { block_found: found, block_passed: passed } });
    }
    if (options.failReads) {
      return send(response, 500, { error: { code: 'internal_error', message: 'broken' } });
    }
    const match = (pattern: RegExp) => pattern.exec(path);
    let m: RegExpExecArray | null;
    if ((m = match(/^\/v1\/(users|tracks|playlists)\/unclaimed_id$/))) {
      return send(response, 200, envelope(chain, encodeHashId(chain.nextId++)));
    }
    if ((m = match(/^\/v1\/users\/handle\/([^/]+)$/))) {
      const handle = decodeURIComponent(m[1]!).toLowerCase();
      const id = [...chain.users].find(([, u]) => String(u.data.handle).toLowerCase() === handle);
      const user = id && presentUser(chain, id[0], viewer);
      return user
        ? send(response, 200, envelope(chain, user))
        : send(response, 404, notFound('user_not_found'));
    }
    if ((m = match(/^\/v1\/(users|tracks|playlists)\/([^/]+)(\/stream)?$/))) {
      let id: number;
      try {
        id = decodeHashId(decodeURIComponent(m[2]!));
      } catch {
        return send(response, 400, { error: { code: 'invalid_id', message: 'Invalid id' } });
      }
      if (m[3]) {
        const track = chain.tracks.get(id);
        if (!track) return send(response, 404, notFound('track_not_found'));
        let listener: string | undefined;
        if (q.get('user_data') && q.get('user_signature')) {
          listener = await recoverMessageAddress({
            message: q.get('user_data')!,
            signature: q.get('user_signature') as Hex,
          });
        }
        const cid = q.get('preview') === 'true' ? track.data.preview_cid : track.data.track_cid;
        return send(
          response,
          200,
          envelope(
            chain,
            `http://cn.test/tracks/cidstream/${String(cid)}?listener=${listener ?? ''}`,
          ),
        );
      }
      const kind = m[1]!;
      const item =
        kind === 'users'
          ? presentUser(chain, id, viewer)
          : kind === 'tracks'
            ? presentTrack(chain, id, viewer)
            : presentPlaylist(chain, id, viewer);
      if (!item) return send(response, 404, notFound(`${kind.slice(0, -1)}_not_found`));
      return send(response, 200, envelope(chain, kind === 'playlists' ? [item] : item));
    }
    if (path === '/v1/tracks/trending') {
      const tracks = [...chain.tracks.keys()].map((id) => presentTrack(chain, id, viewer));
      return send(response, 200, envelope(chain, tracks.filter(Boolean)));
    }
    if (path === '/v1/resolve') {
      const parts = (q.get('url') ?? '')
        .replace(/^https?:\/\/[^/]+/, '')
        .split('/')
        .filter(Boolean);
      const owner = [...chain.users].find(([, u]) => u.data.handle === parts[0]);
      if (!owner) return send(response, 404, notFound('permalink_not_found'));
      if (parts.length === 1) {
        return send(response, 302, undefined, { location: `/v1/users/${encodeHashId(owner[0])}` });
      }
      const track = [...chain.tracks.keys()].find(
        (id) => presentTrack(chain, id)?.permalink === `/${parts[0]}/${parts[1]}`,
      );
      if (track === undefined) return send(response, 404, notFound('permalink_not_found'));
      return send(response, 302, undefined, { location: `/v1/tracks/${encodeHashId(track)}` });
    }
    return send(response, 404, { error: { code: 'route_not_found', message: path } });
  });
  self = node.endpoint;
  return node;
}

export type FakeContentNodeOptions = {
  /** Shared by all content nodes of a test: login records as the network holds them. */
  authRecords?: Map<string, Json>;
  /** The audio job ends in `error`. */
  failTranscode?: boolean;
  healthy?: boolean;
};

/** What a fake content node took: the uploads' fields and files. */
export type FakeUpload = {
  fields: [string, string][];
  fileName: string;
  bytes: Uint8Array;
  wallet: string;
};

/** A content node stand-in: uploads (with a job that finishes on the second poll), login records. */
export async function startFakeContentNode(
  options: FakeContentNodeOptions = {},
): Promise<FakeNode & { uploads: FakeUpload[]; authWrites: string[] }> {
  const records = options.authRecords ?? new Map<string, Json>();
  const jobs = new Map<string, { record: Json; polls: number }>();
  const uploads: FakeUpload[] = [];
  const authWrites: string[] = [];
  const node = await listen(async (request, response, url) => {
    const path = url.pathname;
    if (path === '/health_check') {
      const healthy = options.healthy ?? true;
      return send(response, healthy ? 200 : 503, { data: { healthy } });
    }
    if (path === '/uploads' && request.method === 'POST') {
      const wallet = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/uploads',
      });
      const body = await readBody(request);
      const form = await new Response(body, {
        headers: { 'content-type': String(request.headers['content-type']) },
      }).formData();
      const fields: [string, string][] = [];
      let file: File | undefined;
      for (const [name, value] of form) {
        if (typeof value === 'string') fields.push([name, value]);
        else file = value;
      }
      if (!file) return send(response, 400, { error: { code: 'no_files', message: 'No files' } });
      const bytes = new Uint8Array(await file.arrayBuffer());
      uploads.push({ fields, fileName: file.name, bytes, wallet });
      const template = fields.find(([n]) => n === 'template')?.[1];
      const original = await cidFromBytes(bytes);
      const id = crypto.randomUUID();
      const results: Json =
        template === 'audio'
          ? {
              original,
              '320': await cidFromBytes(new TextEncoder().encode(`320 of ${original}`)),
              '320_preview': await cidFromBytes(new TextEncoder().encode(`preview ${original}`)),
              peaks: await cidFromBytes(new TextEncoder().encode(`peaks ${original}`)),
            }
          : { original };
      const record = {
        id,
        template,
        wallet,
        host: node.endpoint,
        status: 'new',
        origFileName: file.name,
        origFileCid: original,
        size: bytes.length,
        results: {},
        createdAt: timeOf(0),
        updatedAt: timeOf(0),
      };
      jobs.set(id, {
        record: {
          ...record,
          ...(template === 'audio' && options.failTranscode
            ? { status: 'error', error: 'ffmpeg could not decode the audio' }
            : {
                status: 'done',
                results,
                ...(template === 'audio' ? { durationSeconds: 12.345 } : {}),
              }),
        },
        polls: 0,
      });
      return send(response, 201, { data: [record] });
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/uploads\/([^/]+)$/.exec(path))) {
      const job = jobs.get(m[1]!);
      if (!job) return send(response, 404, notFound('not_found'));
      job.polls += 1;
      // Busy on the first poll, finished after.
      return send(response, 200, {
        data: job.polls === 1 ? { ...job.record, status: 'busy', results: {} } : job.record,
      });
    }
    if (path === '/authentication' && request.method === 'POST') {
      const wallet = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/authentication',
      });
      const input = JSON.parse((await readBody(request)).toString()) as Json;
      const current = records.get(String(input.lookupKey));
      if (current && current.wallet !== wallet) {
        return send(response, 403, { error: { code: 'not_owner', message: 'Not yours' } });
      }
      authWrites.push(String(input.lookupKey));
      const record = { ...input, wallet, updatedAt: new Date().toISOString() };
      records.set(String(input.lookupKey), record);
      return send(response, 201, { data: record });
    }
    if ((m = /^\/authentication\/([0-9a-f]{64})$/.exec(path))) {
      const key = m[1]!;
      if (request.method === 'DELETE') {
        const wallet = await verifyRequestSignature({
          headers: request.headers,
          method: 'DELETE',
          path,
        });
        const current = records.get(key);
        if (!current) return send(response, 404, notFound('not_found'));
        if (current.wallet !== wallet)
          return send(response, 403, { error: { code: 'not_owner', message: 'Not yours' } });
        records.delete(key);
        return send(response, 204);
      }
      const record = records.get(key);
      return record
        ? send(response, 200, { data: record })
        : send(response, 404, notFound('not_found'));
    }
    return send(response, 404, { error: { code: 'route_not_found', message: path } });
  });
  return Object.assign(node, { uploads, authWrites });
}
