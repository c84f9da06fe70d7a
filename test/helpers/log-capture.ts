// A real pino logger (with the app's redaction rules) whose lines are kept in
// memory, so tests can assert what reaches the log and what never does.
import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from '../../src/platform/logger.ts';

export interface CapturedLog {
  readonly logger: pino.Logger;
  readonly lines: Record<string, unknown>[];
  /** Every line as raw text, for "this string never appears" checks. */
  text(): string;
}

export function captureLog(level = 'info'): CapturedLog {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino(loggerOptions(level), stream);
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join('\n'),
  };
}
