// Turns an upload into the avatar variants. Order matters for safety: sniff
// the bytes (format and container end), read only the header and refuse
// images whose pixel count or shape is out of bounds BEFORE anything is
// decoded, then decode once under libvips' own pixel limit, orient, crop, and
// encode WebP from raw pixels, so no metadata (EXIF, GPS, XMP, ICC, comments)
// can survive.
//
// Choices:
// - failOn 'warning' (sharp's advice for untrusted input). 'truncated' and
//   'error' both pass a JPEG whose scan data was cut short and given an EOI
//   marker back (it decodes with grey rows); 'warning' refuses it. Plain
//   truncation is already refused by the sniffer's structural walk.
// - sharp.cache(false): libvips' operation cache (50 MB by default) only pays
//   off when the same input is processed again; every upload is new, so it
//   would only hold memory.
// - sharp.concurrency(1): one libvips thread per image; parallelism comes from
//   running several images at once (the gate below, one per core), which keeps
//   the memory per image predictable on every platform.
// - sharp is imported on first use, so an idle server does not load libvips.
import { availableParallelism } from 'node:os';
import type { FailOnOptions, Metadata, Sharp, SharpOptions, WebpOptions } from 'sharp';
import { createBoundedQueue } from '../../../platform/crypto/bounded-queue.ts';
import { DomainError } from '../../../platform/domain-error.ts';
import { commonError } from '../../../platform/errors.ts';
import { mediaError } from '../media.errors.ts';
import {
  AVATAR_SIZE,
  AVATAR_SMALL_SIZE,
  type EncodedImage,
  type ImageLimits,
  type ProcessedAvatar,
  type SourceFormat,
} from './processed-image.ts';
import { sniffImage } from './sniff.ts';

type SharpFactory = (input?: Buffer, options?: SharpOptions) => Sharp;

/** Shortest side an avatar can be made from, in pixels. */
export const MIN_SIDE = 16;
/** Longest side over shortest side beyond which a crop would be a sliver. */
export const MAX_ASPECT_RATIO = 20;

const FAIL_ON: FailOnOptions = 'warning';
// Effort 2 of 6: on photo-like 400×400 content the file stays within ~2% of
// effort 4's size (the default) in ~60% of the encoding time.
const WEBP: WebpOptions = { quality: 82, effort: 2 };
// What libvips' header reader reports as the format of each sniffed type.
const DECODER: Readonly<Record<SourceFormat, string>> = {
  jpeg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  avif: 'heif',
};

const CORES = Math.max(1, availableParallelism());
/**
 * The images being decoded at once: one per core (each holds tens of
 * megabytes while it runs, so this, not the number of uploads, bounds
 * memory); a few more per core wait in line, and beyond that an upload is a
 * fast 503 rather than a growing backlog.
 */
export const imageSlots = createBoundedQueue({
  maxConcurrent: CORES,
  maxQueued: 8 * CORES,
  onFull: () =>
    commonError('service_unavailable', {
      detail: 'Too many images are being processed; retry shortly.',
      retryAfter: 1,
      internal: 'image queue full; upload shed',
    }),
});

let loading: Promise<SharpFactory> | undefined;
function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(
    ({ default: sharp }) => {
      sharp.cache(false);
      sharp.concurrency(1);
      return sharp;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Sniffs, checks and re-encodes an upload into the 400×400 and 96×96 WebP avatars. */
export async function processAvatar(bytes: Buffer, limits: ImageLimits): Promise<ProcessedAvatar> {
  const { format } = sniffImage(bytes);
  const sharp = await loadSharp();
  return imageSlots.run(() =>
    decoding(async () => {
      const header = await sharp(bytes, { limitInputPixels: false, failOn: FAIL_ON }).metadata();
      const source = checkHeader(header, format, limits);
      const square = await sharp(bytes, {
        limitInputPixels: Math.max(1, limits.maxPixels),
        failOn: FAIL_ON,
        pages: 1,
        page: 0,
        sequentialRead: true,
      })
        .autoOrient()
        .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' })
        // An embedded ICC profile is applied while converting to sRGB, so the
        // colours stay right once the profile itself is dropped.
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { width: square.info.width, height: square.info.height, channels: square.info.channels };
      const large = await encode(sharp(square.data, { raw }));
      const small = await encode(sharp(square.data, { raw }).resize(AVATAR_SMALL_SIZE, AVATAR_SMALL_SIZE));
      return { contentType: 'image/webp', extension: 'webp', large, small, source };
    }),
  );
}

/** Pixel count and shape from the header alone; the size of the image as displayed. */
function checkHeader(header: Metadata, format: SourceFormat, limits: ImageLimits): ProcessedAvatar['source'] {
  if (header.format !== DECODER[format]) {
    throw mediaError('image_unreadable', { internal: `sniffed ${format}, decoder says ${header.format}` });
  }
  // Only the first frame of an animation is decoded, so only it counts.
  const width = header.width;
  const height = header.pageHeight ?? header.height;
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw mediaError('image_too_many_pixels', {
      detail: `The image is ${width}×${height} (${pixels} pixels); at most ${limits.maxPixels} are accepted`,
    });
  }
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short < MIN_SIDE || long > short * MAX_ASPECT_RATIO) {
    throw mediaError('image_dimensions_unsupported', {
      detail: `The image is ${width}×${height}; each side must be at least ${MIN_SIDE} pixels and the long side at most ${MAX_ASPECT_RATIO} times the short one`,
    });
  }
  const turned = (header.orientation ?? 1) >= 5; // EXIF orientations 5-8 swap the sides
  return { format, width: turned ? height : width, height: turned ? width : height };
}

async function encode(image: Sharp): Promise<EncodedImage> {
  const { data, info } = await image.webp(WEBP).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Decodes an image (a processed avatar) to 3-channel RGB no larger than maxSide, for face detection. */
export async function decodeRgb(
  bytes: Buffer,
  maxSide: number,
): Promise<{ data: Buffer; width: number; height: number }> {
  const sharp = await loadSharp();
  return imageSlots.run(() =>
    decoding(async () => {
      const { data, info } = await sharp(bytes, { failOn: FAIL_ON, pages: 1 })
        .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
        // Transparent parts become white, as on a light page, rather than
        // whatever colour the encoder left under them.
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    }),
  );
}

/** Our refusals pass through; any decoder failure becomes image_unreadable, its text kept for logs only. */
async function decoding<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw mediaError('image_unreadable', {
      detail: 'The image could not be decoded',
      internal: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}
