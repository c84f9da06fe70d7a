// The avatar pipeline end to end on real images: what comes out (two WebP
// squares, oriented, colour-managed, without a byte of metadata), what is
// refused and with which code, and the gate that bounds concurrent decoding.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import * as images from '../../../../test/helpers/images.ts';
import { DomainError } from '../../../platform/domain-error.ts';
import { decodeRgb, imageSlots, processAvatar } from './process-avatar.ts';
import type { EncodedImage } from './processed-image.ts';

const limits = { maxPixels: 40_000_000 };
const refused = (code: string, detail?: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === code && (detail === undefined || detail.test(error.detail));

async function assertClean(image: EncodedImage, side: number): Promise<void> {
  const meta = await sharp(image.data).metadata();
  assert.deepEqual(
    { format: meta.format, width: meta.width, height: meta.height, pages: meta.pages ?? 1 },
    { format: 'webp', width: side, height: side, pages: 1 },
  );
  assert.deepEqual([image.width, image.height], [side, side]);
  assert.equal(meta.exif, undefined);
  assert.equal(meta.icc, undefined);
  assert.equal(meta.xmp, undefined);
}

/** The colour at (x, y) of an encoded image. */
async function colourAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

const near = (actual: number[], expected: number[], tolerance = 16) =>
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance),
    `${actual} is not near ${expected}`,
  );
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

describe('processAvatar: outputs', () => {
  for (const [name, make] of [
    ['jpeg', () => images.jpeg()],
    ['png', () => images.png()],
    ['gif', () => images.gif(3)],
    ['webp', () => images.webp()],
    ['avif', () => images.avif()],
  ] as const) {
    it(`${name}: 400×400 and 96×96 WebP without metadata`, async () => {
      const avatar = await processAvatar(await make(), limits);
      assert.equal(avatar.contentType, 'image/webp');
      assert.equal(avatar.source.format, name);
      await assertClean(avatar.large, 400);
      await assertClean(avatar.small, 96);
    });
  }

  it('applies EXIF orientation 6: a 1200×800 red|blue source becomes red over blue', async () => {
    const avatar = await processAvatar(await images.jpegWithExif(), limits);
    assert.deepEqual(avatar.source, { format: 'jpeg', width: 800, height: 1200 });
    for (const image of [avatar.large, avatar.small]) {
      const side = image.width;
      near(await colourAt(image.data, side / 2, side / 8), RED);
      near(await colourAt(image.data, side / 8, side / 8), RED);
      near(await colourAt(image.data, side / 2, (side * 7) / 8), BLUE);
      near(await colourAt(image.data, (side * 7) / 8, (side * 7) / 8), BLUE);
    }
  });

  it('drops EXIF and GPS: none of the source metadata is in the output bytes', async () => {
    const source = await images.jpegWithExif();
    const sourceExif = (await sharp(source).metadata()).exif;
    assert.ok(
      sourceExif?.includes(Buffer.from([0x25, 0x88])),
      'the source has a GPS IFD pointer (tag 0x8825)',
    );
    assert.ok(source.includes(images.EXIF_MARKERS.gpsDatum) && source.includes(images.EXIF_MARKERS.make));
    const avatar = await processAvatar(source, limits);
    for (const { data } of [avatar.large, avatar.small]) {
      for (const marker of ['Exif', 'GPS', images.EXIF_MARKERS.gpsDatum, images.EXIF_MARKERS.make]) {
        assert.equal(data.includes(marker), false, `output contains ${marker}`);
      }
    }
  });

  it('applies an embedded ICC profile before dropping it: Display P3 red stays sRGB red', async () => {
    const source = await images.p3Jpeg();
    const stored = await sharp(source, { ignoreIcc: true }).raw().toBuffer();
    assert.ok(stored[1]! > 40, 'stored values are P3 coordinates, not sRGB red');
    const avatar = await processAvatar(source, limits);
    near(await colourAt(avatar.large.data, 200, 200), RED, 12);
  });

  it('drops a <script> carried in a PNG text chunk', async () => {
    const source = await images.pngWithScriptText();
    assert.ok(source.includes('<script>'));
    const avatar = await processAvatar(source, limits);
    assert.equal(avatar.large.data.includes('<script>'), false);
    assert.equal(avatar.small.data.includes('<script>'), false);
  });

  it('a 500-frame GIF: counted and decoded by its first frame only', async () => {
    const source = await images.gif(500);
    assert.equal((await sharp(source).metadata()).pages, 500);
    // 32×32×500 frames = 512,000 pixels, above this limit; one frame is 1,024.
    const avatar = await processAvatar(source, { maxPixels: 100_000 });
    assert.deepEqual(avatar.source, { format: 'gif', width: 32, height: 32 });
    await assertClean(avatar.large, 400);
    near(await colourAt(avatar.large.data, 200, 200), RED);
  });

  it('decodeRgb: 3-channel pixels no larger than asked', async () => {
    const avatar = await processAvatar(await images.jpegWithExif(), limits);
    const rgb = await decodeRgb(avatar.large.data, 128);
    assert.deepEqual([rgb.width, rgb.height, rgb.data.length], [128, 128, 128 * 128 * 3]);
    near([...rgb.data.subarray(0, 3)], RED);
    const small = await decodeRgb(avatar.small.data, 128);
    assert.deepEqual([small.width, small.height], [96, 96]);
  });
});

describe('processAvatar: refusals', () => {
  const cases: Array<[string, () => Buffer | Promise<Buffer>, string, RegExp?]> = [
    ['empty', () => Buffer.alloc(0), 'unsupported_image_type'],
    ['a PNG with its signature overwritten', images.wrongMagic, 'unsupported_image_type'],
    ['HTML named avatar.png', images.htmlNamedPng, 'unsupported_image_type'],
    ['SVG', images.svg, 'unsupported_image_type'],
    ['1×100000 PNG', images.narrowPng, 'image_dimensions_unsupported', /1×100000/],
    ['8×8 PNG', () => images.png(8, 8), 'image_dimensions_unsupported', /8×8/],
    // The detail quotes the header's size: refused on the header, before any decoding.
    ['20000×20000 PNG bomb', () => images.bombPng(), 'image_too_many_pixels', /20000×20000/],
    ['20000×20000 JPEG bomb', () => images.bombJpeg(), 'image_too_many_pixels', /20000×20000/],
    ['truncated JPEG', images.truncatedJpeg, 'image_unreadable'],
    ['truncated JPEG given its EOI back', images.damagedJpeg, 'image_unreadable'],
    ['PNG with HTML after IEND', () => images.polyglot('png+html'), 'image_unreadable'],
    ['JPEG with a ZIP after EOI', () => images.polyglot('jpeg+zip'), 'image_unreadable'],
  ];
  for (const [name, make, code, detail] of cases) {
    it(`${name}: ${code}`, async () => {
      await assert.rejects(processAvatar(await make(), limits), refused(code, detail));
    });
  }

  it('a decoder error keeps its text for logs only', async () => {
    const error = await processAvatar(await images.damagedJpeg(), limits).catch((e: unknown) => e);
    assert.ok(error instanceof DomainError);
    assert.match(error.internal ?? '', /JPEG/);
    assert.doesNotMatch(error.detail, /jpeg|vips/i);
  });
});

describe('concurrency gate', () => {
  const deferred = () => {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };

  it('processAvatar waits for a free slot (one per core)', async () => {
    const source = await images.png(64, 64);
    await processAvatar(source, limits); // sharp loaded
    const slots = Math.max(1, availableParallelism());
    const held = Array.from({ length: slots }, () => deferred());
    const holding = held.map((h) => imageSlots.run(() => h.promise));
    let done = false;
    const waiting = processAvatar(source, limits).then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([imageSlots.stats().running, imageSlots.stats().queued, done], [slots, 1, false]);
    for (const h of held) h.resolve();
    await Promise.all([...holding, waiting]);
    assert.equal(done, true);
  });
});
