import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NotFoundError, UnavailableError, ValidationError, parseCid } from '@coliving/protocol';
import {
  type BlobInfo,
  type BlobStore,
  type PutBlobOptions,
  readByHeadThenGet,
  resolveRange,
} from './blobStore.js';
import { stageBlob } from './stageToFile.js';

export type S3BlobStoreOptions = {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing slash), or "". */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, R2, a test server); AWS when absent. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Explicit keys; otherwise the AWS SDK's default chain (AWS_ACCESS_KEY_ID, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where uploads are staged while they are hashed; the OS temp dir by default. */
  stagingDir?: string;
};

/**
 * Parses `s3://[key:secret@]bucket[/prefix]?endpoint=http://127.0.0.1:9000&region=us-east-1`.
 * Path-style addressing is used whenever an endpoint is given (S3-compatible stores expect it).
 */
export function parseS3Url(url: string): S3BlobStoreOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ValidationError('Invalid s3:// URL', { code: 'invalid_storage_url', cause });
  }
  const bucket = parsed.hostname;
  if (parsed.protocol !== 's3:' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ValidationError('An s3:// URL names a bucket: s3://bucket/prefix?region=…', {
      code: 'invalid_storage_url',
    });
  }
  const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
  const credentials =
    parsed.username && parsed.password
      ? {
          accessKeyId: decodeURIComponent(parsed.username),
          secretAccessKey: decodeURIComponent(parsed.password),
        }
      : undefined;
  return {
    bucket,
    prefix: parsed.pathname.replace(/^\/+|\/+$/g, ''),
    region: parsed.searchParams.get('region') ?? 'us-east-1',
    endpoint,
    forcePathStyle: endpoint !== undefined || parsed.searchParams.get('forcePathStyle') === 'true',
    credentials,
  };
}

/** The first `length` bytes of `source`, then stop reading it. */
async function* takeBytes(
  source: AsyncIterable<Uint8Array>,
  length: number,
): AsyncIterable<Uint8Array> {
  let remaining = length;
  for await (const chunk of source) {
    if (chunk.length >= remaining) {
      yield chunk.subarray(0, remaining);
      return;
    }
    remaining -= chunk.length;
    yield chunk;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** Any other S3 failure is the store being unavailable (503), with the cause kept for logs. */
function unavailable(what: string, cause: unknown): UnavailableError {
  return new UnavailableError(`Blob storage failed to ${what}`, { cause });
}

/**
 * A BlobStore in an S3 bucket. Uploads are staged to a local file while they are hashed, so that
 * only verified bytes are ever put, and PutObject makes each blob appear whole or not at all.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    // S3-compatible stores differ in the optional checksum schemes they understand.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (cid: string) => (options.prefix ? `${options.prefix}/${cid}` : cid);
  const stagingDir = options.stagingDir ?? join(tmpdir(), 'coliving-s3-staging');
  const location = `s3://${options.bucket}/${options.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;

  async function head(cid: string, signal?: AbortSignal): Promise<BlobInfo | undefined> {
    const key = keyOf(parseCid(cid));
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key }), {
        abortSignal: signal,
      });
      return { cid, size: res.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw unavailable('read a blob', error);
    }
  }

  /** Uploads a staged, hashed file under its CID unless the bucket has it already. */
  async function upload(path: string, { cid, size }: BlobInfo, signal?: AbortSignal) {
    if ((await head(cid, signal))?.size === size) return;
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: keyOf(cid),
          Body: size === 0 ? new Uint8Array() : createReadStream(path),
          ContentLength: size,
          ContentType: 'application/octet-stream',
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw unavailable('store a blob', error);
    }
  }

  function stage(source: AsyncIterable<Uint8Array>, putOptions: PutBlobOptions = {}) {
    return stageBlob(stagingDir, source, putOptions, (path, info) =>
      upload(path, info, putOptions.signal),
    );
  }

  return {
    location,
    async put(
      source: AsyncIterable<Uint8Array>,
      putOptions: PutBlobOptions = {},
    ): Promise<BlobInfo> {
      const staged = await stage(source, putOptions);
      await staged.commit();
      return { cid: staged.cid, size: staged.size };
    },
    stage,
    async get(cid, getOptions = {}) {
      const info = await head(cid, getOptions.signal);
      if (!info) throw new NotFoundError(`Blob ${cid} not found`);
      const { start, end } = resolveRange(getOptions.range, info.size);
      if (info.size === 0) return (async function* () {})();
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket: options.bucket,
            Key: keyOf(cid),
            Range: `bytes=${start}-${end}`,
          }),
          { abortSignal: getOptions.signal },
        );
        // Some S3-compatible stores serve more than asked (s3rver answers `bytes=0-0` with the
        // whole object); the Content-Range says what came, and exactly the range goes out.
        const served = /^bytes (\d+)-(\d+)\/\d+$/.exec(res.ContentRange ?? '');
        if (served && (Number(served[1]) !== start || Number(served[2]) < end)) {
          (res.Body as Readable).destroy();
          throw unavailable(
            'read a blob',
            new Error(`asked for bytes ${start}-${end}, got ${res.ContentRange}`),
          );
        }
        return takeBytes(res.Body as Readable, end - start + 1);
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`Blob ${cid} not found`);
        throw unavailable('read a blob', error);
      }
    },
    async read(cid, readOptions = {}) {
      return readByHeadThenGet(this, cid, readOptions);
    },
    async head(cid, headOptions = {}) {
      return head(cid, headOptions.signal);
    },
    async delete(cid, deleteOptions = {}) {
      if (!(await head(cid, deleteOptions.signal))) return false;
      try {
        await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: keyOf(cid) }), {
          abortSignal: deleteOptions.signal,
        });
      } catch (error) {
        throw unavailable('delete a blob', error);
      }
      return true;
    },
    async *list(listOptions = {}) {
      let token: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: options.bucket,
              Prefix: options.prefix ? `${options.prefix}/` : undefined,
              ContinuationToken: token,
            }),
            { abortSignal: listOptions.signal },
          );
        } catch (error) {
          throw unavailable('list blobs', error);
        }
        for (const object of page.Contents ?? []) {
          const name = (object.Key ?? '').slice(options.prefix ? options.prefix.length + 1 : 0);
          if (/^bafkrei[a-z2-7]{52}$/.test(name)) yield name;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async close() {
      client.destroy();
    },
  };
}
