import sharp from 'sharp';
import { UnprocessableError, ValidationError } from '@coliving/protocol';
import type { VariantIndex } from '../db/variantIndex.js';

/** The variants each image template has (docs/design.md §7): squares are cropped, backdrops scaled. */
export const IMAGE_VARIANTS = {
  img_square: ['150x150', '480x480', '1000x1000'],
  img_backdrop: ['640x', '2000x'],
} as const;
export type ImageTemplate = keyof typeof IMAGE_VARIANTS;
export type ImageVariant = (typeof IMAGE_VARIANTS)[ImageTemplate][number];

/** Decoding bombs stop here: 50 megapixels is a large photo. */
const MAX_INPUT_PIXELS = 50_000_000;
const JPEG_QUALITY = 90;

export function isImageVariant(template: ImageTemplate, variant: string): variant is ImageVariant {
  return (IMAGE_VARIANTS[template] as readonly string[]).includes(variant);
}

/**
 * Remembers the variant blobs an image job made, so /content/:cid/:variant serves them as they
 * are.
 */
export async function indexVariants(
  variants: VariantIndex,
  results: Record<string, string>,
): Promise<void> {
  const original = results.original;
  if (!original) return;
  for (const [name, cid] of Object.entries(results)) {
    if (
      name !== original &&
      (isImageVariant('img_square', name) || isImageVariant('img_backdrop', name))
    ) {
      await variants.set(original, name, cid);
    }
  }
}

/** Checks that `input` is an image sharp can decode; UnprocessableError (`not_an_image`) if not. */
export async function probeImage(
  input: Buffer | string,
): Promise<{ width: number; height: number; format: string }> {
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (!meta.width || !meta.height || !meta.format) throw new Error('no dimensions');
    // Decode fully once: a truncated file has valid headers but fails here.
    await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).stats();
    return { width: meta.width, height: meta.height, format: meta.format };
  } catch (cause) {
    throw new UnprocessableError("This file isn't an image we can read", {
      code: 'not_an_image',
      cause,
    });
  }
}

/**
 * Renders one variant as a JPEG: `WxH` squares are center-cropped to exactly that size;
 * `Wx` backdrops are scaled to that width (never enlarged) keeping their aspect ratio.
 */
export async function renderImageVariant(input: Buffer | string, variant: string): Promise<Buffer> {
  const square = /^(\d+)x(\d+)$/.exec(variant);
  const backdrop = /^(\d+)x$/.exec(variant);
  const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
  if (square) {
    image.resize(Number(square[1]), Number(square[2]), { fit: 'cover', position: 'centre' });
  } else if (backdrop) {
    image.resize({ width: Number(backdrop[1]), withoutEnlargement: true });
  } else {
    throw new ValidationError(`Unknown image variant "${variant}"`, { code: 'invalid_variant' });
  }
  try {
    return await image
      .flatten({ background: '#000000' })
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
      .toBuffer();
  } catch (cause) {
    throw new UnprocessableError("We couldn't resize this image", { code: 'not_an_image', cause });
  }
}
