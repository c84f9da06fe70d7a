// Image fixtures for tests: real images made with sharp, and hand-made bytes
// for what no encoder would write (bombs, polyglots, truncation). Every
// builder is deterministic: the same call gives the same bytes.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** How the deceptive fixtures are declared when uploaded: the name and type lie. */
export const DECLARED_PNG = { filename: 'avatar.png', contentType: 'image/png' } as const;

/** Distinct strings written into the EXIF of jpegWithExif(), to look for in outputs. */
export const EXIF_MARKERS = { make: 'RosterTestCam', gpsDatum: 'RosterGpsDatum' } as const;

const RED = { r: 255, g: 0, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };
type Rgb = typeof RED;

/** Raw RGB pixels: left half `left`, right half `right`, with deterministic grain. */
function halves(width: number, height: number, left: Rgb, right: Rgb, grain = 0): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let i = 0; i < width * height; i++) {
    const c = i % width < width / 2 ? left : right;
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const n = grain ? ((seed >> 16) % grain) - grain / 2 : 0;
    data[i * 3] = clamp(c.r + n);
    data[i * 3 + 1] = clamp(c.g + n);
    data[i * 3 + 2] = clamp(c.b + n);
  }
  return data;
}

const clamp = (v: number): number => Math.min(255, Math.max(0, v));

const fromRaw = (data: Buffer, width: number, height: number, pageHeight?: number) =>
  sharp(data, { raw: { width, height, channels: 3, ...(pageHeight ? { pageHeight } : {}) } });

/**
 * A 1200×800 photo-like JPEG, left half red and right half blue, whose EXIF
 * says orientation 6 (turn 90° clockwise to display: red on top, blue below)
 * and carries GPS tags.
 */
export async function jpegWithExif(): Promise<Buffer> {
  return fromRaw(halves(1200, 800, RED, BLUE, 24), 1200, 800)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: EXIF_MARKERS.make },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '52/1 31/1 12/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '13/1 24/1 36/1',
        GPSMapDatum: EXIF_MARKERS.gpsDatum,
      },
    })
    .toBuffer();
}

/** A plain JPEG, red on the left and blue on the right. */
export const jpeg = (width = 640, height = 480): Promise<Buffer> =>
  fromRaw(halves(width, height, RED, BLUE, 16), width, height)
    .jpeg()
    .toBuffer();

/** Pure red, stored in Display P3 (with that ICC profile): right only if the profile is applied. */
export const p3Jpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: RED } })
    .jpeg({ quality: 100 })
    .withIccProfile('p3')
    .toBuffer();

export const png = (width = 640, height = 480): Promise<Buffer> =>
  fromRaw(halves(width, height, RED, BLUE), width, height)
    .png()
    .toBuffer();

export const webp = (width = 640, height = 480): Promise<Buffer> =>
  fromRaw(halves(width, height, RED, BLUE), width, height)
    .webp()
    .toBuffer();

export const avif = (width = 320, height = 240): Promise<Buffer> =>
  fromRaw(halves(width, height, RED, BLUE), width, height)
    .avif({ effort: 0 })
    .toBuffer();

/**
 * An animated 32×32 GIF of `frames` frames: the first is red, every later one
 * blue with a moving white dot (so the encoder cannot merge them).
 */
export async function gif(frames = 500): Promise<Buffer> {
  const side = 32;
  const data = Buffer.alloc(side * side * frames * 3);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < side * side; i++) {
      const o = (f * side * side + i) * 3;
      const dot = f > 0 && i === f % (side * side);
      data[o] = f === 0 || dot ? 255 : 0;
      data[o + 1] = dot ? 255 : 0;
      data[o + 2] = f === 0 ? 0 : 255;
    }
  }
  return fromRaw(data, side, side * frames, side)
    .gif()
    .toBuffer();
}

/** A PNG whose tEXt chunk holds a script: valid, and nothing of it may reach an output. */
export async function pngWithScriptText(): Promise<Buffer> {
  const image = await png(64, 64);
  const text = chunk('tEXt', Buffer.from('Comment\0<script>alert(1)</script>', 'latin1'));
  return Buffer.concat([image.subarray(0, 33), text, image.subarray(33)]); // after the IHDR chunk
}

/** An HTML page; upload it with DECLARED_PNG. */
export const htmlNamedPng = (): Buffer =>
  Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n');

/** A real PNG whose first eight bytes were overwritten: just bytes, whatever it is called. */
export async function wrongMagic(): Promise<Buffer> {
  const image = Buffer.from(await png(64, 64));
  image.write('NOTAPNG!', 0, 'latin1');
  return image;
}

export const svg = (): Buffer =>
  Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">' +
      '<script>alert(1)</script><rect width="64" height="64" fill="red"/></svg>\n',
  );

/** A valid PNG with an HTML page after IEND, or a valid JPEG with a ZIP archive after EOI. */
export async function polyglot(kind: 'png+html' | 'jpeg+zip'): Promise<Buffer> {
  if (kind === 'png+html') return Buffer.concat([await png(64, 64), htmlNamedPng()]);
  return Buffer.concat([await jpeg(64, 64), zip('index.html', htmlNamedPng())]);
}

/** A photo-like JPEG cut at 60%: no EOI marker. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await jpeg(1200, 800);
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

/** The same cut, with an EOI marker put back: whole to a structural walk, broken to a decoder. */
export async function damagedJpeg(): Promise<Buffer> {
  return Buffer.concat([await truncatedJpeg(), Buffer.from([0xff, 0xd9])]);
}

/** 1×100000: few pixels, impossible shape. */
export const narrowPng = (): Promise<Buffer> =>
  sharp({ create: { width: 1, height: 100_000, channels: 3, background: RED } })
    .png()
    .toBuffer();

/**
 * A structurally complete PNG whose IHDR says 20000×20000 RGB (1.2 GB once
 * decoded) but whose IDAT holds only four zero rows; a few hundred bytes.
 */
export function bombPng(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(4 * (1 + side * 3)); // filter byte 0 + zero pixels, per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small real JPEG whose SOF header is rewritten to say 20000×20000. */
export async function bombJpeg(side = 20_000): Promise<Buffer> {
  const image = Buffer.from(await jpeg(64, 64));
  for (let at = 2; at + 4 < image.length; at += 2 + image.readUInt16BE(at + 2)) {
    const marker = image[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      image.writeUInt16BE(side, at + 5); // height, then width
      image.writeUInt16BE(side, at + 7);
      return image;
    }
  }
  throw new Error('no SOF marker in the JPEG');
}

/** One PNG chunk: length, type, data, CRC over type and data. */
export function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A one-file ZIP archive, stored (no compression): local header, data, central directory, end record. */
function zip(name: string, content: Buffer): Buffer {
  const fileName = Buffer.from(name, 'latin1');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(10, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralAt = local.length + fileName.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, fileName, content, central, fileName, end]);
}
