// What image processing makes of an upload: the avatar sizes, re-encoded from
// decoded pixels with every byte of metadata gone, and what the source was.

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';

export interface SniffedImage {
  readonly format: SourceFormat;
  readonly contentType: `image/${SourceFormat}`;
}

export interface EncodedImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface ProcessedAvatar {
  /** The encoding of every variant. */
  readonly contentType: 'image/webp';
  readonly extension: 'webp';
  /** 400×400, cover-cropped. */
  readonly large: EncodedImage;
  /** 96×96, cover-cropped. */
  readonly small: EncodedImage;
  readonly source: { readonly format: SourceFormat; readonly width: number; readonly height: number };
}

export interface ImageLimits {
  /** Width × height above which the image is refused before it is decoded. */
  readonly maxPixels: number;
}

export const AVATAR_SIZE = 400;
export const AVATAR_SMALL_SIZE = 96;
