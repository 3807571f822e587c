// Uploads to content nodes (docs/design.md §7): a node is chosen by rendezvous on the uploader's wallet,
// the file is streamed as multipart with progress, and the upload is polled until its job is done,
// through restarts of its node (the other nodes hold a copy of its record meanwhile).
import type { LocalAccount } from 'viem';
import { type UploadRecord, type UploadTemplate, rankNodes, signRequest } from '@coliving/protocol';
import {
  PROBE_TIMEOUT_MS,
  STREAM_REPLICAS,
  UPLOAD_CHUNK_BYTES,
  UPLOAD_STALL_TIMEOUT_MS,
} from './constants.js';
import type { SdkContext } from './context.js';
import { fileSha256 } from './fileSha256.js';
import {
  ColivingSdkError,
  errorFromResponse,
  isFailoverError,
  redactUrl,
  toColivingSdkError,
} from './errors.js';
import { type FetchFn, anySignal, requestJson, throwIfAborted } from './http.js';
import { waitForUpload } from './waitForUpload.js';

/** A file to upload: a Blob (a browser File is one) or its bytes. */
export type FileInput = Blob | Uint8Array;

/** What an upload reports as it goes. */
export type UploadProgressEvent = {
  stage: 'upload' | 'transcode' | 'publish';
  /** Bytes sent so far and in all (stage `upload`). */
  loaded?: number;
  total?: number;
  /** The upload's job status (stage `transcode`) or the step under way (stage `publish`). */
  status?: string;
  /**
   * True while the content node running the job does not answer (restarting, frozen or down):
   * the SDK keeps waiting, through the other nodes' copies of the record, for up to 10 minutes.
   * The next event without it says the node answers again.
   */
  nodeUnreachable?: boolean;
};

/** Is a content node up? Its `/health_check` answers 200 and does not say otherwise. */
export async function isContentNodeHealthy(
  fetchFn: FetchFn,
  endpoint: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const { body } = await requestJson<{ data?: { healthy?: boolean } }>(
      fetchFn,
      `${endpoint}/health_check`,
      { signal, timeoutMs: PROBE_TIMEOUT_MS },
    );
    return body?.data?.healthy !== false;
  } catch {
    throwIfAborted(signal);
    return false;
  }
}

const textEncoder = new TextEncoder();

/** A field value or file name as it may stand in a multipart header. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/"/g, '%22');
}

export type MultipartParts = {
  contentType: string;
  /** The body's pieces, in order: text headers and fields as bytes, the file as given. */
  parts: FileInput[];
  total: number;
};

/** The size of a file input in bytes. */
export function sizeOf(file: FileInput): number {
  return file instanceof Uint8Array ? file.byteLength : file.size;
}

/**
 * A multipart/form-data body of `fields` (in order) and one file under `fileField`: the content
 * node reads `template` before the files, so the order is the caller's.
 */
export function multipartBody(
  fields: readonly (readonly [string, string])[],
  file: { field: string; name: string; type: string; data: FileInput },
  boundary = `----coliving${Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`,
): MultipartParts {
  let head = '';
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${headerSafe(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${headerSafe(file.field)}"; ` +
    `filename="${headerSafe(file.name)}"\r\nContent-Type: ${headerSafe(file.type)}\r\n\r\n`;
  const headBytes = textEncoder.encode(head);
  const tailBytes = textEncoder.encode(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    parts: [headBytes, file.data, tailBytes],
    total: headBytes.byteLength + sizeOf(file.data) + tailBytes.byteLength,
  };
}

/**
 * The pieces as one stream of chunks of at most UPLOAD_CHUNK_BYTES, read only as the consumer
 * pulls them; `onBytes` is told the running count of bytes handed over.
 */
export function countingStream(
  parts: readonly FileInput[],
  onBytes: (sent: number) => void,
): ReadableStream<Uint8Array> {
  let index = 0;
  let offset = 0;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const part = parts[index];
          if (part === undefined) {
            controller.close();
            return;
          }
          const size = sizeOf(part);
          if (offset >= size) {
            index++;
            offset = 0;
            continue;
          }
          const end = Math.min(size, offset + UPLOAD_CHUNK_BYTES);
          const chunk =
            part instanceof Uint8Array
              ? part.subarray(offset, end)
              : new Uint8Array(await part.slice(offset, end).arrayBuffer());
          offset = end;
          sent += chunk.byteLength;
          controller.enqueue(chunk);
          onBytes(sent);
          return;
        }
      },
    },
    { highWaterMark: 1 },
  );
}

type XhrLike = {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: unknown): void;
  abort(): void;
  upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  status: number;
  responseText: string;
};
type XhrConstructor = new () => XhrLike;

/** Browsers stream uploads with progress only through XMLHttpRequest (fetch needs HTTP/2). */
function browserXhr(): XhrConstructor | undefined {
  const candidate = (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
  return typeof candidate === 'function' ? candidate : undefined;
}

export type SendUploadParameters = {
  account: LocalAccount;
  endpoint: string;
  template: UploadTemplate;
  file: FileInput;
  fileName: string;
  previewStartSeconds?: number | undefined;
  onProgress?: ((loaded: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
};

/**
 * A signal that fires with a TimeoutError once `touch` has not been called for `ms`: an upload
 * whose bytes stopped moving (its node froze) is given up, however long a moving one takes.
 */
function stallSignal(ms: number): { signal: AbortSignal; touch: () => void; stop: () => void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      controller.abort(new DOMException(`No upload progress in ${ms / 1000} s`, 'TimeoutError'));
    }, ms);
  };
  touch();
  return { signal: controller.signal, touch, stop: () => clearTimeout(timer) };
}

/**
 * `POST /uploads` with one file, signed by `account`; the node's new upload record. A `timeout`
 * when no byte moved (or no answer came after the last one) for UPLOAD_STALL_TIMEOUT_MS.
 */
export async function sendUpload(fetchFn: FetchFn, p: SendUploadParameters): Promise<UploadRecord> {
  const url = `${p.endpoint}/uploads`;
  const headers = await signRequest({
    account: p.account,
    method: 'POST',
    path: '/uploads',
    content: await fileSha256(p.file),
  });
  const fields: [string, string][] = [['template', p.template]];
  if (p.previewStartSeconds !== undefined)
    fields.push(['previewStartSeconds', String(p.previewStartSeconds)]);
  const type =
    (p.file instanceof Uint8Array ? '' : p.file.type) ||
    (p.template === 'audio' ? 'application/octet-stream' : 'image/jpeg');
  const Xhr = browserXhr();
  let status: number;
  let text: string;
  if (Xhr) {
    ({ status, text } = await sendWithXhr(Xhr, url, headers, fields, type, p));
  } else {
    const body = multipartBody(fields, { field: 'files', name: p.fileName, type, data: p.file });
    p.onProgress?.(0, body.total);
    const stall = stallSignal(UPLOAD_STALL_TIMEOUT_MS);
    const stream = countingStream(body.parts, (sent) => {
      stall.touch();
      p.onProgress?.(sent, body.total);
    });
    let response: Response;
    try {
      // `duplex` (needed for a streamed body) is in Node's RequestInit but not yet the DOM's.
      const init: RequestInit & { duplex: 'half' } = {
        method: 'POST',
        headers: { ...headers, 'content-type': body.contentType, accept: 'application/json' },
        body: stream,
        duplex: 'half',
        signal: anySignal([p.signal, stall.signal]),
      };
      response = await fetchFn(url, init);
      text = await response.text();
    } catch (error) {
      throwIfAborted(p.signal);
      throw toColivingSdkError(stall.signal.aborted ? stall.signal.reason : error, url);
    } finally {
      stall.stop();
    }
    status = response.status;
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new ColivingSdkError('server', `${url} answered with invalid JSON`, { status, cause });
  }
  if (status < 200 || status >= 300) throw errorFromResponse(status, parsed, url);
  const record = (parsed as { data?: UploadRecord[] } | undefined)?.data?.[0];
  if (!record || typeof record.id !== 'string') {
    throw new ColivingSdkError('server', `${url} did not answer an upload record`, { status });
  }
  return record;
}

function sendWithXhr(
  Xhr: XhrConstructor,
  url: string,
  headers: Record<string, string>,
  fields: readonly (readonly [string, string])[],
  type: string,
  p: SendUploadParameters,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    throwIfAborted(p.signal);
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    const blob =
      p.file instanceof Uint8Array ? new Blob([new Uint8Array(p.file)], { type }) : p.file;
    form.append('files', blob, p.fileName);
    const xhr = new Xhr();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('accept', 'application/json');
    const stall = stallSignal(UPLOAD_STALL_TIMEOUT_MS);
    xhr.upload.onprogress = (event) => {
      stall.touch();
      p.onProgress?.(event.loaded, event.total);
    };
    const onAbort = () => xhr.abort();
    p.signal?.addEventListener('abort', onAbort, { once: true });
    stall.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      stall.stop();
      p.signal?.removeEventListener('abort', onAbort);
    };
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => {
      done();
      reject(
        new ColivingSdkError('network', `Could not reach ${redactUrl(url)}`, {
          url: redactUrl(url),
        }),
      );
    };
    xhr.onabort = () => {
      done();
      reject(
        stall.signal.aborted && !p.signal?.aborted
          ? toColivingSdkError(stall.signal.reason, url)
          : new ColivingSdkError('aborted', 'The upload was aborted'),
      );
    };
    xhr.send(form);
  });
}

export type UploadFileParameters = {
  account: LocalAccount;
  template: UploadTemplate;
  file: FileInput;
  fileName?: string | undefined;
  previewStartSeconds?: number | undefined;
  onProgress?: ((event: UploadProgressEvent) => void) | undefined;
  /** The stage progress is reported under while bytes are sent. */
  stage?: UploadProgressEvent['stage'];
  signal?: AbortSignal | undefined;
};

/**
 * Uploads one file to the first healthy content node in the rendezvous ranking of the wallet
 * and waits for its job; another node is tried when one is down or fails (5xx) before taking
 * the file. Returns the finished record and the node that holds it.
 */
export async function uploadFile(
  ctx: SdkContext,
  p: UploadFileParameters,
): Promise<{ endpoint: string; record: UploadRecord }> {
  const nodes = rankNodes(await ctx.discovery.contentNodes(p.signal), p.account.address);
  if (nodes.length === 0) {
    throw new ColivingSdkError('no_healthy_node', 'The network lists no content nodes', {
      code: 'no_content_nodes',
    });
  }
  const stage = p.stage ?? 'upload';
  const fileName = p.fileName ?? defaultFileName(p.file, p.template);
  // The next few nodes are checked while one is waited for, so a frozen node costs one short
  // timeout, not one per node behind it.
  const health = new Map<string, Promise<boolean>>();
  const healthOf = (endpoint: string) => {
    let check = health.get(endpoint);
    if (!check) {
      check = isContentNodeHealthy(ctx.fetch, endpoint, p.signal);
      // Awaited below when its turn comes; an abort before then is reported there.
      void check.catch(() => {});
      health.set(endpoint, check);
    }
    return check;
  };
  let lastError: ColivingSdkError | undefined;
  for (const [index, endpoint] of nodes.entries()) {
    for (const ahead of nodes.slice(index, index + STREAM_REPLICAS)) void healthOf(ahead);
    if (!(await healthOf(endpoint))) continue;
    let created: UploadRecord;
    try {
      created = await sendUpload(ctx.fetch, {
        account: p.account,
        endpoint,
        template: p.template,
        file: p.file,
        fileName,
        previewStartSeconds: p.previewStartSeconds,
        onProgress: (loaded, total) =>
          p.onProgress?.({
            stage,
            loaded,
            total,
            ...(stage === 'upload' ? {} : { status: `uploading ${p.template}` }),
          }),
        signal: p.signal,
      });
    } catch (error) {
      const sdkError = toColivingSdkError(error);
      if (!isFailoverError(sdkError)) throw sdkError;
      lastError = sdkError;
      continue;
    }
    const record = await waitForUpload(
      ctx,
      endpoint,
      created.id,
      (status, nodeUnreachable) => {
        const event: UploadProgressEvent =
          p.template === 'audio'
            ? { stage: 'transcode', status }
            : { stage, status: `processing ${p.template}: ${status}` };
        if (nodeUnreachable) event.nodeUnreachable = true;
        p.onProgress?.(event);
      },
      p.signal,
    );
    return { endpoint, record };
  }
  throw new ColivingSdkError(
    'no_healthy_node',
    `No content node took the upload (${nodes.length} listed)`,
    { code: 'no_content_node', ...(lastError ? { cause: lastError } : {}) },
  );
}

function defaultFileName(file: FileInput, template: UploadTemplate): string {
  const name = (file as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') return name;
  return template === 'audio' ? 'audio' : 'image';
}

/** Uploads an image and answers its CID (the original: nodes render the sizes from it). */
export async function uploadImage(
  ctx: SdkContext,
  account: LocalAccount,
  file: FileInput,
  template: 'img_square' | 'img_backdrop',
  options: {
    signal?: AbortSignal | undefined;
    onProgress?: ((event: UploadProgressEvent) => void) | undefined;
    stage?: UploadProgressEvent['stage'];
  } = {},
): Promise<string> {
  const { record } = await uploadFile(ctx, {
    account,
    template,
    file,
    onProgress: options.onProgress,
    stage: options.stage ?? 'upload',
    signal: options.signal,
  });
  return record.results.original ?? record.origFileCid;
}

/** How long a content node may take to cut a preview (pulling a long stream file first). */
const PREVIEW_CUT_TIMEOUT_MS = 120_000;

export type CutPreviewParameters = {
  account: LocalAccount;
  /** The track's stream file (its `track_cid`). */
  streamCid: string;
  /** Where the new preview starts, in seconds: 0 or more, before the track's end. */
  previewStartSeconds: number;
  signal?: AbortSignal | undefined;
};

/**
 * Has a content node cut an uploaded track's preview again at a new start (`POST /previews`,
 * docs/content-node.md): only the wallet that uploaded the audio may. Tries the nodes that hold
 * the stream first, the next when one is down or fails (5xx). Returns the upload's record, with
 * the new preview's CID in `results['320_preview']` and a new receipt that names it.
 */
export async function cutPreview(
  ctx: SdkContext,
  p: CutPreviewParameters,
): Promise<{ endpoint: string; record: UploadRecord }> {
  const nodes = rankNodes(await ctx.discovery.contentNodes(p.signal), p.streamCid);
  let lastError: ColivingSdkError | undefined;
  for (const endpoint of nodes) {
    const body = JSON.stringify({ cid: p.streamCid, previewStartSeconds: p.previewStartSeconds });
    try {
      const { body: answer } = await requestJson<{ data: UploadRecord }>(
        ctx.fetch,
        `${endpoint}/previews`,
        {
          method: 'POST',
          headers: {
            ...(await signRequest({ account: p.account, method: 'POST', path: '/previews', body })),
            'content-type': 'application/json',
          },
          body,
          signal: p.signal,
          // The node may first pull the stream file from a peer, then cut it.
          timeoutMs: PREVIEW_CUT_TIMEOUT_MS,
        },
      );
      return { endpoint, record: answer.data };
    } catch (error) {
      const sdkError = toColivingSdkError(error);
      if (!isFailoverError(sdkError)) throw sdkError;
      lastError = sdkError;
    }
  }
  throw new ColivingSdkError(
    'no_healthy_node',
    `No content node cut the preview (${nodes.length} listed)`,
    { code: 'no_content_node', ...(lastError ? { cause: lastError } : {}) },
  );
}
