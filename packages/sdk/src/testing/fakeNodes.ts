// Test stand-ins for remote nodes (Node only; not exported by the package): tiny HTTP servers that
// speak the wire formats the SDK talks to (a discovery node's API, health check and relay; a
// content node's uploads and login records), over a shared in-memory "chain" (fakeChain.ts). The
// SDK is tested against them as it would run against remote servers; the real nodes are tested in
// apps/. The discovery node's answers (fakeAnswers.ts) are held to the real node's by
// fakeNodes.compliance.test.ts.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hex } from 'viem';
import { recoverMessageAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  BaseError,
  signUploadReceipt,
  TRANSCODE_RESULTS,
  type UploadRecord,
  cidFromBytes,
  checkHistoryProofData,
  decodeHashId,
  encodeHashId,
  parseRelayRequest,
  recoverManageEntitySigner,
  type AuthRecordVersion,
  verifyAuthRecordSignature,
  verifyRequestContent,
  verifyRequestSignature,
} from '@coliving/protocol';
import type { DiscoveryHealth } from '../types.js';
import {
  type FakeContext,
  envelope,
  errorBody,
  notFound,
  presentHistory,
  presentListenCountsMonthly,
  presentPlaylist,
  presentTopListeners,
  presentTrack,
  presentUser,
} from './fakeAnswers.js';
import { type FakeChain, type Json, createFakeChain, indexPending, timeOf } from './fakeChain.js';

export { type FakeChain, createFakeChain };

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

export type FakeNode = {
  endpoint: string;
  server: Server;
  /** Paths requested, in order (without the query). */
  requests: string[];
  /**
   * From now on the node takes connections and requests and answers none, as a node stopped
   * with SIGSTOP (or with a hung event loop) looks to its clients.
   */
  freeze(): void;
  /** Drops every connection and refuses new ones for `downMs`, then listens on the same port. */
  restart(downMs: number): void;
  close(): Promise<void>;
};

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>,
): Promise<FakeNode> {
  const requests: string[] = [];
  let frozen = false;
  let closed = false;
  let comeBack: ReturnType<typeof setTimeout> | undefined;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push(`${request.method} ${url.pathname}`);
    if (frozen) return;
    handler(request, response, url).catch((error: unknown) =>
      send(response, 500, errorBody('internal_error', String(error))),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    requests,
    freeze: () => (frozen = true),
    restart(downMs) {
      server.close();
      server.closeAllConnections();
      comeBack = setTimeout(() => {
        if (!closed) server.listen(port, '127.0.0.1');
      }, downMs);
    },
    close: () =>
      new Promise((resolve) => {
        closed = true;
        clearTimeout(comeBack);
        server.closeAllConnections();
        if (server.listening) server.close(() => resolve());
        else resolve();
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
  /** Where download URLs point (a host that serves `/tracks/cidstream/*`); cn.test without. */
  contentUrl?: string;
};

/** A discovery node stand-in over `chain`. */
export async function startFakeDiscoveryNode(options: FakeDiscoveryOptions): Promise<FakeNode> {
  const { chain } = options;
  /** A scheduled track (release date ahead) read by anyone but its owner. */
  const isHiddenTrack = (id: number, viewer: number | undefined) => {
    const track = chain.tracks.get(id);
    const release = track?.data.release_date;
    return (
      track !== undefined &&
      track.owner !== viewer &&
      typeof release === 'string' &&
      Date.parse(release) > Date.now()
    );
  };
  let self = '';
  const node = await listen(async (request, response, url) => {
    const path = url.pathname;
    const q = url.searchParams;
    const viewer = q.get('user_id') ? decodeHashId(q.get('user_id')) : undefined;
    const ctx: FakeContext = {
      chain,
      self,
      contentNodes: options.contentNodes?.() ?? [],
      viewer,
    };
    if (path === '/health_check') {
      const healthy = options.healthy ?? true;
      const health: DiscoveryHealth = {
        healthy,
        block_difference: options.blockDifference ?? 0,
        latest_chain_block: chain.head,
        latest_indexed_block: chain.indexed,
        network: {
          content_nodes: ctx.contentNodes.map((endpoint) => ({ endpoint })),
          discovery_nodes: options.discoveryNodes?.() ?? [self],
        },
        chain: { data: { chain_id: chain.chainId, entity_manager: chain.entityManager } },
      };
      return send(response, healthy ? 200 : 503, { data: health });
    }
    if (path === '/relay' && request.method === 'POST') {
      if (options.relayDisabled) {
        return send(response, 503, errorBody('relay_disabled', 'This node does not relay'));
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
        return send(
          response,
          409,
          errorBody('nonce_used', 'This nonce was already used by its signer'),
        );
      }
      chain.nonces.add(nonce);
      chain.relayed.push(body);
      chain.head += 1;
      chain.pending.push({ message, signer });
      if (options.failAfterRelay) {
        return send(response, 502, errorBody('bad_gateway', 'crashed'));
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
      if (!passed) indexPending(chain);
      const found = passed && q.get('blockhash') === `0x${wanted.toString(16).padStart(64, '0')}`;
      return send(response, 200, { data: { block_found: found, block_passed: passed } });
    }
    if (options.failReads) {
      return send(response, 500, errorBody('internal_error', 'broken'));
    }
    const match = (pattern: RegExp) => pattern.exec(path);
    let m: RegExpExecArray | null;
    if ((m = match(/^\/v1\/(users|tracks|playlists)\/unclaimed_id$/))) {
      return send(response, 200, envelope(chain, encodeHashId(chain.nextId++)));
    }
    if ((m = match(/^\/v1\/users\/handle\/([^/]+)$/))) {
      const handle = decodeURIComponent(m[1]!).toLowerCase();
      const id = [...chain.users].find(([, u]) => String(u.data.handle).toLowerCase() === handle);
      const user = id && presentUser(ctx, id[0]);
      return user
        ? send(response, 200, envelope(chain, user))
        : send(response, 404, notFound('user_not_found'));
    }
    if ((m = match(/^\/v1\/users\/account\/([^/]+)$/))) {
      // As content nodes ask before they take an upload: the user a wallet belongs to.
      const wallet = decodeURIComponent(m[1]!).toLowerCase();
      const id = [...chain.users].find(([, u]) => u.wallet.toLowerCase() === wallet);
      const user = id && presentUser(ctx, id[0]);
      return user
        ? send(response, 200, envelope(chain, user))
        : send(response, 404, notFound('user_not_found'));
    }
    if (path === '/v1/tracks') {
      // Tracks by id (`?id=` repeated), as the real bulk route; ids that name none are left out.
      // `?permalink=/handle/slug` answers the track at that permalink (a track page's read).
      const permalinks = q.getAll('permalink');
      if (permalinks.length > 0) {
        const found = [...chain.tracks.keys()]
          .map((id) => presentTrack(ctx, id))
          .filter((t) => t !== undefined)
          .filter((t) => permalinks.includes(t.permalink));
        return send(response, 200, envelope(chain, found));
      }
      const tracks = q
        .getAll('id')
        .map((raw) => {
          try {
            return presentTrack(ctx, decodeHashId(raw));
          } catch {
            return undefined;
          }
        })
        .filter((t) => t !== undefined);
      return send(response, 200, envelope(chain, tracks));
    }
    if (path === '/v1/tracks/trending') {
      const tracks = [...chain.tracks.keys()].map((id) => presentTrack(ctx, id));
      return send(
        response,
        200,
        envelope(
          chain,
          tracks.filter((t) => t !== undefined),
        ),
      );
    }
    if ((m = match(/^\/v1\/(users|tracks|playlists)\/([^/]+)(\/stream|\/download)?$/))) {
      let id: number;
      try {
        id = decodeHashId(decodeURIComponent(m[2]!));
      } catch {
        return send(response, 400, errorBody('invalid_id', 'Invalid id'));
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
        if (m[3] === '/download') {
          // As the real route: only downloadable tracks, gated ones to their owner's wallet here.
          if (track.data.is_downloadable !== true)
            return send(response, 403, errorBody('not_downloadable', 'Not offered for download'));
          const owner = chain.users.get(track.owner);
          const isOwner = listener !== undefined && owner?.wallet === listener;
          if (track.data.download_conditions && !isOwner)
            return send(response, 403, errorBody('download_gated', 'Buy this to unlock it'));
          const file = JSON.stringify(track.data.orig_file_cid ?? track.data.track_cid).replace(
            /"/g,
            '',
          );
          const kept = track.data.orig_filename;
          const name = q.get('filename') ?? (typeof kept === 'string' ? kept : 'track.mp3');
          return send(
            response,
            200,
            envelope(
              chain,
              `${options.contentUrl ?? 'http://cn.test'}/tracks/cidstream/${file}?listener=${listener ?? ''}&filename=${encodeURIComponent(name)}`,
            ),
          );
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
          ? presentUser(ctx, id)
          : kind === 'tracks'
            ? presentTrack(ctx, id)
            : presentPlaylist(ctx, id);
      // A private playlist, and a track whose release date is ahead, show to their owner only
      // (the current user, user_id), as on a real node.
      const hidden =
        kind === 'playlists'
          ? chain.playlists.get(id)?.data.is_private === true &&
            chain.playlists.get(id)?.owner !== viewer
          : kind === 'tracks' && isHiddenTrack(id, viewer);
      if (!item || hidden) return send(response, 404, notFound(`${kind.slice(0, -1)}_not_found`));
      return send(response, 200, envelope(chain, kind === 'playlists' ? [item] : item));
    }
    if ((m = match(/^\/v1\/users\/([^/]+)\/tracks$/))) {
      let owner: number;
      try {
        owner = decodeHashId(decodeURIComponent(m[1]!));
      } catch {
        return send(response, 400, errorBody('invalid_id', 'Invalid id'));
      }
      if (!chain.users.has(owner)) return send(response, 404, notFound('user_not_found'));
      const tracks = [...chain.tracks]
        .filter(([, t]) => t.owner === owner)
        .map(([id]) => presentTrack(ctx, id))
        .filter((t) => t !== undefined);
      // `sort=plays`, most played first, as the stats page and "More by" read them.
      if (q.get('sort') === 'plays') tracks.sort((a, b) => b.play_count - a.play_count);
      const offset = Number(q.get('offset') ?? 0);
      const page = tracks.slice(offset, offset + Number(q.get('limit') ?? 100));
      return send(response, 200, envelope(chain, page));
    }
    // A user's playlists or albums, newest first; their private ones when they ask (user_id).
    if ((m = match(/^\/v1\/users\/([^/]+)\/(playlists|albums)$/))) {
      let owner: number;
      try {
        owner = decodeHashId(decodeURIComponent(m[1]!));
      } catch {
        return send(response, 400, errorBody('invalid_id', 'Invalid id'));
      }
      if (!chain.users.has(owner)) return send(response, 404, notFound('user_not_found'));
      let viewer: number | undefined;
      try {
        viewer = q.get('user_id') ? decodeHashId(q.get('user_id')!) : undefined;
      } catch {
        viewer = undefined;
      }
      const albums = m[2] === 'albums';
      const lists = [...chain.playlists]
        .filter(([, p]) => p.owner === owner && !p.deleted)
        .filter(([, p]) => (p.data.is_album === true) === albums)
        .filter(([, p]) => p.data.is_private !== true || viewer === owner)
        .reverse()
        .map(([id]) => presentPlaylist(ctx, id))
        .filter((p) => p !== undefined);
      const offset = Number(q.get('offset') ?? 0);
      return send(
        response,
        200,
        envelope(chain, lists.slice(offset, offset + Number(q.get('limit') ?? 100))),
      );
    }
    if (
      (m = match(
        /^\/v1\/(tracks|users)\/([^/]+)\/(top_listeners|listen_counts_monthly|history\/tracks)$/,
      ))
    ) {
      let id: number;
      try {
        id = decodeHashId(decodeURIComponent(m[2]!));
      } catch {
        return send(response, 400, errorBody('invalid_id', 'Invalid id'));
      }
      const page = { limit: Number(q.get('limit') ?? 100), offset: Number(q.get('offset') ?? 0) };
      if (m[3] === 'top_listeners') {
        if (!chain.tracks.get(id) || chain.tracks.get(id)!.deleted)
          return send(response, 404, notFound('track_not_found'));
        return send(response, 200, envelope(chain, presentTopListeners(ctx, id, page)));
      }
      const user = chain.users.get(id);
      if (!user || user.deactivated) return send(response, 404, notFound('user_not_found'));
      if (m[3] === 'listen_counts_monthly') {
        const [start, end] = [q.get('start_time'), q.get('end_time')].map((t) =>
          t === null ? NaN : Date.parse(t),
        );
        if (Number.isNaN(start) || Number.isNaN(end) || end! <= start!)
          return send(response, 400, errorBody('invalid_time_range', 'Give start_time < end_time'));
        return send(
          response,
          200,
          envelope(chain, presentListenCountsMonthly(chain, id, start!, end!)),
        );
      }
      // A history is read only with its user's own history proof, as on a real node.
      const userData = q.get('user_data');
      const userSignature = q.get('user_signature');
      if (userData === null || userSignature === null)
        return send(response, 401, errorBody('listener_proof_required', 'Sign a history proof'));
      try {
        checkHistoryProofData({ userData });
      } catch (error) {
        if (!(error instanceof BaseError)) throw error;
        return send(response, 401, errorBody(error.code, error.message));
      }
      const signer = await recoverMessageAddress({
        message: userData,
        signature: userSignature as Hex,
      }).catch(() => undefined);
      if (signer === undefined)
        return send(response, 401, errorBody('invalid_user_signature', 'Not a signature'));
      if (signer.toLowerCase() !== user.wallet.toLowerCase())
        return send(response, 403, errorBody('history_forbidden', 'Only the user reads it'));
      return send(response, 200, envelope(chain, presentHistory(ctx, id, page)), {
        'cache-control': 'private, no-store',
      });
    }
    if (path === '/v1/resolve') {
      const parts = (q.get('url') ?? '')
        .replace(/^https?:\/\/[^/]+/, '')
        .split('/')
        .filter(Boolean);
      const owner = [...chain.users].find(([, u]) => u.data.handle === parts[0]);
      if (!owner) return send(response, 404, notFound('permalink_not_found'));
      // The current user is carried on to the item's route, as a real node does.
      const as = viewer === undefined ? '' : `?user_id=${encodeHashId(viewer)}`;
      if (parts.length === 1) {
        return send(response, 302, undefined, {
          location: `/v1/users/${encodeHashId(owner[0])}${as}`,
        });
      }
      if (parts.length === 3) {
        // A private playlist resolves for its owner only.
        const playlist = [...chain.playlists].find(
          ([id, p]) =>
            (p.data.is_private !== true || p.owner === viewer) &&
            presentPlaylist(ctx, id)?.permalink === `/${parts.join('/')}`,
        );
        if (playlist === undefined) return send(response, 404, notFound('permalink_not_found'));
        return send(response, 302, undefined, {
          location: `/v1/playlists/${encodeHashId(playlist[0])}${as}`,
        });
      }
      const track = [...chain.tracks.keys()].find(
        (id) =>
          !isHiddenTrack(id, viewer) &&
          presentTrack(ctx, id)?.permalink === `/${parts[0]}/${parts[1]}`,
      );
      if (track === undefined) return send(response, 404, notFound('permalink_not_found'));
      return send(response, 302, undefined, { location: `/v1/tracks/${encodeHashId(track)}${as}` });
    }
    return send(response, 404, errorBody('route_not_found', path));
  });
  self = node.endpoint;
  return node;
}

export type FakeContentNodeOptions = {
  /**
   * The network's chain: when given, an upload signed by a wallet with no active user on it is
   * refused (403 not_a_user), as content nodes do.
   */
  chain?: FakeChain;
  /** Shared by all content nodes of a test: login records as the network holds them. */
  authRecords?: Map<string, Json>;
  /** The audio job ends in `error`. */
  failTranscode?: boolean;
  healthy?: boolean;
  /**
   * Shared by the content nodes of a test: upload records as every node holds them (a real
   * host sends each change of a record to all nodes). A fake job's outcome is known at once, so
   * it is shared as soon as the upload is taken; a node answers a poll for another's upload
   * from here.
   */
  uploadRecords?: Map<string, UploadRecord>;
  /** Freezes the node (see FakeNode.freeze) right after it has answered an upload. */
  freezeAfterUpload?: boolean;
  /** Freezes the node when an upload arrives, before it reads a byte of it. */
  freezeOnUpload?: boolean;
  /** At the first poll of a job the node restarts (see FakeNode.restart), down this long. */
  restartOnFirstPoll?: number;
};

/** What a fake content node took: the uploads' fields and files. */
export type FakeUpload = {
  fields: [string, string][];
  fileName: string;
  bytes: Uint8Array;
  wallet: string;
};

/**
 * A receipt for audio `cid` uploaded by `uploader`, signed as a content node signs it but by a
 * key of its own: the stand-in discovery node does not check receipts against a chain. The
 * preview and original are `cid` unless given.
 */
export function fakeUploadReceipt(p: {
  uploader: string;
  cid: string;
  durationSeconds: number;
  previewCid?: string;
  origCid?: string;
  waveformCid?: string;
  uploadId?: string;
  key?: Parameters<typeof signUploadReceipt>[0]['account'];
}) {
  return signUploadReceipt({
    account: p.key ?? privateKeyToAccount(generatePrivateKey()),
    data: {
      v: 1,
      uploadId: p.uploadId ?? crypto.randomUUID(),
      uploader: p.uploader as Hex,
      cid: p.cid,
      previewCid: p.previewCid ?? p.cid,
      origCid: p.origCid ?? p.cid,
      ...(p.waveformCid ? { waveformCid: p.waveformCid } : {}),
      durationSeconds: p.durationSeconds,
      nodeId: '1',
      ethBlockHash: `0x${'00'.repeat(32)}`,
      signedAt: 0,
    },
  });
}

/** A content node stand-in: uploads (with a job that finishes on the second poll), login records. */
export async function startFakeContentNode(options: FakeContentNodeOptions = {}): Promise<
  FakeNode & {
    uploads: FakeUpload[];
    authWrites: string[];
    previewCuts: { cid: string; previewStartSeconds: number; wallet: string }[];
  }
> {
  const records = options.authRecords ?? new Map<string, Json>();
  const jobs = new Map<string, { record: UploadRecord; polls: number }>();
  const uploads: FakeUpload[] = [];
  const authWrites: string[] = [];
  const previewCuts: { cid: string; previewStartSeconds: number; wallet: string }[] = [];
  const receiptKey = privateKeyToAccount(generatePrivateKey());
  const node = await listen(async (request, response, url) => {
    const path = url.pathname;
    if (path === '/health_check') {
      const healthy = options.healthy ?? true;
      return send(response, healthy ? 200 : 503, { data: { healthy } });
    }
    if (path === '/uploads' && request.method === 'POST') {
      if (options.freezeOnUpload) return node.freeze();
      const signed = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/uploads',
      });
      const wallet = signed.wallet;
      if (
        options.chain &&
        ![...options.chain.users.values()].some(
          (u) => !u.deactivated && u.wallet.toLowerCase() === wallet.toLowerCase(),
        )
      ) {
        return send(
          response,
          403,
          errorBody('not_a_user', 'Uploads must be signed by the wallet of a user'),
        );
      }
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
      if (!file) return send(response, 400, errorBody('no_files', 'No files'));
      const bytes = new Uint8Array(await file.arrayBuffer());
      // As a content node does: the signature names the file it carries.
      verifyRequestContent(signed, bytes);
      uploads.push({ fields, fileName: file.name, bytes, wallet });
      const template = fields.find(([n]) => n === 'template')?.[1] as UploadRecord['template'];
      const original = await cidFromBytes(bytes);
      const id = crypto.randomUUID();
      const derived = (what: string) =>
        cidFromBytes(new TextEncoder().encode(`${what} ${original}`));
      const results: UploadRecord['results'] =
        template === 'audio'
          ? {
              original,
              [TRANSCODE_RESULTS.stream]: await derived('320 of'),
              [TRANSCODE_RESULTS.preview]: await derived('preview'),
              [TRANSCODE_RESULTS.peaks]: await derived('peaks'),
            }
          : { original };
      const record: UploadRecord = {
        id,
        template,
        wallet,
        host: node.endpoint,
        status: 'new',
        origFileName: file.name,
        origFileCid: original,
        size: bytes.length,
        results: {},
        attempts: 0,
        createdAt: timeOf(0),
        updatedAt: timeOf(0),
      };
      // A done audio upload carries a receipt, signed as a content node signs it (by this stand-in's
      // own key: the stand-in discovery node does not check receipts against a chain).
      const receipt =
        template === 'audio' && !options.failTranscode
          ? await fakeUploadReceipt({
              uploader: wallet,
              cid: results[TRANSCODE_RESULTS.stream]!,
              previewCid: results[TRANSCODE_RESULTS.preview]!,
              origCid: original,
              waveformCid: results[TRANSCODE_RESULTS.peaks]!,
              durationSeconds: 12.345,
              uploadId: id,
              key: receiptKey,
            })
          : undefined;
      const outcome: UploadRecord = {
        ...record,
        ...(receipt ? { receipt } : {}),
        ...(template === 'audio' && options.failTranscode
          ? { status: 'error' as const, error: 'ffmpeg could not decode the audio', attempts: 1 }
          : {
              status: 'done' as const,
              results,
              attempts: 1,
              ...(template === 'audio' ? { durationSeconds: 12.345 } : {}),
            }),
      };
      jobs.set(id, { record: outcome, polls: 0 });
      options.uploadRecords?.set(id, outcome);
      send(response, 201, { data: [record] });
      if (options.freezeAfterUpload) node.freeze();
      return;
    }
    if (path === '/previews' && request.method === 'POST') {
      // As a content node does (docs/content-node.md, Re-cutting a preview): the uploader only,
      // a start before the end, a new preview and a new receipt naming it.
      const signed = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/previews',
      });
      const raw = await readBody(request);
      verifyRequestContent(signed, raw);
      const { cid, previewStartSeconds: start } = JSON.parse(raw.toString()) as Json;
      const job = [...jobs.values()].find(
        (j) => j.record.results[TRANSCODE_RESULTS.stream] === cid,
      );
      if (!job) return send(response, 404, errorBody('upload_not_found', 'No such upload'));
      const record = job.record;
      if (record.wallet.toLowerCase() !== signed.wallet.toLowerCase())
        return send(
          response,
          403,
          errorBody(
            'not_uploader',
            'Only the wallet that uploaded this audio may change its preview',
          ),
        );
      if (typeof start !== 'number' || !Number.isFinite(start) || start < 0)
        return send(
          response,
          400,
          errorBody(
            'invalid_preview_start',
            'previewStartSeconds must be a number of seconds, 0 or more',
          ),
        );
      if (start >= record.durationSeconds!)
        return send(
          response,
          400,
          errorBody(
            'preview_start_past_end',
            `The preview cannot start at ${start} s: the track is ${record.durationSeconds} s long`,
          ),
        );
      const preview = await cidFromBytes(
        new TextEncoder().encode(`preview at ${start} of ${record.origFileCid}`),
      );
      const results: Record<string, string> = {
        ...record.results,
        [TRANSCODE_RESULTS.preview]: preview,
      };
      const receipt = await fakeUploadReceipt({
        uploader: record.wallet,
        cid: results[TRANSCODE_RESULTS.stream]!,
        previewCid: preview,
        origCid: record.origFileCid,
        waveformCid: results[TRANSCODE_RESULTS.peaks]!,
        durationSeconds: record.durationSeconds!,
        uploadId: record.id,
        key: receiptKey,
      });
      job.record = { ...record, previewStartSeconds: start, results, receipt };
      options.uploadRecords?.set(record.id, job.record);
      previewCuts.push({ cid: String(cid), previewStartSeconds: start, wallet: signed.wallet });
      return send(response, 200, { data: job.record });
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/uploads\/([^/]+)$/.exec(path))) {
      const job = jobs.get(m[1]!);
      if (!job) {
        const copy = options.uploadRecords?.get(m[1]!);
        return copy
          ? send(response, 200, { data: copy })
          : send(response, 404, notFound('not_found'));
      }
      if (job.polls === 0 && options.restartOnFirstPoll !== undefined) {
        job.polls += 1;
        return node.restart(options.restartOnFirstPoll);
      }
      job.polls += 1;
      // Busy on the first poll, finished after.
      return send(response, 200, {
        data:
          job.polls === 1 ? { ...job.record, status: 'busy' as const, results: {} } : job.record,
      });
    }
    if (path === '/authentication' && request.method === 'POST') {
      const signed = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/authentication',
      });
      const wallet = signed.wallet;
      const raw = await readBody(request);
      verifyRequestContent(signed, raw);
      const input = JSON.parse(raw.toString()) as Json;
      // As a content node does: the version is the wallet's, signed by it.
      await verifyAuthRecordSignature({ ...(input as AuthRecordVersion), wallet });
      const current = records.get(String(input.lookupKey));
      if (current && current.wallet !== wallet) {
        return send(response, 403, errorBody('not_owner', 'Not yours'));
      }
      authWrites.push(String(input.lookupKey));
      const record = { ...input, wallet };
      records.set(String(input.lookupKey), record);
      return send(response, 201, { data: record });
    }
    if ((m = /^\/authentication\/([0-9a-f]{64})$/.exec(path))) {
      const key = m[1]!;
      if (request.method === 'DELETE') {
        const signed = await verifyRequestSignature({
          headers: request.headers,
          method: 'DELETE',
          path,
        });
        const wallet = signed.wallet;
        const raw = await readBody(request);
        verifyRequestContent(signed, raw);
        const { updatedAt, signature } = JSON.parse(raw.toString()) as Json;
        await verifyAuthRecordSignature({
          lookupKey: key,
          wallet,
          updatedAt: String(updatedAt),
          deleted: true,
          signature,
        });
        const current = records.get(key);
        if (!current) return send(response, 404, notFound('not_found'));
        if (current.wallet !== wallet)
          return send(response, 403, errorBody('not_owner', 'Not yours'));
        records.delete(key);
        return send(response, 204);
      }
      const record = records.get(key);
      return record
        ? send(response, 200, { data: record })
        : send(response, 404, notFound('not_found'));
    }
    return send(response, 404, errorBody('route_not_found', path));
  });
  return Object.assign(node, { uploads, authWrites, previewCuts });
}
