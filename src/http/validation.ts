// Request validation. Bodies are checked strictly (no type coercion: an array
// where a string belongs is an error, not its first element); query strings,
// params and headers arrive as text, so there numbers and booleans are coerced.
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { fieldErrors } from '../platform/text/field-errors.ts';
import type { DeferredCompiles } from './deferred-compile.ts';

function ajv(options: Options): Ajv {
  const instance = new Ajv({ useDefaults: true, strict: false, ...options });
  addFormats.default(instance);
  return instance;
}

/** Inputs of up to this many values (keys, items, scalars) get every error; larger ones the first. */
const FULL_REPORT_NODES = 1_000;

/** Whether `data` holds at most `limit` values, found without walking past the limit. */
function isSmall(data: unknown, limit = FULL_REPORT_NODES): boolean {
  let left = limit;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    if (--left < 0) return false;
    const value = stack.pop();
    if (value !== null && typeof value === 'object') stack.push(...Object.values(value).slice(0, left + 1));
  }
  return true;
}

/**
 * Validators that stop at the first error, then, for an input small enough,
 * look again for every error: a client fixing a form learns all its
 * mistakes at once, and a body of a million bad items costs one error, not
 * a million (Ajv's allErrors builds them all). Each is compiled on the first
 * request it judges: compiling every route's schemas took a third of
 * start-up, and many routes wait long for their first request.
 */
export function validatorCompiler(compiles: DeferredCompiles): FastifySchemaCompiler<unknown> {
  const first = { body: ajv({ coerceTypes: false }), other: ajv({ coerceTypes: 'array' }) };
  const every = {
    body: ajv({ coerceTypes: false, allErrors: true }),
    other: ajv({ coerceTypes: 'array', allErrors: true }),
  };
  return ({ schema, httpPart }) => {
    const part = httpPart === 'body' ? 'body' : 'other';
    const compiled = compiles.lazy(() => first[part].compile(schema as object));
    // Compiled on the first refusal that wants it: most schemas never need it.
    let full: ValidateFunction | undefined;
    const validate = (data: unknown): boolean => {
      const fast = compiled();
      if (fast(data)) return true;
      if (!isSmall(data)) {
        validate.errors = fast.errors;
        return false;
      }
      full ??= every[part].compile(schema as object);
      validate.errors = full(data) ? fast.errors : full.errors;
      return false;
    };
    validate.errors = null as ValidateFunction['errors'];
    return validate;
  };
}

export { fieldErrors };
