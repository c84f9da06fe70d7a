// The face-api adapter on real pixels: the package's sample photos (groups of
// two to five people), single-face crops of them, face-free crops of them,
// and synthetic images with no face at all.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';
import sharp, { type Region } from 'sharp';
import { createFaceApiDetector, faceApiModelLoads } from './face-api-detector.ts';
import type { FaceDetector, RgbImage } from './face-detector.ts';

const require = createRequire(import.meta.url);
const SIDE = 400;
const samplePath = (n: number): string => require.resolve(`@vladmandic/face-api/demo/sample${n}.jpg`);

/** The same engine the adapter runs on (tfjs keeps one per process); read only after a load. */
const tensorCount = (): number =>
  (require('@tensorflow/tfjs-core') as { memory(): { numTensors: number } }).memory().numTensors;

async function photo(n: number, region?: Region): Promise<RgbImage> {
  const source = region ? sharp(samplePath(n)).extract(region) : sharp(samplePath(n));
  const { data, info } = await source
    .resize(SIDE, SIDE, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function synthetic(pixel: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) data.set(pixel(x, y), (y * SIDE + x) * 3);
  return { data, width: SIDE, height: SIDE };
}

const gradient = () => synthetic((x, y) => [(x * 255) / SIDE, (y * 255) / SIDE, 128]);

function noise(): RgbImage {
  let seed = 12345; // a fixed LCG: the same noise on every run
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >> 16;
  };
  return synthetic(() => [next() & 255, next() & 255, next() & 255]);
}

/** Sky gradient, ground, a sun, a mountain and a tree: shapes and edges, no face. */
const landscape = () =>
  synthetic((x, y) => {
    if ((x - 320) ** 2 + (y - 70) ** 2 < 900) return [255, 230, 120];
    if ((x - 256) ** 2 + (y - 185) ** 2 < 900) return [30, 110, 40];
    if (x > 250 && x < 262 && y > 200 && y < 280) return [90, 60, 30];
    if (y > 150 && y < 240 && y > 140 + Math.abs(x - 120)) return [110, 110, 120];
    if (y < 240) return [90 + y / 3, 150 + y / 4, 235];
    return [60 + ((x * 7 + y * 3) % 20), 120 + ((x * 5 + y * 11) % 25), 50];
  });

// Looked at by eye: the 400×400 cover keeps 3, 3, 3, 4, 5 and 4 faces, some
// turned, tilted or cut by the edge, so only "at least one" is asserted.
const SAMPLES = [1, 2, 3, 4, 5, 6];
const SINGLE_FACES: [string, number, Region][] = [
  ['the blonde woman of sample 3', 3, { left: 425, top: 205, width: 500, height: 500 }],
  ['the woman on the left of sample 6', 6, { left: 79, top: 339, width: 500, height: 500 }],
];
const FACE_FREE: [string, () => Promise<RgbImage> | RgbImage][] = [
  ['a smooth gradient', gradient],
  ['random noise', noise],
  ['a synthetic landscape', landscape],
  ['the stairs of sample 5', () => photo(5, { left: 0, top: 0, width: 400, height: 400 })],
  ['the bar door of sample 3', () => photo(3, { left: 0, top: 0, width: 500, height: 500 })],
  ['hands and knees of sample 2', () => photo(2, { left: 600, top: 900, width: 400, height: 400 })],
];

// First, so that its first test sees the process before any back-end start.
describe('face-api detector lifecycle', () => {
  const open: FaceDetector[] = [];
  const make = (model: 'ssd' | 'tiny' = 'ssd') => {
    const detector = createFaceApiDetector({ model });
    open.push(detector);
    return detector;
  };
  after(() => Promise.all(open.map((d) => d.close())));

  test('starting the back-end leaves the process crash handlers as they were', async () => {
    const uncaught = process.listeners('uncaughtException');
    const unhandled = process.listeners('unhandledRejection');
    await make('tiny').detect(gradient());
    assert.deepEqual(process.listeners('uncaughtException'), uncaught);
    assert.deepEqual(process.listeners('unhandledRejection'), unhandled);
  });

  test('two concurrent first calls read the weights once and agree', async () => {
    const detector = make();
    const image = await photo(5);
    const before = faceApiModelLoads();
    const [a, b] = await Promise.all([detector.detect(image), detector.detect(image)]);
    assert.equal(faceApiModelLoads() - before, 1);
    assert.deepEqual(a, b);
    await detector.detect(image);
    assert.equal(faceApiModelLoads() - before, 1);
  });

  test('leaves no tensor behind across five detections', async () => {
    const detector = make();
    const image = await photo(1);
    await detector.detect(image); // loads the weights, which stay
    const baseline = tensorCount();
    for (let i = 0; i < 5; i++) await detector.detect(image);
    assert.equal(tensorCount(), baseline);
  });

  test('close frees its weights and refuses further work', async () => {
    const withoutIt = tensorCount();
    const detector = createFaceApiDetector();
    await detector.detect(gradient());
    assert.ok(tensorCount() > withoutIt);
    await detector.close();
    assert.equal(tensorCount(), withoutIt);
    await assert.rejects(detector.detect(gradient()), /closed/);
  });

  test('rejects pixels that do not match the stated size', async () => {
    const detector = make();
    const image = gradient();
    await assert.rejects(detector.detect({ ...image, data: image.data.subarray(1) }), /RGB pixels/);
    await assert.rejects(detector.detect({ ...image, width: 0 }), /RGB pixels/);
  });
});

for (const model of ['ssd', 'tiny'] as const) {
  describe(`face-api detector (${model})`, () => {
    const detector = createFaceApiDetector({ model });
    after(() => detector.close());

    for (const n of SAMPLES) {
      test(`finds faces in sample photo ${n}`, async () => {
        const { faces } = await detector.detect(await photo(n));
        assert.ok(faces.length >= 1, `no face found in sample ${n}`);
        for (const face of faces) {
          assert.ok(face.score >= 0.5 && face.score <= 1, `score ${face.score}`);
          assert.ok(face.width > 0 && face.height > 0 && face.x < SIDE && face.y < SIDE);
        }
      });
    }

    for (const [name, n, region] of SINGLE_FACES) {
      test(`finds exactly one face in a crop of ${name}`, async () => {
        assert.equal((await detector.detect(await photo(n, region))).faces.length, 1);
      });
    }

    for (const [name, make] of FACE_FREE) {
      test(`finds no face in ${name}`, async () => {
        assert.deepEqual((await detector.detect(await make())).faces, []);
      });
    }
  });
}
