// The development mailer writes whole, parseable .eml files, named to sort by time.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMail } from '../../../test/helpers/smtp-server.ts';
import { ManualClock } from '../clock.ts';
import { createMailer } from './create-mailer.ts';
import { createOutboxMailer, emlFileName, mailOutboxDir } from './outbox-mailer.ts';

describe('outbox (.eml) mailer', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-mail-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('writes one RFC 5322 file per message, nothing else', async () => {
    const clock = new ManualClock('2026-02-03T04:05:06.789Z');
    const dir = mailOutboxDir(dataDir);
    const mailer = createOutboxMailer({ dir, from: 'Roster <no-reply@roster.example>', clock });
    await mailer.send({
      to: 'ada@example.com',
      subject: 'Vérification',
      text: 'Code: 654321',
      html: '<p>Code: <b>654321</b></p>',
      deliveryId: 'abc',
    });
    clock.advance(1);
    await mailer.send({ to: 'bob@example.com', subject: 'Second', text: 'two', html: '<p>two</p>' });

    const files = await readdir(dir);
    assert.equal(files.length, 2, 'no temp file is left behind');
    assert.ok(files.every((f) => f.endsWith('.eml')));
    assert.match(files[0]!, /^2026-02-03T04-05-06\.789Z-[0-9a-f-]{36}\.eml$/);

    const sorted = files.toSorted();
    const first = parseMail(await readFile(join(dir, sorted[0]!), 'utf8'));
    assert.equal(first.headers.get('to'), 'ada@example.com');
    assert.equal(first.headers.get('from'), 'Roster <no-reply@roster.example>');
    assert.equal(first.headers.get('message-id'), '<abc@roster.example>');
    assert.equal(first.headers.get('date'), 'Tue, 03 Feb 2026 04:05:06 +0000');
    assert.equal(first.subject, 'Vérification');
    assert.equal(first.text, 'Code: 654321');
    assert.equal(first.html, '<p>Code: <b>654321</b></p>');
    const second = parseMail(await readFile(join(dir, sorted[1]!), 'utf8'));
    assert.equal(second.headers.get('to'), 'bob@example.com');
  });

  it('names files by time, then by a time-ordered id', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    assert.equal(emlFileName(at, 'x'), '2026-01-01T00-00-00.000Z-x.eml');
    assert.ok(emlFileName(at) < emlFileName(new Date('2026-01-01T00:00:00.001Z')));
  });

  it('is what createMailer picks when SMTP_URL is unset', async () => {
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'no-reply@localhost', dataDir });
    await mailer.send({ to: 'c@example.com', subject: 's', text: 't', html: '<p>h</p>' });
    assert.equal((await readdir(mailOutboxDir(dataDir))).length, 3);
  });
});
