// The face detector's own thread. Inference is synchronous WebAssembly (a few
// hundred milliseconds per photo) and its heap grows to a few hundred MiB, so
// it runs here: the event loop that answers requests never waits for it, and
// ending the thread gives its memory back.
import { parentPort } from 'node:worker_threads';
import { createFaceApiDetector } from './face-api-detector.ts';

export interface DetectRequest {
  readonly id: number;
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type DetectReply =
  | {
      readonly id: number;
      readonly faces: { x: number; y: number; width: number; height: number; score: number }[];
    }
  | { readonly id: number; readonly error: string };

const detector = createFaceApiDetector();
parentPort?.on('message', async (request: DetectRequest) => {
  try {
    const { faces } = await detector.detect({
      data: Buffer.from(request.data.buffer, request.data.byteOffset, request.data.byteLength),
      width: request.width,
      height: request.height,
    });
    parentPort?.postMessage({ id: request.id, faces: faces.map((f) => ({ ...f })) } satisfies DetectReply);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: (error as Error).message } satisfies DetectReply);
  }
});
