// Request validation. Bodies are checked strictly (no type coercion: an array
// where a string belongs is an error, not its first element); query strings,
// params and headers arrive as text, so there numbers and booleans are coerced.
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { fieldErrors } from '../platform/text/field-errors.ts';

function ajv(options: Options): Ajv {
  const instance = new Ajv({ allErrors: true, useDefaults: true, strict: false, ...options });
  addFormats.default(instance);
  return instance;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = ajv({ coerceTypes: false });
  const coercing = ajv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

export { fieldErrors };
