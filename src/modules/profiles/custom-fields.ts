// Operator-defined profile fields (`custom`). Any JSON object within the size
// and depth limits is kept; when ROSTER_PROFILE_SCHEMA names a JSON Schema
// file, the merged object must also satisfy it. The public view is an
// allow-list: it shows the top-level properties the schema declares, except
// those marked `"x-private": true`. Without a schema, custom data is private.
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FieldError } from '../../platform/domain-error.ts';
import { fieldErrors } from '../../platform/text/field-errors.ts';

export type CustomData = Record<string, unknown>;

/** Serialised size of `custom` (UTF-8 bytes of its JSON). */
export const CUSTOM_MAX_BYTES = 8192;
/** Nesting levels below `custom` itself. */
export const CUSTOM_MAX_DEPTH = 5;
export const PRIVATE_KEYWORD = 'x-private';

export interface CustomFields {
  /** Problems with a whole `custom` object (after a patch is merged in); empty when it is fine. */
  check(value: CustomData): FieldError[];
  /** What others may see. */
  publicPart(value: CustomData): CustomData;
}

export const CUSTOM_KEY_MAX_LENGTH = 64;

/**
 * Shape limits, checked by an iterative walk that stops at the first problem,
 * so a value nested thousands deep is refused without recursing into it.
 * (Text no storage keeps, NUL or a lone surrogate, never gets this far: the
 * request's text rule, src/http/text-rule.ts, refuses it at the edge.)
 */
function shape(value: CustomData): FieldError | null {
  const stack: [unknown, number, string][] = [[value, 0, 'custom']];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return { path, message: 'must be a finite number' };
    } else if (node !== null && typeof node === 'object') {
      if (depth > CUSTOM_MAX_DEPTH)
        return { path: 'custom', message: `must nest at most ${CUSTOM_MAX_DEPTH} levels deep` };
      const entries = Array.isArray(node)
        ? node.map((child, i) => [String(i), child] as const)
        : Object.entries(node);
      for (const [key, child] of entries) {
        if (!Array.isArray(node) && (key.length === 0 || key.length > CUSTOM_KEY_MAX_LENGTH))
          return { path, message: `keys must be 1–${CUSTOM_KEY_MAX_LENGTH} characters` };
        stack.push([child, depth + 1, `${path}.${key}`]);
      }
    }
  }
  return null;
}

function limits(value: CustomData): FieldError[] {
  const problem = shape(value);
  if (problem) return [problem];
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > CUSTOM_MAX_BYTES) {
    return [{ path: 'custom', message: `must be at most ${CUSTOM_MAX_BYTES} bytes as JSON (is ${bytes})` }];
  }
  return [];
}

/**
 * `x-private` counts only directly on a top-level property. Anywhere else
 * (nested properties, `$defs`, `allOf`) it would look private and not be,
 * so such a schema is refused at start-up rather than failing open.
 */
function misplacedPrivateMarks(schema: unknown, path: string[] = []): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(schema)) {
    const here = [...path, key];
    if (key === PRIVATE_KEYWORD && !(path.length === 2 && path[0] === 'properties'))
      found.push(`#/${here.join('/')}`);
    found.push(...misplacedPrivateMarks(child, here));
  }
  return found;
}

/** The schema's draft decides the validator: 2020-12 unless it names draft-07 or older. */
function compile(schema: AnySchema & { $schema?: string }): ValidateFunction {
  const options = { allErrors: true, strict: false } as const;
  const legacy = typeof schema.$schema === 'string' && /draft-0[4-7]/.test(schema.$schema);
  const ajv = legacy ? new Ajv(options) : new Ajv2020(options);
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: PRIVATE_KEYWORD, schemaType: 'boolean' });
  return ajv.compile(schema);
}

/** Reads and compiles the schema once at start-up; a bad file stops start-up with a message naming it. */
export function loadCustomFields(path: string | null): CustomFields {
  // Without a schema nothing is declared, so nothing is public.
  if (path === null) return { check: limits, publicPart: () => ({}) };
  let schema: { type?: unknown; properties?: Record<string, Record<string, unknown>> };
  let validate: ValidateFunction;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8'));
    const misplaced = misplacedPrivateMarks(schema);
    if (misplaced.length > 0) {
      throw new Error(
        `"${PRIVATE_KEYWORD}" is honoured only on top-level properties, not at ${misplaced.join(', ')}`,
      );
    }
    validate = compile(schema as AnySchema);
  } catch (error) {
    throw new Error(
      `ROSTER_PROFILE_SCHEMA: ${path} is not a usable JSON Schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const visible = Object.entries(schema.properties ?? {})
    .filter(([, property]) => property?.[PRIVATE_KEYWORD] !== true)
    .map(([key]) => key);
  return {
    check(value) {
      const errors = limits(value);
      if (errors.length > 0 || validate(value)) return errors;
      return fieldErrors((validate.errors ?? []) as ErrorObject[], 'custom');
    },
    publicPart(value) {
      return Object.fromEntries(
        visible.filter((key) => Object.hasOwn(value, key)).map((key) => [key, value[key]]),
      );
    },
  };
}
