// Seed 004's envelope: `{status, is_data_encrypted, data, error, app_actions}`
// on every reply (plus `pagination` on the sync). Success is `status:
// "success"` with `error: null`; a refusal is `status: "error"`, `data: null`
// and `error: {code, message}`. `app_actions` is always null: Roster asks an
// app for nothing beyond the error itself.
import { type TSchema, Type } from 'typebox';
import { encryptData } from './data-encryption.ts';

const Nothing = Type.Null({ description: 'Always null' });

export const ErrorBody = Type.Object({
  code: Type.Integer({ description: 'The numeric error code (docs/compat/004.md)', examples: [1006] }),
  message: Type.String({ description: 'What went wrong, for the developer' }),
});

export const FailureEnvelope = Type.Object(
  {
    status: Type.Literal('error'),
    is_data_encrypted: Type.Literal(0),
    data: Nothing,
    error: ErrorBody,
    app_actions: Nothing,
  },
  { description: 'A refusal' },
);

const Encrypted = Type.String({
  description:
    'With ROSTER_COMPAT_004_DATA_KEY set: base64 of nonce ‖ AES-256-GCM ciphertext of the JSON ‖ tag',
});

/** The success envelope around `data` (in clear, or encrypted when the operator set a key). */
export const Success = <T extends TSchema>(data: T, extra: Record<string, TSchema> = {}) =>
  Type.Object({
    status: Type.Literal('success'),
    is_data_encrypted: Type.Union([Type.Literal(0), Type.Literal(1)], {
      description: '1 when `data` is encrypted (ROSTER_COMPAT_004_DATA_KEY)',
    }),
    data: Type.Union([data, Encrypted]),
    error: Nothing,
    app_actions: Nothing,
    ...extra,
  });

/** Response schemas of a route: its success, and the refusal shape for every error status. */
export const replies = <T extends TSchema>(success: T) => ({
  200: success,
  '4xx': FailureEnvelope,
  '5xx': FailureEnvelope,
});

export const failure = (code: number, message: string) => ({
  status: 'error' as const,
  is_data_encrypted: 0 as const,
  data: null,
  error: { code, message },
  app_actions: null,
});

/** Builds success envelopes; `dataKey` turns encryption on. */
export function envelope(dataKey: Buffer | null) {
  return <T>(data: T, extra: Record<string, unknown> = {}) => ({
    status: 'success' as const,
    is_data_encrypted: dataKey ? (1 as const) : (0 as const),
    data: dataKey ? encryptData(dataKey, data) : data,
    error: null,
    app_actions: null,
    ...extra,
  });
}
