// The face detection port. Detection only: whether there are faces and how
// many. Inferring gender, race, age or emotion from a photo is sensitive-
// attribute inference, and Roster refuses it on purpose, even where a seed
// API's metadata had such fields.

/** Decoded pixels, 3 channels (RGB), row-major, no padding. */
export interface RgbImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The detector's confidence, 0..1. */
  readonly score: number;
}

export interface FaceDetection {
  readonly faces: readonly FaceBox[];
}

export interface FaceDetector {
  /** Loads the model on first use; throws when the model cannot run (recorded as `analysisError`). */
  detect(image: RgbImage): Promise<FaceDetection>;
  /** Frees the model's memory (process shutdown, tests). */
  close(): Promise<void>;
}
