// RFC 9457 problem details: the one error body of the native API.
import { type Static, Type } from 'typebox';
import type { DomainError, ErrorKind, FieldError } from '../platform/domain-error.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: 'URI naming the problem type',
      examples: ['urn:roster:problem:not_found'],
    }),
    title: Type.String({ description: 'Short summary, the same for every occurrence of the code' }),
    status: Type.Integer({ description: 'HTTP status code' }),
    detail: Type.String({ description: 'Explanation of this occurrence' }),
    code: Type.String({ description: 'Stable snake_case error code', examples: ['validation_failed'] }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'Dotted path of the field', examples: ['email'] }),
          message: Type.String(),
        }),
        { description: 'Field errors (validation failures)' },
      ),
    ),
    requestId: Type.Optional(Type.String({ description: 'Quote it when reporting a problem' })),
  },
  { description: 'An RFC 9457 problem details object' },
);
export type Problem = Static<typeof ProblemSchema>;

export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 422,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  unsatisfiable: 416,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const problemType = (code: string): string => `urn:roster:problem:${code}`;

export function toProblem(error: DomainError, requestId: string): Problem {
  const errors: FieldError[] | undefined = error.errors ? [...error.errors] : undefined;
  return {
    type: problemType(error.code),
    title: error.title,
    status: STATUS_BY_KIND[error.kind],
    detail: error.detail,
    code: error.code,
    ...(errors ? { errors } : {}),
    requestId,
  };
}

/** Response schemas for the error statuses a route can answer with. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { ...ProblemSchema, description: `Problem (${s})` }]));
