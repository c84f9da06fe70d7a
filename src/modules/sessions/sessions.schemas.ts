import { Type } from 'typebox';
import { pageOf } from '../../http/pagination.ts';
import { Password, Text } from '../../http/schemas.ts';
import { PrivateUser } from '../accounts/accounts.schemas.ts';

export const Tokens = Type.Object(
  {
    accessToken: Type.String({ description: 'EdDSA JWT, valid 15 minutes' }),
    refreshToken: Type.String({ description: 'Opaque; rotates on every use' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires', examples: [900] }),
    sessionId: Type.String(),
    user: PrivateUser,
  },
  { description: 'A session’s tokens' },
);

export const MfaRequired = Type.Object(
  {
    mfaRequired: Type.Literal(true),
    mfaToken: Type.String({ description: 'Pass to POST /v1/sessions/mfa with a code' }),
    methods: Type.Array(Type.String(), { examples: [['totp', 'recovery_code']] }),
  },
  { description: 'A second factor is needed' },
);

export const LoginBody = Type.Object(
  {
    identifier: Text(254, { minLength: 1, description: 'Email address or username' }),
    password: Password(),
  },
  {
    additionalProperties: false,
    examples: [{ identifier: 'ada@example.com', password: 'correct horse battery staple' }],
  },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200, description: 'The current refresh token' }) },
  { additionalProperties: false },
);

export const SessionItem = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: 'The session of this request' }),
});
export const SessionPage = pageOf(SessionItem);

export const TokenBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 4096, description: 'An access or refresh token' }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const Introspection = Type.Object(
  {
    active: Type.Boolean(),
    sub: Type.Optional(Type.String()),
    sid: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    exp: Type.Optional(Type.Integer()),
    iat: Type.Optional(Type.Integer()),
    token_type: Type.Optional(Type.String()),
  },
  { description: 'RFC 7662 introspection response' },
);

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.String(),
      x: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});
