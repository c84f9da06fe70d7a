// What an upload is, decided by its bytes alone: a file name or a declared
// Content-Type is the uploader's claim and never consulted. Then a structural
// walk of the container: it must end exactly where the file ends, which
// refuses truncated files and the common polyglots (an image with HTML, a ZIP
// or a script appended after its end).
//
// The end check is defence in depth, not what keeps stored bytes harmless:
// every upload is decoded and re-encoded from pixels without metadata, so no
// byte of the original ever leaves the server. For the same reason there is
// no scan of the first KiB for `<html`, `<script`, `<svg` or `<?xml`: it
// would refuse real photos whose XMP packet sits near the start, miss a
// payload placed past the first KiB, and protect nothing the re-encoding does
// not already (a `<script>` in a PNG tEXt chunk is simply dropped).
import { mediaError } from '../media.errors.ts';
import type { SniffedImage, SourceFormat } from './processed-image.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const FORMAT_NAMES: Readonly<Record<SourceFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  avif: 'AVIF',
};

/** Identifies the image format by its bytes and checks that the container is whole. */
export function sniffImage(bytes: Buffer): SniffedImage {
  const format = formatOf(bytes);
  if (format === undefined) {
    throw mediaError('unsupported_image_type', {
      detail: 'The file is not a JPEG, PNG, WebP, AVIF or GIF image (judged by its content)',
    });
  }
  const problem = WALKERS[format](bytes);
  if (problem !== undefined)
    throw mediaError('image_unreadable', { detail: `The ${FORMAT_NAMES[format]} ${problem}` });
  return { format, contentType: `image/${format}` };
}

const ascii = (b: Buffer, start: number, end: number): string => b.toString('latin1', start, end);

function formatOf(b: Buffer): SourceFormat | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 16 && ascii(b, 4, 8) === 'ftyp' && hasAvifBrand(b)) return 'avif';
  return undefined;
}

/** The ftyp box's major or a compatible brand is `avif` (still) or `avis` (sequence); HEIC has neither. */
function hasAvifBrand(b: Buffer): boolean {
  const size = b.readUInt32BE(0);
  if (size < 16 || size > b.length) return false;
  for (let at = 8; at + 4 <= size; at += 4) {
    if (at === 12) continue; // minor version, not a brand
    const brand = ascii(b, at, at + 4);
    if (brand === 'avif' || brand === 'avis') return true;
  }
  return false;
}

type Walker = (b: Buffer) => string | undefined;

/** Chunks from the signature on: IHDR first, each length inside the file, IEND last and at EOF. */
function walkPng(b: Buffer): string | undefined {
  for (let at = 8; at + 12 <= b.length; ) {
    const length = b.readUInt32BE(at);
    const type = ascii(b, at + 4, at + 8);
    if (length > 0x7fffffff) return 'has a chunk with an impossible length';
    if (at === 8 && (type !== 'IHDR' || length !== 13)) return 'does not start with its IHDR chunk';
    const end = at + 12 + length;
    if (end > b.length) return 'is truncated';
    if (type === 'IEND') return end === b.length ? undefined : 'carries data after its IEND chunk';
    at = end;
  }
  return 'is truncated (no IEND chunk)';
}

// After a JPEG's EOI we accept zero padding (some cameras and card writers pad
// the file) and further complete JPEG images: MPF stores its secondary images
// there (Ultra HDR gain maps, camera previews). Anything else is refused, an
// appended ZIP or HTML, and also a Motion Photo's MP4, which is a second file
// glued on; the owner can export the still.
function walkJpeg(b: Buffer): string | undefined {
  let at = 0;
  while (true) {
    const end = jpegEnd(b, at);
    if (typeof end === 'string') return end;
    at = end;
    while (at < b.length && b[at] === 0x00) at++;
    if (at === b.length) return undefined;
    if (!(b[at] === 0xff && b[at + 1] === 0xd8 && b[at + 2] === 0xff))
      return 'carries data after its end (EOI)';
  }
}

/** Walks one JPEG from its SOI: marker segments, entropy-coded scans, up to and including EOI. */
function jpegEnd(b: Buffer, start: number): number | string {
  let at = start + 2;
  while (true) {
    if (b[at] !== 0xff)
      return at >= b.length ? 'is truncated (no EOI marker)' : 'has a broken marker segment';
    while (b[at] === 0xff) at++; // fill bytes before a marker
    if (at >= b.length) return 'is truncated (no EOI marker)';
    const marker = b[at++]!;
    if (marker === 0xd9) return at;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // standalone markers
    if (marker === 0x00 || marker === 0xd8) return 'has a broken marker segment';
    if (at + 2 > b.length) return 'is truncated';
    const length = b.readUInt16BE(at);
    if (length < 2) return 'has a broken marker segment';
    at += length;
    if (at > b.length) return 'is truncated';
    if (marker === 0xda) {
      // Entropy-coded data runs to the next FF not followed by 00 (stuffing) or a restart marker.
      while (true) {
        const ff = b.indexOf(0xff, at);
        if (ff < 0 || ff + 1 >= b.length) return 'is truncated (no EOI marker)';
        const next = b[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at = ff + 2;
        else if (next === 0xff) at = ff + 1;
        else {
          at = ff;
          break;
        }
      }
    }
  }
}

/** Header, screen descriptor, colour table, then extensions and images up to the 0x3B trailer at EOF. */
function walkGif(b: Buffer): string | undefined {
  if (b.length < 13) return 'is truncated';
  let at = 13 + colourTableSize(b[10]!);
  while (at < b.length) {
    const block = b[at++]!;
    if (block === 0x3b) return at === b.length ? undefined : 'carries data after its trailer';
    if (block === 0x21) at = skipSubBlocks(b, at + 1);
    else if (block === 0x2c) {
      if (at + 9 > b.length) return 'is truncated';
      at += 9 + colourTableSize(b[at + 8]!) + 1; // descriptor, local colour table, LZW code size
      at = skipSubBlocks(b, at);
    } else return 'has an unknown block';
    if (at < 0) return 'is truncated';
  }
  return 'is truncated (no trailer)';
}

const colourTableSize = (flags: number): number => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);

/** Data sub-blocks up to the zero-length terminator; -1 when the file ends first. */
function skipSubBlocks(b: Buffer, start: number): number {
  let at = start;
  while (at < b.length) {
    const size = b[at]!;
    at += 1 + size;
    if (size === 0) return at;
  }
  return -1;
}

// The RIFF size counts everything after the first 8 bytes. Chunks are padded
// to an even length; a writer that leaves the last pad byte out of the size
// (an odd RIFF size followed by that one byte) is tolerated.
function walkWebp(b: Buffer): string | undefined {
  const size = b.readUInt32LE(4);
  const riffEnd = size + 8;
  const padded = size % 2 === 1 && b.length === riffEnd + 1;
  if (b.length < riffEnd) return 'is truncated';
  if (b.length > riffEnd && !padded) return 'carries data after its RIFF container';
  let at = 12;
  if (riffEnd < 20 || !['VP8 ', 'VP8L', 'VP8X'].includes(ascii(b, 12, 16))) return 'has no image chunk';
  while (at < riffEnd) {
    if (at + 8 > riffEnd) return 'has a broken chunk';
    const end = at + 8 + b.readUInt32LE(at + 4);
    if (end > riffEnd) return 'is truncated';
    at = end + (end % 2);
  }
  return at === riffEnd || (padded && at === b.length) ? undefined : 'has a broken chunk';
}

// Top-level ISO-BMFF boxes tile the file: size 1 means a 64-bit size follows
// the type, size 0 means "to the end of the file" (so it can only be last).
function walkAvif(b: Buffer): string | undefined {
  let at = 0;
  while (at < b.length) {
    if (at + 8 > b.length) return 'is truncated';
    const size32 = b.readUInt32BE(at);
    let header = 8;
    let size = size32;
    if (size32 === 0) size = b.length - at;
    else if (size32 === 1) {
      if (at + 16 > b.length) return 'is truncated';
      const large = b.readBigUInt64BE(at + 8);
      header = 16;
      size = large > BigInt(b.length) ? b.length + 1 : Number(large);
    }
    if (size < header) return 'has a broken box';
    if (at + size > b.length) return 'does not end where its last box ends (truncated, or data appended)';
    at += size;
  }
  return undefined;
}

const WALKERS: Readonly<Record<SourceFormat, Walker>> = {
  png: walkPng,
  jpeg: walkJpeg,
  gif: walkGif,
  webp: walkWebp,
  avif: walkAvif,
};
