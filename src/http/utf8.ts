// Requests are UTF-8, or they are refused. Decoding bytes that are not UTF-8
// does not fail: each bad sequence silently becomes U+FFFD, so what would be
// stored ("ok����") is not what was sent, and two different byte strings end
// up the same text. A JSON body, a path or a query string with such bytes is
// a 400 `malformed_request` before any route sees it.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { commonError } from '../platform/errors.ts';

const notUtf8 = (where: string) =>
  commonError('malformed_request', { detail: `The ${where} is not valid UTF-8.` });

/** A run of percent-escapes holds whole characters, so each run alone must decode. */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Whether every percent-encoded byte sequence of a raw URL is UTF-8. A `%`
 * without two hex digits after it is not an escape and is left to the parsers,
 * which read it literally as they did before.
 */
export function hasUtf8Escapes(url: string): boolean {
  for (const [run] of url.matchAll(PERCENT_RUN)) {
    if (!isUtf8(Buffer.from(run.replaceAll('%', ''), 'hex'))) return false;
  }
  return true;
}

export function registerUtf8Rule(app: FastifyInstance): void {
  // Fastify's own JSON parsing (and its refusal of __proto__ and constructor
  // keys) stays; only the bytes are checked first, then decoded.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(notUtf8('request body'), undefined);
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });

  // Runs for every request, routed or not, before its params and query are read.
  // A callback hook, not an async one: it runs on every request, and a promise each is measurable.
  app.addHook('onRequest', (request, _reply, done) => {
    done(hasUtf8Escapes(request.raw.url ?? '') ? undefined : notUtf8('request URL'));
  });
}
