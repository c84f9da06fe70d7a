// The signed-in user's avatar, direct-upload URLs and signed links. The
// avatar route takes three bodies: multipart (`file`), the raw image bytes
// (any image/* type or application/octet-stream: the type is read from the
// bytes, never from the header), or JSON naming a direct upload.
import multipart from '@fastify/multipart';
import { type Static, Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { NoContent, sendEmpty } from '../../http/schemas.ts';
import { commonError } from '../../platform/errors.ts';
import type { AvatarsService } from './avatars.service.ts';
import {
  Avatar,
  LinkReply,
  LinkRequest,
  toAvatar,
  UploadKeyBody,
  UploadRequest,
  UploadTicketReply,
} from './media.schemas.ts';
import type { MediaObjects } from './media-objects.service.ts';
import { multipartFile, oneFileLimits } from './multipart-file.ts';
import type { UploadsService } from './uploads.service.ts';

// Documentation of the byte bodies; their validation is the image pipeline's.
// No `type`: the parsed body is a Buffer, which a string schema would refuse.
const BinaryBody = Type.Unsafe<Buffer>({ format: 'binary', description: 'The image file’s bytes' });
// No `type` either: multipart parts are read by the handler, so the body Fastify validates is empty.
const MultipartAvatar = Type.Unsafe<unknown>({
  properties: { file: { type: 'string', format: 'binary' } },
  required: ['file'],
  description: 'One file, in the `file` field',
});

export interface MediaRoutesDeps {
  readonly avatars: AvatarsService;
  readonly uploads: Pick<UploadsService, 'create'>;
  readonly mediaObjects: Pick<MediaObjects, 'link'>;
  readonly auth: Authenticator;
  readonly maxBytes: number;
}

// Only a JSON body was validated (against UploadKeyBody); a text/plain one arrives as a string.
const isUploadKeyBody = (body: unknown): body is Static<typeof UploadKeyBody> =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as { uploadKey?: unknown }).uploadKey === 'string';

export function mediaRoutes(app: App, deps: MediaRoutesDeps): void {
  const { avatars, uploads, mediaObjects, auth, maxBytes } = deps;

  // Parsers for image bodies and multipart apply to these routes only.
  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: oneFileLimits(maxBytes),
    });
    for (const type of [/^image\//, 'application/octet-stream'])
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) =>
        done(null, body),
      );

    scope.put(
      '/v1/me/avatar',
      {
        preHandler: auth.user('profile:write'),
        bodyLimit: maxBytes,
        schema: {
          tags: ['media'],
          summary: 'Set my avatar',
          description:
            'Send the image as multipart (`file`), as the raw body (any `image/*` type or ' +
            '`application/octet-stream`), or as JSON `{uploadKey}` naming a direct upload. The format is read ' +
            'from the bytes: JPEG, PNG, WebP, AVIF and GIF (its first frame) are accepted; anything else is a ' +
            '415 `unsupported_image_type`, and a truncated file or one with data after the image a 422 ' +
            '`image_unreadable`. Beyond ROSTER_AVATAR_MAX_BYTES (10 MiB) a 413; beyond ' +
            'ROSTER_AVATAR_MAX_PIXELS (40 MP) a 422 `image_too_many_pixels`, refused before decoding. The image ' +
            'is turned upright (EXIF orientation), stripped of all metadata (no location leaves the server), ' +
            'cropped to a square and re-encoded as WebP at 400×400 and 96×96. Each upload gets new URLs, and ' +
            'the old avatar’s objects are deleted. A face analysis runs in the background (GET shows it).',
          // Only the JSON body has a schema; image and multipart bodies are bytes, judged by their content.
          body: {
            content: {
              'application/json': { schema: UploadKeyBody },
              'multipart/form-data': { schema: MultipartAvatar },
              'image/*': { schema: BinaryBody },
              'application/octet-stream': { schema: BinaryBody },
            },
          },
          response: { 200: Avatar, ...problemResponses(401, 404, 409, 410, 413, 415, 422, 429, 503) },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        if (request.isMultipart())
          return toAvatar(await avatars.upload(userId, await multipartFile(request, maxBytes)));
        const body: unknown = request.body;
        if (Buffer.isBuffer(body)) return toAvatar(await avatars.upload(userId, body));
        if (!isUploadKeyBody(body))
          throw commonError('unsupported_media_type', {
            detail:
              'Send the image as multipart (`file`), as the raw body (image/* or application/octet-stream), ' +
              'or JSON {uploadKey}.',
          });
        return toAvatar(await avatars.setFromUpload(userId, body.uploadKey));
      },
    );
  });

  app.get(
    '/v1/me/avatar',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['media'],
        summary: 'My avatar and its face analysis',
        description:
          '`faceDetected` and `faceCount` stay null until the background analysis has run. Detection only: ' +
          'Roster does not infer age, gender, emotion or anything else about the person in a photo.',
        response: { 200: Avatar, ...problemResponses(401, 404) },
      },
    },
    async (request) => toAvatar(await avatars.get(principalOf(request).userId)),
  );

  app.delete(
    '/v1/me/avatar',
    {
      preHandler: auth.user('profile:write'),
      schema: {
        tags: ['media'],
        summary: 'Remove my avatar',
        description: 'Its objects are deleted from storage; the profile’s `avatarUrl` becomes null.',
        response: { 204: NoContent, ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await avatars.remove(principalOf(request).userId);
      return sendEmpty(reply, 204);
    },
  );

  const signedIn = auth.user('profile:write');
  app.post(
    '/v1/media/uploads',
    {
      // A token is optional here: without one, only a sign-up photo.
      preHandler: async (request, reply) => {
        if (request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined)
          await signedIn(request, reply);
      },
      schema: {
        tags: ['media'],
        summary: 'A signed URL to upload an image to directly',
        description:
          'PUT the bytes to `uploadUrl` with exactly `headers` before `expiresAt` (15 minutes); the URL takes ' +
          'only the declared type and size. Then send `{uploadKey}` to PUT /v1/me/avatar (within an hour), ' +
          'or, for `signup-avatar` (no token needed, a few per IP and hour), as `avatarUploadKey` of a sign-up ' +
          '(within a day). A key works once, for the user it was made for; unused uploads are deleted.',
        security: [{}, { bearer: ['profile:write'] }],
        body: UploadRequest,
        response: { 201: UploadTicketReply, ...problemResponses(401, 403, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const uploader = request.principal
        ? { userId: request.principal.userId }
        : ({ anonymous: true } as const);
      return reply.code(201).send(await uploads.create(uploader, request.body, requestContext(request)));
    },
  );

  app.post(
    '/v1/media/links',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['media'],
        summary: 'A signed, time-limited link to an object',
        description:
          'For objects you may read: public avatars and your own uploads. The link works until ' +
          '`expiresAt`; an expired or altered one is a 403. Objects you may not read are a 404, as unknown ones.',
        body: LinkRequest,
        response: { 200: LinkReply, ...problemResponses(401, 404, 422, 429) },
      },
    },
    async (request) =>
      mediaObjects.link(principalOf(request).userId, request.body.key, request.body.expiresIn),
  );
}
