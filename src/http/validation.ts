// Request validation. Bodies are checked strictly (no type coercion: an array
// where a string belongs is an error, not its first element); query strings,
// params and headers arrive as text, so there numbers and booleans are coerced.
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from '../platform/domain-error.ts';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from './plain-text.ts';

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

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const PART_PREFIX: Record<string, string> = {
  body: '',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** Patterns whose meaning a person can read, in place of Ajv's `must match pattern "…"`. */
const PATTERN_MESSAGES: ReadonlyMap<unknown, string> = new Map([[PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE]]);

/** Ajv's errors as `{path, message}`, paths dotted (`name.first`, `query.limit`). */
export function fieldErrors(issues: readonly AjvIssue[], part: string | undefined): FieldError[] {
  const prefix = PART_PREFIX[part ?? 'body'] ?? part ?? '';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    const segments = issue.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
    if (typeof extra === 'string') segments.push(extra);
    const path = [prefix, ...segments].filter(Boolean).join('.') || '(root)';
    const message =
      issue.keyword === 'required'
        ? 'is required'
        : issue.keyword === 'additionalProperties'
          ? 'is not a known field'
          : ((issue.keyword === 'pattern' ? PATTERN_MESSAGES.get(issue.params.pattern) : undefined) ??
            issue.message ??
            'is invalid');
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  }
  return out;
}
