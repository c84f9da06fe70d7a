// Seed 003's envelope: `{status, message, data}` on every reply. A success is
// `status: "success"` with the document's message and HTTP status (200, or
// 202 where it says Accepted); a refusal is `status: "error"` with a 4xx (or
// 5xx), a message for the developer, and in `data` Roster's error code and
// the fields at fault (docs/compat/003.md).
import { type TSchema, Type } from 'typebox';

export const FailureEnvelope = Type.Object(
  {
    status: Type.Literal('error'),
    message: Type.String({
      description: 'What went wrong, for the developer',
      examples: ['Validation failed'],
    }),
    data: Type.Object({
      code: Type.String({
        description: 'Roster’s error code (docs/errors.md)',
        examples: ['validation_failed'],
      }),
      errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'The fields at fault, by their seed names; empty when none is',
      }),
    }),
  },
  { description: 'A refusal' },
);

/** A success envelope: the message the document shows, and `data`. */
export const Success = <T extends TSchema>(data: T, message: string) =>
  Type.Object({
    status: Type.Literal('success'),
    message: Type.String({ examples: [message] }),
    data,
  });

export const Empty = Type.Object({}, { description: 'Always empty' });

/** The route's reply schemas: its success at `status`, the refusal for every error status. */
export const replies = <T extends TSchema>(status: 200 | 202, success: T) => ({
  [status]: success,
  '4xx': FailureEnvelope,
  '5xx': FailureEnvelope,
});

export const success = <T>(message: string, data: T) => ({ status: 'success' as const, message, data });
