// Seed 002's PATCH /user/profile-picture: one PNG in a multipart body (the
// table's `profilePicture` field, or the sample's `profile-picture`), made
// the avatar by the media module (cropped to a square, stripped of
// metadata, re-encoded), answered with the avatar's URL as `signedUrl`.
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf } from '../../http/authenticate.ts';
import { multipartFile, oneFileLimits } from '../../modules/media/index.ts';
import { commonError } from '../../platform/errors.ts';
import type { SurfaceDeps } from '../surface.ts';
import { replies, WithData, withData } from './envelope.ts';
import { signedIn } from './session-auth.ts';

/** The document's table names the field `profilePicture`; its sample sends `profile-picture`. */
export const PICTURE_FIELDS = ['profilePicture', 'profile-picture'] as const;

const PictureBody = Type.Unsafe<unknown>({
  properties: { profilePicture: { type: 'string', format: 'binary' } },
  required: ['profilePicture'],
  description: 'One PNG file, in `profilePicture` (or `profile-picture`)',
});

const PictureReply = WithData(
  Type.Object({
    signedUrl: Type.String({
      description: 'The new picture’s URL (public: it needs no signature), 400×400 WebP',
      examples: ['https://profile-picture.url'],
    }),
  }),
);

export function pictureRoutes(scope: App, deps: SurfaceDeps): void {
  const maxBytes = deps.config.media.avatarMaxBytes;
  // Multipart applies to this route only.
  scope.register(async (pictures: App) => {
    await pictures.register(multipart, { limits: oneFileLimits(maxBytes) });
    pictures.patch(
      '/profile-picture',
      {
        preHandler: signedIn(deps, 'profile:write'),
        bodyLimit: maxBytes,
        schema: {
          summary: 'Set Profile Picture',
          description:
            'One PNG file (judged by its content: anything else is a 415 unsupported_image_type) as ' +
            'multipart/form-data in `profilePicture` (the table’s name) or `profile-picture` (the sample’s). ' +
            'It is turned upright, stripped of metadata, cropped to a square and stored as 400×400 WebP; ' +
            '`signedUrl` is its URL, which changes with every upload. Beyond ROSTER_AVATAR_MAX_BYTES a 413. ' +
            'Scope delegated:profile:write. The cookie session of POST /user/login, or a bearer token. ' +
            'Native: PUT /v1/me/avatar.',
          consumes: ['multipart/form-data'],
          body: { content: { 'multipart/form-data': { schema: PictureBody } } },
          response: replies(PictureReply),
        },
      },
      async (request) => {
        if (!request.isMultipart())
          throw commonError('unsupported_media_type', {
            detail: 'Send the picture as multipart/form-data, in the `profilePicture` field.',
          });
        const file = await multipartFile(request, maxBytes, PICTURE_FIELDS);
        const avatar = await deps.roster.avatars.upload(principalOf(request).userId, file, {
          formats: ['png'],
        });
        return withData({ signedUrl: avatar.url });
      },
    );
  });
}
