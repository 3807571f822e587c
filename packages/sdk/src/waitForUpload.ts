// Waiting for an upload's job (docs/design.md §7): its node is polled until the job is done, and
// through a restart of that node the other nodes' copies of the record are asked meanwhile.
import { type UploadRecord, rankNodes } from '@coliving/protocol';
import {
  PROBE_TIMEOUT_MS,
  TRANSCODE_TIMEOUT_MS,
  UPLOAD_NODE_WAIT_MS,
  UPLOAD_RECORD_HOLDERS,
  UPLOAD_RETRY_MAX_MS,
  UPLOAD_RETRY_MIN_MS,
} from './constants.js';
import type { SdkContext } from './context.js';
import { ColivingSdkError, isFailoverError, redactUrl, toColivingSdkError } from './errors.js';
import { type FetchFn, requestJson, sleep, throwIfAborted } from './http.js';

/** How far along a status is; a copy of a record never moves the upload back. */
const STATUS_ORDER: Record<string, number> = { new: 0, busy: 1, done: 2, error: 2 };

/** The later of two copies of a record: a finished one, else the one updated last. */
function laterRecord(a: UploadRecord | undefined, b: UploadRecord): UploadRecord {
  if (!a) return b;
  const rank = (r: UploadRecord) => STATUS_ORDER[r.status] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) > rank(b) ? a : b;
  return a.updatedAt >= b.updatedAt ? a : b;
}

/** `GET /uploads/:id` on one node, with a short timeout (a frozen node never answers). */
async function readUploadRecord(
  fetchFn: FetchFn,
  endpoint: string,
  id: string,
  signal?: AbortSignal,
): Promise<UploadRecord> {
  const url = `${endpoint}/uploads/${encodeURIComponent(id)}`;
  return (
    await requestJson<{ data: UploadRecord }>(fetchFn, url, { signal, timeoutMs: PROBE_TIMEOUT_MS })
  ).body.data;
}

/**
 * The record as other content nodes hold it (its host sends each change to every node, the
 * outcome before it records it): the latest copy among the first few nodes, or undefined.
 */
async function recordFromOtherNodes(
  ctx: SdkContext,
  host: string,
  id: string,
  signal?: AbortSignal,
): Promise<UploadRecord | undefined> {
  let nodes: string[];
  try {
    nodes = await ctx.discovery.contentNodes(signal);
  } catch {
    throwIfAborted(signal);
    return undefined;
  }
  const others = rankNodes(
    nodes.filter((node) => node !== host),
    id,
  ).slice(0, UPLOAD_RECORD_HOLDERS);
  const answers = await Promise.allSettled(
    others.map((node) => readUploadRecord(ctx.fetch, node, id, signal)),
  );
  throwIfAborted(signal);
  let latest: UploadRecord | undefined;
  for (const answer of answers) {
    if (answer.status === 'fulfilled' && answer.value?.id === id)
      latest = laterRecord(latest, answer.value);
  }
  return latest;
}

/** Told the job's status, and whether its node answers, each time either changes. */
export type UploadStatusListener = (status: string, nodeUnreachable: boolean) => void;

/**
 * Polls `GET /uploads/:id` on `endpoint` (the node running the job) until the job is `done`;
 * `transcode_failed` when it ends in `error`. When the node does not answer (a restart re-runs
 * its jobs; a frozen node answers nothing), the SDK asks the other nodes' copies of the record
 * and polls again with backoff, for up to UPLOAD_NODE_WAIT_MS.
 */
export async function waitForUpload(
  ctx: SdkContext,
  endpoint: string,
  id: string,
  onStatus?: UploadStatusListener,
  signal?: AbortSignal,
): Promise<UploadRecord> {
  const url = `${endpoint}/uploads/${encodeURIComponent(id)}`;
  const deadline = Date.now() + TRANSCODE_TIMEOUT_MS;
  let unreachableSince: number | undefined;
  let retryMs = UPLOAD_RETRY_MIN_MS;
  let latest: UploadRecord | undefined;
  let reported: string | undefined;
  for (;;) {
    throwIfAborted(signal);
    let hostError: ColivingSdkError | undefined;
    try {
      latest = laterRecord(latest, await readUploadRecord(ctx.fetch, endpoint, id, signal));
    } catch (error) {
      throwIfAborted(signal);
      const sdkError = toColivingSdkError(error, url);
      // A 404 is a node back without its records (an empty disk): the others may know more.
      if (!isFailoverError(sdkError) && sdkError.type !== 'not_found') throw sdkError;
      hostError = sdkError;
      const copy = await recordFromOtherNodes(ctx, endpoint, id, signal);
      if (copy) latest = laterRecord(latest, copy);
      else if (sdkError.type === 'not_found' && latest === undefined) throw sdkError;
    }
    const status = latest?.status ?? 'new';
    const report = `${status} ${hostError !== undefined}`;
    if (report !== reported) onStatus?.(status, hostError !== undefined);
    reported = report;
    if (latest?.status === 'done') return latest;
    if (latest?.status === 'error') {
      throw new ColivingSdkError(
        'transcode_failed',
        // The node's own words (e.g. "This file ends early: …") and its stable code.
        latest.error ?? "We couldn't process this file",
        { code: latest.errorCode ?? 'transcode_failed', url },
      );
    }
    const now = Date.now();
    if (hostError) {
      unreachableSince ??= now;
      if (now - unreachableSince > UPLOAD_NODE_WAIT_MS) {
        throw new ColivingSdkError(
          'timeout',
          `${redactUrl(endpoint)}, which runs upload ${id}, has not answered for ` +
            `${UPLOAD_NODE_WAIT_MS / 60_000} minutes`,
          { code: 'upload_node_unreachable', url, cause: hostError },
        );
      }
    } else {
      unreachableSince = undefined;
      retryMs = UPLOAD_RETRY_MIN_MS;
    }
    if (now > deadline) {
      throw new ColivingSdkError('timeout', `Upload ${id} is not done after 30 minutes`, {
        code: 'transcode_timeout',
        url,
      });
    }
    if (hostError) {
      await sleep(retryMs, signal);
      retryMs = Math.min(retryMs * 2, UPLOAD_RETRY_MAX_MS);
    } else {
      await sleep(ctx.pollIntervalMs, signal);
    }
  }
}
