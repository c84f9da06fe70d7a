// The development SMS sender writes whole, parseable .json files, private to
// the service's user, named to sort by time.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { createOutboxSmsSender, type OutboxSmsFile, smsFileName, smsOutboxDir } from './outbox-sms-sender.ts';

describe('outbox (.json) SMS sender', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-sms-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('writes one JSON file per message, mode 0600, nothing else', async () => {
    const clock = new ManualClock('2026-02-03T04:05:06.789Z');
    const dir = smsOutboxDir(dataDir);
    assert.equal(dir, join(dataDir, 'outbox', 'sms'));
    const sender = createOutboxSmsSender({ dir, clock });
    await sender.send({ to: '+14155550100', body: 'Roster code: 654321 — ünïcode' }, { deliveryId: 'abc' });
    clock.advance(1);
    await sender.send({ to: '+33612345678', body: 'second' });

    const files = await readdir(dir);
    assert.equal(files.length, 2, 'no temp file is left behind');
    assert.ok(files.every((f) => f.endsWith('.json') && !f.includes(':')));
    assert.match(files.toSorted()[0]!, /^2026-02-03T04-05-06\.789Z-[0-9a-f-]{36}\.json$/);

    const [first, second] = await Promise.all(
      files.toSorted().map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as OutboxSmsFile),
    );
    assert.deepEqual(first, {
      to: '+14155550100',
      body: 'Roster code: 654321 — ünïcode',
      createdAt: '2026-02-03T04:05:06.789Z',
    });
    assert.deepEqual(second, { to: '+33612345678', body: 'second', createdAt: '2026-02-03T04:05:06.790Z' });

    if (process.platform !== 'win32') {
      for (const f of files) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
    }
  });

  it('names files by time, then by a time-ordered id', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    assert.equal(smsFileName(at, 'x'), '2026-01-01T00-00-00.000Z-x.json');
    assert.ok(smsFileName(at) < smsFileName(new Date('2026-01-01T00:00:00.001Z')));
  });

  it('keeps every message sent at once (unique names)', async () => {
    const dir = join(dataDir, 'burst');
    const sender = createOutboxSmsSender({ dir, clock: new ManualClock() });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => sender.send({ to: '+14155550100', body: `${i}` })),
    );
    assert.equal((await readdir(dir)).length, 20);
  });
});
