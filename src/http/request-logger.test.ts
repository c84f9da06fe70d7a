import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../platform/logger.ts';
import { deferredRequestLogger } from './request-logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const parent = pino(loggerOptions('info'), stream);
  let made = 0;
  // Counts children made; pino's children inherit from their parent, so `this` is whoever asks.
  const child = parent.child;
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    made++;
    return child.apply(this, args);
  } as typeof parent.child;
  return { parent, lines, made: () => made };
}

describe('deferredRequestLogger', () => {
  test('makes no child until a line is logged, then logs with the request id and the parent redaction', async () => {
    const { parent, lines, made } = capture();
    const log = deferredRequestLogger(parent, { reqId: 'req-1' }, {});
    assert.equal(log.level, 'info');
    assert.equal(made(), 0);

    log.info({ body: { password: 'hunter2', code: '123456' } }, 'refused');
    log.error('failed');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(made(), 1, 'one child, made on the first line');
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.msg, l.body]),
      [
        ['req-1', 'refused', { password: '[redacted]', code: '[redacted]' }],
        ['req-1', 'failed', undefined],
      ],
    );
  });

  test("a route's own level applies, and a child of it keeps the request id", async () => {
    const { parent, lines } = capture();
    const log = deferredRequestLogger(parent, { reqId: 'req-2' }, { level: 'warn' });
    assert.equal(log.level, 'warn');
    log.info('not written: below the route level');
    log.child({ part: 'inner' }).warn('written');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.part, l.msg]),
      [['req-2', 'inner', 'written']],
    );
  });
});
