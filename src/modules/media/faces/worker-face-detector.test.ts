// The detector's thread: it answers like the in-process detector, ends after
// its idle time on the clock (giving the model's memory back), and starts
// again for the next photo.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { ManualClock } from '../../../platform/clock.ts';
import { createWorkerFaceDetector, FACE_WORKER_IDLE_MS } from './worker-face-detector.ts';

const require = createRequire(import.meta.url);
const rgb = async (file: string) => {
  const { data, info } = await sharp(file)
    .resize(400, 400, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

describe('the face detection thread', () => {
  const clock = new ManualClock();
  const detector = createWorkerFaceDetector(clock);
  after(() => detector.close());

  it('finds faces, ends when idle, and starts again for the next photo', async () => {
    const photo = await rgb(require.resolve('@vladmandic/face-api/demo/sample1.jpg'));
    assert.equal(detector.running, false, 'nothing starts before the first photo');
    assert.ok((await detector.detect(photo)).faces.length >= 1);
    assert.equal(detector.running, true);
    await clock.tick(FACE_WORKER_IDLE_MS / 2);
    assert.equal(detector.running, true, 'kept while photos may follow');
    await clock.tick(FACE_WORKER_IDLE_MS);
    assert.equal(detector.running, false, 'ended after its idle time');
    const blank = { data: Buffer.alloc(400 * 400 * 3, 200), width: 400, height: 400 };
    assert.deepEqual((await detector.detect(blank)).faces, []);
    assert.equal(detector.running, true);
  });

  it('reports a detection the model cannot make as an error', async () => {
    await assert.rejects(detector.detect({ data: Buffer.alloc(10), width: 400, height: 400 }));
  });
});
