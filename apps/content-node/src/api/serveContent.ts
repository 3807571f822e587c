import { ForbiddenError, NotFoundError, ValidationError, parseCid } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FindHolder } from '../core/findHolder.js';
import { IMAGE_VARIANTS, isImageVariant, renderImageVariant } from '../core/images.js';
import { sniffContentType } from '../core/sniffContentType.js';
import type { VariantIndex } from '../db/variantIndex.js';
import { redirectToHolder } from './redirectToHolder.js';

export type ServeContentComponents = {
  store: BlobStore;
  variants: VariantIndex;
  /** A peer holding a blob this node lacks: the client is sent there. */
  findHolder: FindHolder;
};

/**
 * Images and JSON by CID, and image variants rendered once and then kept. Never audio. A blob
 * this node lacks is a redirect to a peer that has it (once: see redirectToHolder).
 */
export function serveContent({ store, variants, findHolder }: ServeContentComponents) {
  /** A blob's size and first bytes (enough to tell its type). */
  async function sniff(cid: string): Promise<{ size: number; head: Uint8Array }> {
    const info = await store.head(cid);
    if (!info) throw new NotFoundError(`Blob ${cid} not found`);
    if (info.size === 0) return { size: 0, head: new Uint8Array() };
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(cid, { range: { start: 0, end: 15 } }))
      chunks.push(Buffer.from(chunk));
    return { size: info.size, head: Buffer.concat(chunks) };
  }

  /** A blob as it is stored, when it is an image or JSON. */
  async function serveContent(
    request: FastifyRequest<{ Params: { cid: string } }>,
    reply: FastifyReply,
  ) {
    const cid = parseCid(request.params.cid);
    let sniffed: { size: number; head: Uint8Array };
    try {
      sniffed = await sniff(cid);
    } catch (error) {
      return redirectToHolder(findHolder, cid, request, reply, error);
    }
    const { size, head } = sniffed;
    const type = sniffContentType(head);
    // Audio is only ever served through the signed stream route.
    if (!type)
      throw new ForbiddenError(
        'Only images and JSON are served here; stream audio through /tracks/cidstream',
        { code: 'not_content' },
      );
    return reply
      .header('content-type', type)
      .header('content-length', String(size))
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(await store.get(cid));
  }

  /** One size of an image, rendered from the original the first time it is asked for. */
  async function serveImageVariant(
    request: FastifyRequest<{ Params: { cid: string; variant: string } }>,
    reply: FastifyReply,
  ) {
    const cid = parseCid(request.params.cid);
    const variant = request.params.variant.replace(/\.jpg$/, '');
    if (!isImageVariant('img_square', variant) && !isImageVariant('img_backdrop', variant)) {
      throw new ValidationError(
        `Unknown variant; use one of ${[...IMAGE_VARIANTS.img_square, ...IMAGE_VARIANTS.img_backdrop].join(', ')}`,
        { code: 'invalid_variant' },
      );
    }
    let variantCid = variants.get(cid, variant);
    if (!variantCid || !(await store.head(variantCid))) {
      let sniffed: { head: Uint8Array };
      try {
        sniffed = await sniff(cid);
      } catch (error) {
        return redirectToHolder(findHolder, cid, request, reply, error);
      }
      const type = sniffContentType(sniffed.head);
      if (!type?.startsWith('image/'))
        throw new ForbiddenError('Variants exist only for images', { code: 'not_an_image' });
      const chunks: Buffer[] = [];
      for await (const chunk of await store.get(cid)) chunks.push(Buffer.from(chunk));
      const rendered = await renderImageVariant(Buffer.concat(chunks), variant);
      variantCid = (
        await store.put(
          (async function* () {
            yield rendered;
          })(),
        )
      ).cid;
      await variants.set(cid, variant, variantCid);
    }
    const info = await store.head(variantCid);
    return reply
      .header('content-type', 'image/jpeg')
      .header('content-length', String(info?.size ?? 0))
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(await store.get(variantCid));
  }

  return { serveContent, serveImageVariant };
}
