// A FaceDetector whose model runs in a worker thread (face-worker.ts), started
// on the first photo and ended once it has been idle for a while, so a node
// that analyses a few avatars an hour does not keep the model's memory.
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../../platform/clock.ts';
import {
  type FaceDetection,
  type FaceDetector,
  FaceDetectorUnavailableError,
  type RgbImage,
} from './face-detector.ts';
import type { DetectReply, DetectRequest } from './face-worker.ts';

/** The thread ends after this long without a photo. */
export const FACE_WORKER_IDLE_MS = 5 * 60_000;
const IDLE_CHECK_MS = 60_000;

interface Pending {
  resolve(detection: FaceDetection): void;
  reject(error: Error): void;
}

export function createWorkerFaceDetector(
  clock: Clock,
  idleMs = FACE_WORKER_IDLE_MS,
): FaceDetector & {
  /** Whether the thread is running (tests). */
  readonly running: boolean;
} {
  let worker: Worker | null = null;
  let closed = false;
  let lastUse = 0;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  function start(): Worker {
    const thread = new Worker(new URL('./face-worker.ts', import.meta.url));
    thread.on('message', (reply: DetectReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (pending.size === 0) thread.unref();
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve({ faces: reply.faces });
    });
    thread.on('error', (error) =>
      failAll(new FaceDetectorUnavailableError(`face detection thread failed: ${error.message}`)),
    );
    thread.on('exit', (code) => {
      if (worker === thread) worker = null;
      failAll(new FaceDetectorUnavailableError(`face detection thread exited (${code})`));
    });
    return thread;
  }

  const stopIdle = clock.every(IDLE_CHECK_MS, async () => {
    if (worker && pending.size === 0 && clock.now().getTime() - lastUse >= idleMs) {
      const thread = worker;
      worker = null;
      await thread.terminate();
    }
  });

  return {
    get running() {
      return worker !== null;
    },
    detect(image: RgbImage): Promise<FaceDetection> {
      // A job still running at shutdown must not start a thread nobody will end.
      if (closed) return Promise.reject(new FaceDetectorUnavailableError('face detection is closed'));
      lastUse = clock.now().getTime();
      worker ??= start();
      const id = nextId++;
      const data = new Uint8Array(image.data);
      const request: DetectRequest = { id, data, width: image.width, height: image.height };
      const thread = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Held while it works for someone; an idle thread never keeps the process alive.
        thread.ref();
        thread.postMessage(request, [data.buffer]);
      });
    },
    async close(): Promise<void> {
      closed = true;
      stopIdle();
      const thread = worker;
      worker = null;
      await thread?.terminate();
    },
  };
}
