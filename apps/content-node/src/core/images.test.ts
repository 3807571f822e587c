import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { UnprocessableError, ValidationError } from '@coliving/protocol';
import { IMAGE_VARIANTS, probeImage, renderImageVariant } from './images.js';

/** A 1600x900 PNG with a red left half and a blue right half. */
async function photo(): Promise<Buffer> {
  const left = await sharp({
    create: { width: 800, height: 900, channels: 3, background: '#ff0000' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1600, height: 900, channels: 3, background: '#0000ff' } })
    .composite([{ input: left, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

describe('images', () => {
  it('crops squares to exactly their size, from the center', async () => {
    const input = await photo();
    for (const variant of IMAGE_VARIANTS.img_square) {
      const out = await renderImageVariant(input, variant);
      const meta = await sharp(out).metadata();
      const size = Number(variant.split('x')[0]);
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', size, size]);
      // Centered: the left edge is red, the right edge blue.
      const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      const px = (x: number, y: number) => [
        ...data.subarray((y * size + x) * 3, (y * size + x) * 3 + 3),
      ];
      assert.ok(
        px(2, size / 2)[0]! > 200 && px(2, size / 2)[2]! < 60,
        `left of ${variant}: ${px(2, size / 2).join(',')}`,
      );
      assert.ok(px(size - 3, size / 2)[2]! > 200 && px(size - 3, size / 2)[0]! < 60);
    }
  });

  it('scales backdrops to their width keeping the aspect ratio, never enlarging', async () => {
    const input = await photo();
    const small = await sharp(await renderImageVariant(input, '640x')).metadata();
    assert.deepEqual([small.width, small.height], [640, 360]);
    const large = await sharp(await renderImageVariant(input, '2000x')).metadata();
    assert.deepEqual([large.width, large.height], [1600, 900]);
  });

  it('refuses what is not an image, and unknown variants', async () => {
    for (const bad of [Buffer.from('not an image'), (await photo()).subarray(0, 200)]) {
      await assert.rejects(probeImage(bad), UnprocessableError);
    }
    assert.deepEqual(await probeImage(await photo()), { width: 1600, height: 900, format: 'png' });
    await assert.rejects(renderImageVariant(await photo(), '99x77x'), ValidationError);
    await assert.rejects(renderImageVariant(Buffer.from('nope'), '150x150'), UnprocessableError);
  });
});
