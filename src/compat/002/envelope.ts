// Seed 002's envelope: `{"ok": 1}` or `{"ok": 1, "data": {...}}` on success,
// as its samples show, and `{"ok": 0, "error": {code, message, errors}}` with
// a 4xx status on a refusal (the document shows no refusal body: the shape is
// Roster's choice, docs/compat/002.md).
import { type TSchema, Type } from 'typebox';

export const Failure = Type.Object(
  {
    ok: Type.Literal(0),
    error: Type.Object({
      code: Type.String({
        description: 'Roster’s error code (docs/errors.md)',
        examples: ['invalid_credentials'],
      }),
      message: Type.String({
        description: 'What went wrong, readable',
        examples: ['The credentials are wrong.'],
      }),
      errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'The fields at fault, by their seed names; empty when none is',
      }),
    }),
  },
  { description: 'A refusal' },
);

export const Ok = Type.Object({ ok: Type.Literal(1) }, { description: 'Done', examples: [{ ok: 1 }] });

export const WithData = <T extends TSchema>(data: T) => Type.Object({ ok: Type.Literal(1), data });

/** A route's reply schemas: its success, the refusal for every error status. */
export const replies = <T extends TSchema>(success: T) => ({ 200: success, '4xx': Failure, '5xx': Failure });

export const OK = { ok: 1 as const };
export const withData = <T>(data: T) => ({ ok: 1 as const, data });
