// Every route of the content node on one screen, each with its guards on its line. `/metrics` is
// added with the metrics (metrics.ts).
import multipart from '@fastify/multipart';
import { registerHealthCheck } from '@coliving/server-kit';
import type { FastifyInstance } from 'fastify';
import type { Guards } from './api/guards.js';
import type { serveAuthentication } from './api/serveAuthentication.js';
import type { serveContent } from './api/serveContent.js';
import type { serveHealth } from './api/serveHealth.js';
import type { serveInternal } from './api/serveInternal.js';
import type { servePreviews } from './api/servePreviews.js';
import type { serveStream } from './api/serveStream.js';
import type { serveUploads } from './api/serveUploads.js';
import type { Discovery } from './core/discovery.js';
import type { RateLimiter } from './core/rateLimiter.js';
import type { UploadQuota } from './core/uploadQuota.js';

export type RoutesComponents = {
  guards: Guards;
  /**
   * Uploads started per wallet and per client IP, and login record writes (creates, replaces,
   * deletes) per wallet.
   */
  limiters: { uploads: RateLimiter; uploadsPerIp: RateLimiter; authWrites: RateLimiter };
  /** Who is a user (uploads need one). */
  discovery: Discovery;
  /** Upload bytes a day per user and per IP. */
  uploadQuota: UploadQuota;
  health: ReturnType<typeof serveHealth>;
  uploads: ReturnType<typeof serveUploads>;
  previews: ReturnType<typeof servePreviews>;
  authentication: ReturnType<typeof serveAuthentication>;
  content: ReturnType<typeof serveContent>;
  stream: ReturnType<typeof serveStream>;
  internal: ReturnType<typeof serveInternal>;
};

export type RoutesInit = { maxUploadBytes: number };

/** Adds the body parsers, the health check and every route to `app`. */
export async function registerRoutes(
  app: FastifyInstance,
  {
    guards,
    limiters,
    discovery,
    uploadQuota,
    health,
    uploads,
    previews,
    authentication,
    content,
    stream,
    internal,
  }: RoutesComponents,
  { maxUploadBytes }: RoutesInit,
): Promise<void> {
  const { signedBy, limitedBy, limitedByIp, requireUser, limitUploadBytes } = guards;
  const { requirePeer, requirePeerBlob } = guards;
  // JSON as fastify parses it, its raw bytes kept: request signatures sign them.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    guards.keepRawJson(parseJson),
  );
  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 10, fields: 10, fieldSize: 1024, parts: 20 },
  });
  // Blobs arrive as raw streams; store.put verifies them against their CID as they stream.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
    done(null, payload),
  );
  registerHealthCheck(app, health);

  // Uploads: counted per IP, signed by a user's wallet for the files it sends, counted per user,
  // and their bytes counted against the user's and the IP's daily quota before any is stored.
  app.post(
    '/uploads',
    {
      preHandler: [
        limitedByIp(limiters.uploadsPerIp),
        signedBy(() => '/uploads', 'files'),
        requireUser(discovery),
        limitedBy(limiters.uploads),
        limitUploadBytes(uploadQuota),
      ],
    },
    uploads.serveUploadCreate,
  );
  app.get('/uploads/:id', uploads.serveUpload);
  // A new preview of an uploaded track, at a new start: signed by its uploader (the handler
  // checks the wallet against the upload), the body bound to the signature, counted as an upload.
  app.post(
    '/previews',
    {
      bodyLimit: 1024,
      preHandler: [
        limitedByIp(limiters.uploadsPerIp),
        signedBy(() => '/previews'),
        limitedBy(limiters.uploads),
      ],
    },
    previews.servePreviewCut,
  );

  // Login records (Hedgehog): written and deleted by their wallet, read by anyone.
  app.post(
    '/authentication',
    {
      bodyLimit: 8 * 1024,
      preHandler: [signedBy(() => '/authentication'), limitedBy(limiters.authWrites)],
    },
    authentication.serveAuthRecordWrite,
  );
  app.get('/authentication/:lookupKey', authentication.serveAuthRecord);
  app.delete(
    '/authentication/:lookupKey',
    {
      bodyLimit: 1024,
      preHandler: [signedBy(authentication.signedPathOf), limitedBy(limiters.authWrites)],
    },
    authentication.serveAuthRecordDelete,
  );

  // Content: images and JSON, open to all; audio only through the signed stream route.
  app.get('/content/:cid', content.serveContent);
  app.get('/content/:cid/:variant', content.serveImageVariant);
  app.route({
    method: ['GET', 'HEAD'],
    url: '/tracks/cidstream/:cid',
    exposeHeadRoute: false,
    handler: stream.serveStream,
  });

  // Node to node: registered content nodes only.
  app.put('/internal/blobs/:cid', { preHandler: requirePeerBlob }, internal.serveBlobPush);
  app.route({
    method: ['GET', 'HEAD'],
    url: '/internal/blobs/:cid',
    exposeHeadRoute: false,
    preHandler: requirePeer,
    handler: internal.serveBlob,
  });
  app.post('/internal/uploads', { preHandler: requirePeer }, internal.serveRecordPush);
  app.get('/internal/uploads', { preHandler: requirePeer }, internal.serveRecords);
  app.post('/internal/authentication', { preHandler: requirePeer }, internal.serveAuthRecordPush);
  app.get(
    '/internal/authentication/:lookupKey',
    { preHandler: requirePeer },
    internal.serveAuthRecordCopy,
  );
  app.get('/internal/authentication', { preHandler: requirePeer }, internal.serveAuthRecords);
}
