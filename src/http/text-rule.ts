// One rule for every string a request carries, decided before any schema or
// handler sees it: no NUL and no unpaired surrogate. Neither can be stored as
// sent (PostgreSQL's text and jsonb refuse NUL and a lone surrogate's escape;
// UTF-8 cannot encode a lone surrogate, so drivers would silently write
// U+FFFD instead), so the request is a 422 naming the field rather than a 500
// on one dialect and a quietly changed value on the other. Body (at any depth,
// keys included), query string and path parameters are walked; headers cannot
// carry either (Node refuses NUL there, and they are Latin-1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldError } from '../platform/domain-error.ts';
import { commonError } from '../platform/errors.ts';

const MESSAGE = 'must not contain NUL or unpaired surrogate characters';
const KEY_MESSAGE = 'has a name with NUL or unpaired surrogate characters';
/** Enough to fix a request; a body with thousands of bad strings gets no longer reply. */
const MAX_ERRORS = 20;

/** Text every storage keeps exactly as sent. */
export const isStorableText = (text: string): boolean => text.isWellFormed() && !text.includes('\u0000');

/** A key shown in a path: what cannot be stored cannot be echoed either. */
const shown = (key: string): string => key.toWellFormed().replaceAll('\u0000', '\uFFFD');

/** A JSON value's object or array; a Buffer or a multipart stream is not text and has its own checks. */
const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] => {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return false;
  return true;
};

/** Marks a stack entry whose key (the end of its path) is what is wrong. */
const BAD_KEY = Symbol('bad key');

/**
 * Every offending string or key below `root`, as dotted paths under `prefix`
 * (`name.first`, `custom.list.0`, `query.q`), in document order. Iterative,
 * so a value nested thousands deep is walked without recursing.
 */
export function unstorableText(root: unknown, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, string][] = [[root, prefix]];
  // JSON has no cycles, but parsed multipart bodies do (each part points back at all fields).
  const seen = new WeakSet<object>();
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const [node, path] = stack.pop()!;
    if (node === BAD_KEY) {
      errors.push({ path, message: KEY_MESSAGE });
    } else if (typeof node === 'string') {
      if (!isStorableText(node)) errors.push({ path: path || '(root)', message: MESSAGE });
    } else if (isContainer(node) && !seen.has(node)) {
      seen.add(node);
      const entries = Array.isArray(node)
        ? node.map((child, i) => [String(i), child] as const)
        : Object.entries(node);
      // Pushed last to first, so they are taken first to last.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const childPath = path ? `${path}.${shown(key)}` : shown(key);
        stack.push(isStorableText(key) ? [child, childPath] : [BAD_KEY, childPath]);
      }
    }
  }
  return errors;
}

function checkRequestText(request: FastifyRequest): void {
  const errors = [
    ...unstorableText(request.params, 'params'),
    ...unstorableText(request.query, 'query'),
    ...unstorableText(request.body, ''),
  ];
  if (errors.length > 0) {
    throw commonError('validation_failed', {
      detail: 'Some fields hold text that cannot be stored (NUL or unpaired surrogates); see errors.',
      errors: errors.slice(0, MAX_ERRORS),
    });
  }
}

/** Registered once on the root, so it runs for every route of every face before validation. */
export function registerTextRule(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkRequestText(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
}
