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

/** The detector cannot run now (its thread ended, the node is stopping): try again later. */
export class FaceDetectorUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaceDetectorUnavailableError';
  }
}

export interface FaceDetector {
  /** Loads the model on first use; throws when the model cannot run (recorded as `analysisError`). */
  detect(image: RgbImage): Promise<FaceDetection>;
  /** Frees the model's weights (process shutdown, tests); the WebAssembly runtime stays until its thread or process ends. */
  close(): Promise<void>;
}
