// Bad input the way FastAPI (pydantic v2) reports it: a 422 whose `detail`
// lists `{loc, msg, type}` per field at fault, `loc` starting with where the
// field was (`["body", "locale"]`), `type` and `msg` in pydantic's words.
// Schema refusals (Ajv's issues) are translated here; the domain's own field
// errors (a locale that is no language tag) become pydantic's `value_error`
// in errors.ts. Input is never echoed back (it may be a password).
import { DomainError } from '../../platform/domain-error.ts';
import { commonErrors } from '../../platform/errors.ts';
import { type AjvIssue, withoutUnionNoise } from '../../platform/text/field-errors.ts';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from '../../platform/text/plain-text-rule.ts';

export interface ValidationItem {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** A refusal whose FastAPI items are known already (schema, body parsing). */
export class RequestInvalid extends DomainError {
  readonly items: readonly ValidationItem[];
  constructor(items: readonly ValidationItem[]) {
    super('validation_failed', commonErrors.validation_failed, {
      detail: 'Some fields are missing or invalid.',
    });
    this.items = items;
  }
}

/** FastAPI's names of the request parts. */
const PART: Readonly<Record<string, string>> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

const plural = (n: unknown) => (n === 1 ? '' : 's');

/** pydantic's type errors, by the JSON type the schema wanted. */
const TYPE_ERRORS: Readonly<Record<string, [string, string]>> = {
  string: ['string_type', 'Input should be a valid string'],
  integer: ['int_type', 'Input should be a valid integer'],
  number: ['float_type', 'Input should be a valid number'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  array: ['list_type', 'Input should be a valid list'],
  object: ['dict_type', 'Input should be a valid dictionary'],
};

export const MISSING_BODY: ValidationItem = { loc: ['body'], msg: 'Field required', type: 'missing' };
export const NOT_AN_OBJECT: ValidationItem = {
  loc: ['body'],
  msg: 'Input should be a valid dictionary or object to extract fields from',
  type: 'model_attributes_type',
};

/** JSON that does not parse: pydantic's item, at the character where parsing stopped. */
export const jsonInvalid = (position: number): ValidationItem => ({
  loc: ['body', position],
  msg: 'JSON decode error',
  type: 'json_invalid',
});

function itemOf(issue: AjvIssue, part: string): ValidationItem {
  const segments = issue.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
  const loc = [part, ...segments];
  const { params } = issue;
  switch (issue.keyword) {
    case 'required':
      return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'type': {
      if (segments.length === 0 && part === 'body' && params.type === 'object') return NOT_AN_OBJECT;
      const [type, msg] = TYPE_ERRORS[String(params.type)] ?? ['value_error', 'Value error, is invalid'];
      return { loc, msg, type };
    }
    case 'maxLength':
      return {
        loc,
        msg: `String should have at most ${params.limit} character${plural(params.limit)}`,
        type: 'string_too_long',
      };
    case 'minLength':
      return {
        loc,
        msg: `String should have at least ${params.limit} character${plural(params.limit)}`,
        type: 'string_too_short',
      };
    case 'pattern': {
      // The patterns are Roster's text rules, unreadable as regular expressions: say the rule instead.
      const rule =
        params.pattern === PLAIN_TEXT_PATTERN ? PLAIN_TEXT_MESSAGE : 'must not contain control characters';
      return { loc, msg: `Value error, ${rule}`, type: 'value_error' };
    }
    default:
      return { loc, msg: `Value error, ${issue.message ?? 'is invalid'}`, type: 'value_error' };
  }
}

/** Ajv's issues as FastAPI items, one per place and type. */
export function validationItems(issues: readonly AjvIssue[], dataVar: string): ValidationItem[] {
  const part = PART[dataVar] ?? dataVar;
  const seen = new Set<string>();
  const items: ValidationItem[] = [];
  for (const issue of withoutUnionNoise(issues)) {
    const item = itemOf(issue, part);
    const key = JSON.stringify([item.loc, item.type]);
    if (!seen.has(key)) {
      seen.add(key);
      items.push(item);
    }
  }
  return items;
}

/** The schema error formatter of the surface's scope: Fastify hands the error to the error handler. */
export const formatSchemaErrors = (issues: readonly AjvIssue[], dataVar: string): RequestInvalid =>
  new RequestInvalid(validationItems(issues, dataVar));
