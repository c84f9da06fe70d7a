// Media on the wire: the avatar, direct-upload tickets and signed links.
import { type Static, type TSchema, Type } from 'typebox';
import type { AvatarView } from './avatars.service.ts';
import { LINK_MAX_SECONDS, LINK_MIN_SECONDS } from './media-objects.service.ts';
import { UPLOAD_PURPOSES, UPLOAD_TYPES } from './uploads.service.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Variant = Type.Object({
  url: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
});

const AVATAR_EXAMPLE = {
  avatarUrl: 'http://127.0.0.1:3000/media/avatars/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11-400.webp',
  url: 'http://127.0.0.1:3000/media/avatars/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11-400.webp',
  width: 400,
  height: 400,
  contentType: 'image/webp',
  variants: [
    {
      url: 'http://127.0.0.1:3000/media/avatars/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11-400.webp',
      width: 400,
      height: 400,
    },
    {
      url: 'http://127.0.0.1:3000/media/avatars/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11-96.webp',
      width: 96,
      height: 96,
    },
  ],
  createdAt: '2026-12-02T10:00:00.000Z',
  faceDetected: null,
  faceCount: null,
  analyzedAt: null,
  analysisError: null,
  flagged: false,
};

export const Avatar = Type.Object(
  {
    avatarUrl: Type.String({ description: 'The 400×400 image; the same as `url`' }),
    url: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    contentType: Type.String(),
    variants: Type.Array(Variant, { description: 'Every size, largest first (400×400, 96×96)' }),
    createdAt: Type.String({ format: 'date-time' }),
    faceDetected: Nullable(Type.Boolean({ description: 'null until the face analysis has run' })),
    faceCount: Nullable(Type.Integer({ minimum: 0 })),
    analyzedAt: Nullable(Type.String({ format: 'date-time' })),
    analysisError: Nullable(Type.String()),
    flagged: Type.Boolean({
      description: 'Faces are required (ROSTER_AVATAR_REQUIRE_FACE) and the analysis found none',
    }),
  },
  { description: 'The signed-in user’s avatar', examples: [AVATAR_EXAMPLE] },
);

export const toAvatar = (view: AvatarView): Static<typeof Avatar> => ({
  avatarUrl: view.url,
  url: view.url,
  width: view.width,
  height: view.height,
  contentType: view.contentType,
  variants: view.variants.map((v) => ({ ...v })),
  createdAt: view.createdAt,
  faceDetected: view.faceDetected,
  faceCount: view.faceCount,
  analyzedAt: view.analyzedAt,
  analysisError: view.analysisError,
  flagged: view.flagged,
});

export const UploadKeyBody = Type.Object(
  { uploadKey: Type.String({ minLength: 1, maxLength: 200, description: 'From POST /v1/media/uploads' }) },
  { additionalProperties: false },
);

export const UploadRequest = Type.Object(
  {
    contentType: Type.Union(
      UPLOAD_TYPES.map((t) => Type.Literal(t)),
      { description: 'The type the bytes will be sent as (and must be)' },
    ),
    size: Type.Integer({ minimum: 1, description: 'The exact length in bytes the upload will have' }),
    purpose: Type.Union(
      UPLOAD_PURPOSES.map((p) => Type.Literal(p)),
      { description: '`avatar` (signed in) or `signup-avatar` (no token: a photo for a sign-up form)' },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ contentType: 'image/jpeg', size: 182_113, purpose: 'avatar' }],
  },
);

export const UploadTicketReply = Type.Object(
  {
    uploadUrl: Type.String({ description: 'PUT the bytes here, with exactly `headers`' }),
    uploadKey: Type.String({
      description: 'Name it in PUT /v1/me/avatar (or a sign-up’s `avatarUploadKey`)',
    }),
    key: Type.String({ description: 'The object’s key, for POST /v1/media/links while the upload waits' }),
    method: Type.Literal('PUT'),
    headers: Type.Record(Type.String(), Type.String()),
    expiresAt: Type.String({ format: 'date-time', description: 'The URL accepts the bytes until then' }),
    claimExpiresAt: Type.String({ format: 'date-time', description: 'The key can be used until then' }),
  },
  {
    examples: [
      {
        uploadUrl:
          'http://127.0.0.1:3000/media/uploads/6f1c2a9e-4b7d-4e0a-9c3f-2d8b5e7a1c40?expires=1796205600&signature=3q2-7w',
        uploadKey: 'upk_Jx2cQp0e6oXn0bq7mVh4m1l7i0Yk3pQwZb9sR2tUvWc',
        key: 'uploads/6f1c2a9e-4b7d-4e0a-9c3f-2d8b5e7a1c40',
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg', 'content-length': '182113' },
        expiresAt: '2026-12-02T10:15:00.000Z',
        claimExpiresAt: '2026-12-02T11:00:00.000Z',
      },
    ],
  },
);

export const LinkRequest = Type.Object(
  {
    key: Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'The object key (the path after /media/)',
    }),
    expiresIn: Type.Integer({
      minimum: LINK_MIN_SECONDS,
      maximum: LINK_MAX_SECONDS,
      description: 'Seconds the link works (1 s to 7 days)',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ key: 'uploads/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11', expiresIn: 600 }],
  },
);

export const LinkReply = Type.Object(
  { url: Type.String(), expiresAt: Type.String({ format: 'date-time' }) },
  {
    examples: [
      {
        url: 'http://127.0.0.1:3000/media/uploads/0193a5c2-7d1e-7c3a-9b1f-4c2d8e9a0b11?expires=1796205600&signature=9f-Q',
        expiresAt: '2026-12-02T10:10:00.000Z',
      },
    ],
  },
);
