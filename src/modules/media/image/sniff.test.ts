// Sniffing by bytes alone, and the structural walk that refuses truncated
// files and data glued after an image's end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as images from '../../../../test/helpers/images.ts';
import { DomainError } from '../../../platform/domain-error.ts';
import { sniffImage } from './sniff.ts';

const refused = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;
const unsupported = (bytes: Buffer) =>
  assert.throws(() => sniffImage(bytes), refused('unsupported_image_type'));
const unreadable = (bytes: Buffer) => assert.throws(() => sniffImage(bytes), refused('image_unreadable'));
const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(
    parts.map((p) =>
      typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p),
    ),
  );
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

describe('sniffImage: formats by content', () => {
  it('recognises JPEG, PNG, GIF, WebP and AVIF', async () => {
    const seen = [
      sniffImage(await images.jpeg()),
      sniffImage(await images.png()),
      sniffImage(await images.gif(3)),
      sniffImage(await images.webp()),
      sniffImage(await images.avif()),
    ];
    assert.deepEqual(
      seen.map((s) => `${s.format} ${s.contentType}`),
      ['jpeg image/jpeg', 'png image/png', 'gif image/gif', 'webp image/webp', 'avif image/avif'],
    );
  });

  it('refuses what is not one of them, whatever it would be called', async () => {
    unsupported(Buffer.alloc(0));
    unsupported(images.htmlNamedPng());
    unsupported(images.svg());
    unsupported(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    unsupported(Buffer.from('just some text'));
    unsupported(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
    unsupported(bytes('II*\0', [8, 0, 0, 0, 0, 0])); // TIFF
    unsupported(await images.wrongMagic());
    unsupported(bytes(u32be(24), 'ftypheic', [0, 0, 0, 0], 'mif1heic', u32be(8), 'free')); // HEIC
  });

  it('takes AVIF by a compatible brand too, not only the major one', async () => {
    const avif = await images.avif();
    const ftypSize = avif.readUInt32BE(0);
    const asMif1 = Buffer.from(avif);
    asMif1.write('mif1', 8, 'latin1'); // major brand; `avif` stays among the compatible ones
    assert.ok(asMif1.subarray(16, ftypSize).includes('avif'));
    assert.equal(sniffImage(asMif1).format, 'avif');
  });
});

describe('sniffImage: the container ends where the file ends', () => {
  it('PNG: refuses data after IEND, a missing IEND, and a file not starting with IHDR', async () => {
    const png = await images.png(64, 64);
    unreadable(await images.polyglot('png+html'));
    unreadable(png.subarray(0, png.length - 12)); // IEND cut off
    unreadable(png.subarray(0, 100));
    unreadable(bytes(png.subarray(0, 8), images.chunk('IEND', Buffer.alloc(0))));
  });

  it('PNG: a <script> in a tEXt chunk is not refused (re-encoding drops it)', async () => {
    assert.equal(sniffImage(await images.pngWithScriptText()).format, 'png');
  });

  it('JPEG: refuses a ZIP or HTML after EOI and a file without EOI', async () => {
    unreadable(await images.polyglot('jpeg+zip'));
    unreadable(bytes(await images.jpeg(64, 64), images.htmlNamedPng()));
    unreadable(bytes(await images.jpeg(64, 64), Buffer.alloc(16), '<html>'));
    unreadable(await images.truncatedJpeg());
    unreadable(bytes(await images.jpeg(64, 64), [0xff, 0xd8, 0xff, 0xe0])); // a second image cut short
  });

  it('JPEG: accepts zero padding and further complete images (MPF) after EOI', async () => {
    const jpeg = await images.jpeg(64, 64);
    assert.equal(sniffImage(bytes(jpeg, Buffer.alloc(64))).format, 'jpeg');
    assert.equal(sniffImage(bytes(jpeg, jpeg, Buffer.alloc(3))).format, 'jpeg');
  });

  it('GIF: refuses data after the trailer and a missing trailer', async () => {
    const gif = await images.gif(3);
    unreadable(bytes(gif, '<html>'));
    unreadable(gif.subarray(0, gif.length - 1));
    unreadable(gif.subarray(0, 40));
  });

  it('WebP: the RIFF size must match, allowing only the one pad byte', async () => {
    const webp = await images.webp();
    const withChunk = (sizeAdd: number, tail: number[]) => {
      const out = bytes(webp, 'XTRA', [3, 0, 0, 0], 'abc', tail);
      out.writeUInt32LE(webp.readUInt32LE(4) + sizeAdd, 4);
      return out;
    };
    assert.equal(sniffImage(withChunk(12, [0])).format, 'webp'); // pad counted in the size
    assert.equal(sniffImage(withChunk(11, [0])).format, 'webp'); // pad left out of the size
    unreadable(withChunk(11, [0, 0]));
    unreadable(bytes(webp, '<html>'));
    unreadable(webp.subarray(0, webp.length - 10));
  });

  it('AVIF: top-level boxes tile the file (64-bit sizes and a last to-the-end box allowed)', async () => {
    const avif = await images.avif();
    const large = bytes(avif, u32be(1), 'free', u32be(0), u32be(20), 'abcd');
    assert.equal(sniffImage(large).format, 'avif');
    assert.equal(sniffImage(bytes(avif, u32be(0), 'free', 'anything to the end')).format, 'avif');
    unreadable(bytes(avif, u32be(256), 'free', 'too short'));
    unreadable(bytes(avif, images.htmlNamedPng()));
    unreadable(avif.subarray(0, avif.length - 5));
  });
});
