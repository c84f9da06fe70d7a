// Face detection on @vladmandic/face-api over TensorFlow.js's WebAssembly
// back-end. Detection only: the age/gender, expression and recognition nets
// that ship beside the detectors are never loaded or called, because Roster
// refuses sensitive-attribute inference on purpose (see face-detector.ts).
//
// Offline by construction: the weights are read from the package's `model/`
// folder and the .wasm binaries from tfjs-backend-wasm's `dist/`, both found
// through module resolution, so nothing is fetched at run time.

import { fileURLToPath } from 'node:url';
import type { FaceBox, FaceDetection, FaceDetector, RgbImage } from './face-detector.ts';

/** The node-wasm build: it bundles face-api and re-exports tfjs and tfjs-backend-wasm as `tf`. */
const FACE_API = '@vladmandic/face-api/dist/face-api.node-wasm.js';
const WASM_BACKEND = '@tensorflow/tfjs-backend-wasm';

// How the default was chosen (400×400 covers of the package's sample photos,
// avatar-like crops of each of their faces, face-free crops of the same photos):
// SSD MobileNet v1 at 0.5 found 18 of 22 avatar crops and nothing in 63
// face-free crops (their best score was 0.39); the tiny detector found 14 of
// 22 at 0.5 but runs about five times faster. Uploads are checked off the
// request path, so recall wins and SSD is the default.
const DEFAULT_MODEL = 'ssd';
const DEFAULT_MIN_CONFIDENCE = 0.5;
/** The tiny detector's input side; 512 and 608 found torsos as faces. */
const TINY_INPUT_SIZE = 416;

// The shipped .d.ts omits setBackend/engine/setWasmPaths from `tf`, so this is
// the narrow surface the adapter uses, typed here instead.
interface Tensor {
  dispose(): void;
}
interface Tf {
  setWasmPaths(prefix: string): void;
  setBackend(name: 'wasm'): Promise<boolean>;
  tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
}
interface Detection {
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}
interface DetectorNet {
  loadFromDisk(dir: string): Promise<void>;
  locateFaces(input: Tensor, options: object): Promise<Detection[]>;
  dispose(): void;
}
interface FaceApi {
  readonly tf: Tf;
  readonly SsdMobilenetv1: new () => DetectorNet;
  readonly TinyFaceDetector: new () => DetectorNet;
  readonly SsdMobilenetv1Options: new (o: { minConfidence: number }) => object;
  readonly TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => object;
}

// TensorFlow.js keeps one engine per process, so the library and its back-end
// are shared by every detector and stay for the life of the process: closing a
// detector frees its weights only. Disposing the wasm back-end (engine reset)
// is avoided on purpose: in tfjs-backend-wasm 4.22 it removes *every*
// 'uncaughtException'/'unhandledRejection' listener in the process, the
// application's included (its filter of "listeners it added" keeps them all),
// and the wasm heap is not handed back to the OS anyway.
let runtime: Promise<FaceApi> | undefined;
let modelLoads = 0;

/** How many times detector weights were read from disk in this process (for tests). */
export function faceApiModelLoads(): number {
  return modelLoads;
}

async function startRuntime(): Promise<FaceApi> {
  // A variable specifier keeps the shipped types out; FaceApi above describes what is used.
  const specifier: string = FACE_API;
  const api = (await import(specifier)) as FaceApi;
  // A file path (not a URL) makes Emscripten read the binary with fs. Node has
  // no threaded build (tfjs turns it off there), so the SIMD binary is chosen.
  api.tf.setWasmPaths(fileURLToPath(new URL('./', import.meta.resolve(WASM_BACKEND))));
  // The Emscripten glue adds process listeners that rethrow, so every later
  // crash exits with code 7, reported from inside the glue
  // (emscripten-core/emscripten#11768). Crash handling belongs to the
  // application: the listeners added during start-up are taken off again.
  const uncaught = process.listeners('uncaughtException');
  const unhandled = process.listeners('unhandledRejection');
  try {
    // tfjs reports a failed back-end start with a warning and `false`, not a throw.
    if (!(await api.tf.setBackend('wasm')))
      throw new Error('the TensorFlow.js WebAssembly back-end did not start');
  } finally {
    for (const listener of process.listeners('uncaughtException'))
      if (!uncaught.includes(listener)) process.off('uncaughtException', listener);
    for (const listener of process.listeners('unhandledRejection'))
      if (!unhandled.includes(listener)) process.off('unhandledRejection', listener);
  }
  return api;
}

function loadRuntime(): Promise<FaceApi> {
  runtime ??= startRuntime().catch((error: unknown) => {
    runtime = undefined; // let a later call try again
    throw error;
  });
  return runtime;
}

interface Loaded {
  readonly api: FaceApi;
  readonly net: DetectorNet;
  readonly netOptions: object;
}

export function createFaceApiDetector(
  options: { minConfidence?: number; model?: 'ssd' | 'tiny' } = {},
): FaceDetector {
  const model = options.model ?? DEFAULT_MODEL;
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  let loading: Promise<Loaded> | undefined;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  async function load(): Promise<Loaded> {
    try {
      const api = await loadRuntime();
      const modelDir = fileURLToPath(new URL('../model', import.meta.resolve(FACE_API)));
      const net = model === 'ssd' ? new api.SsdMobilenetv1() : new api.TinyFaceDetector();
      modelLoads += 1;
      await net.loadFromDisk(modelDir);
      const netOptions =
        model === 'ssd'
          ? new api.SsdMobilenetv1Options({ minConfidence })
          : new api.TinyFaceDetectorOptions({ inputSize: TINY_INPUT_SIZE, scoreThreshold: minConfidence });
      return { api, net, netOptions };
    } catch (error) {
      loading = undefined; // a failed load is retried by the next call, not cached
      throw error;
    }
  }

  async function run(image: RgbImage): Promise<FaceDetection> {
    loading ??= load();
    const { api, net, netOptions } = await loading;
    const input = api.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const found = await net.locateFaces(input, netOptions);
      const faces = found.map(
        ({ box, score }): FaceBox => ({ x: box.x, y: box.y, width: box.width, height: box.height, score }),
      );
      return { faces };
    } finally {
      input.dispose(); // the nets dispose their own intermediates; the input is ours
    }
  }

  return {
    async detect(image) {
      if (closed) throw new Error('the face detector is closed');
      const { width, height, data } = image;
      if (
        !Number.isInteger(width) ||
        !Number.isInteger(height) ||
        width < 1 ||
        height < 1 ||
        data.length !== width * height * 3
      ) {
        throw new Error(
          `expected ${width}×${height} RGB pixels (${width * height * 3} bytes), got ${data.length} bytes`,
        );
      }
      const pending = run(image);
      inFlight.add(pending);
      try {
        return await pending;
      } finally {
        inFlight.delete(pending);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // The weights must outlive detections still running on them.
      await Promise.allSettled([...inFlight]);
      const loaded = await loading?.catch(() => undefined);
      if (!loaded) return;
      loaded.net.dispose();
    },
  };
}
