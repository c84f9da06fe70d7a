// `/media/{key}`: objects streamed from the store. Public avatars are
// immutable (a new upload gets a new key), so they are cacheable forever;
// other objects only through a signed link. Every reply says what it is and
// forbids sniffing, and images may be shown by other origins. With the
// filesystem driver, PUT here is where signed direct uploads land.
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { problemResponses } from '../../http/problem.ts';
import type { BlobBody, BlobInfo } from '../../platform/blob-store/blob-store.ts';
import type { Clock } from '../../platform/clock.ts';
import { commonError } from '../../platform/errors.ts';
import { parseRange } from './byte-range.ts';
import { mediaError } from './media.errors.ts';
import type { LinkProof, MediaObjects } from './media-objects.service.ts';
import { isPublicKey, PUBLIC_CACHE_CONTROL } from './object-keys.ts';
import type { UploadsService } from './uploads.service.ts';

export interface MediaServingDeps {
  readonly clock: Clock;
  readonly mediaObjects: Pick<MediaObjects, 'stat' | 'open'>;
  readonly uploads: Pick<UploadsService, 'receiveSigned'>;
  /** Direct uploads land here only with the filesystem driver (S3 takes them itself). */
  readonly acceptsUploads: boolean;
}

const Params = Type.Object({ '*': Type.String({ description: 'The object key' }) });
const Proof = Type.Object({
  expires: Type.Optional(
    Type.String({ maxLength: 20, description: 'A signed link’s expiry (Unix seconds)' }),
  ),
  signature: Type.Optional(Type.String({ maxLength: 100, description: 'A signed link’s signature' })),
});

const YEAR_SECONDS = 31_536_000;

interface ServeRequest {
  readonly params: { readonly '*': string };
  readonly query: LinkProof;
  readonly headers: { readonly 'if-none-match'?: string | undefined; readonly range?: string | undefined };
}

function describe(reply: FastifyReply, info: BlobInfo, proof: LinkProof, now: Date): void {
  // A raw upload's bytes were never checked: a download, never shown inline.
  if (!isPublicKey(info.key)) reply.header('content-disposition', 'attachment');
  reply.header('content-type', info.contentType);
  reply.header('etag', info.etag);
  reply.header('last-modified', info.lastModified.toUTCString());
  reply.header('accept-ranges', 'bytes');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cross-origin-resource-policy', 'cross-origin');
  // Nothing served here is a page: even a mislabelled object cannot run script.
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  if (proof.signature === undefined) {
    reply.header('cache-control', PUBLIC_CACHE_CONTROL);
  } else {
    const left = Math.max(0, Number(proof.expires) - Math.floor(now.getTime() / 1000));
    reply.header('cache-control', `private, max-age=${Math.min(left, YEAR_SECONDS)}`);
  }
}

const matches = (ifNoneMatch: string | undefined, etag: string): boolean =>
  ifNoneMatch !== undefined &&
  etag !== '' &&
  ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });

/** The bytes, or the error with the object's headers taken back (it vanished between two reads). */
async function opened(reply: FastifyReply, open: Promise<BlobBody>): Promise<BlobBody> {
  try {
    return await open;
  } catch (error) {
    for (const name of ['cache-control', 'etag', 'last-modified', 'content-length', 'content-range'])
      reply.removeHeader(name);
    reply.code(200);
    throw error;
  }
}

/** How long a signed PUT's body may take to arrive; a trickle past it is cut off. */
export const UPLOAD_BODY_MS = 5 * 60_000;

export function mediaServingRoutes(app: App, deps: MediaServingDeps): void {
  const { mediaObjects, uploads } = deps;

  /**
   * The object's headers, then its bytes: one read of the store for a plain
   * GET; the info first for HEAD, a range or a conditional GET (which a 304
   * answers without opening the bytes).
   */
  const serve = (head: boolean) => async (request: ServeRequest, reply: FastifyReply) => {
    const key = request.params['*'];
    const proof = request.query;
    const ranged = request.headers.range !== undefined && !head;
    const infoFirst = head || ranged || request.headers['if-none-match'] !== undefined;
    const blob = infoFirst ? null : await mediaObjects.open(key, proof);
    const info = blob?.info ?? (await mediaObjects.stat(key, proof));
    const unchanged = matches(request.headers['if-none-match'], info.etag);
    const range = ranged ? parseRange(request.headers.range, info.size) : 'whole';
    // Refused before the object's headers are set: an error must not look cacheable or carry its ETag.
    if (range === 'unsatisfiable' && !unchanged) {
      reply.header('content-range', `bytes */${info.size}`);
      throw mediaError('range_not_satisfiable', { detail: `The object has ${info.size} bytes.` });
    }
    describe(reply, info, proof, deps.clock.now());
    if (unchanged) return reply.code(304).send();
    if (range === 'whole' || range === 'unsatisfiable') {
      reply.header('content-length', String(info.size));
      if (head) return reply.send();
      return reply.send((blob ?? (await opened(reply, mediaObjects.open(key, proof)))).body);
    }
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
    return reply.send((await opened(reply, mediaObjects.open(key, proof, range))).body);
  };

  const schema = (summary: string, description: string) => ({
    tags: ['media'],
    summary,
    description,
    params: Params,
    querystring: Proof,
    response: {
      200: {
        description: 'The object’s bytes, streamed with its type (206: the range asked for; 304: unchanged)',
        content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
      },
      ...problemResponses(403, 404, 416),
    },
  });

  app.get(
    '/media/*',
    {
      // HEAD is its own route: it never opens the object's stream.
      exposeHeadRoute: false,
      schema: {
        ...schema(
          'An object: an avatar, or anything through a signed link',
          'Public avatars: `Cache-Control: public, max-age=31536000, immutable` and a strong ETag (304 on ' +
            '`If-None-Match`). Other objects need a signed link (POST /v1/media/links): without one a 403 ' +
            '`signed_link_required`, with an expired or altered one a 403 `signed_link_invalid`, even for a ' +
            'public object. One byte range is honoured (`Range: bytes=…`, 206).',
        ),
        operationId: 'getMediaObject',
      },
    },
    serve(false),
  );
  app.head(
    '/media/*',
    {
      schema: {
        ...schema('An object’s headers', 'As GET, without the body.'),
        operationId: 'headMediaObject',
      },
    },
    serve(true),
  );

  // Signed direct uploads to the filesystem driver; the bytes are streamed to the store, never buffered.
  app.register(async (scope: App) => {
    scope.addContentTypeParser(/^image\//, (_request, payload, done) => done(null, payload));
    scope.put(
      '/media/*',
      {
        schema: {
          ...schema(
            'Upload the bytes of a direct upload (signed URL)',
            'The `uploadUrl` of POST /v1/media/uploads, with its `headers`: the type and length signed into ' +
              'the URL, before it expires. Only with the filesystem storage driver; S3 takes uploads itself.',
          ),
          operationId: 'putMediaUpload',
          response: { 204: Type.Null(), ...problemResponses(400, 403, 404, 413, 422) },
        },
      },
      async (request, reply) => {
        if (!deps.acceptsUploads) throw mediaError('media_not_found');
        const length = request.headers['content-length'];
        if (length === undefined || !/^\d+$/.test(length))
          throw commonError('malformed_request', { detail: 'Send Content-Length: the signed size.' });
        const type = String(request.headers['content-type'] ?? '');
        // A body trickled in past any reasonable time holds a connection and the upload's slot.
        const deadline = setTimeout(
          () => request.raw.destroy(new Error('upload body too slow')),
          UPLOAD_BODY_MS,
        );
        try {
          await uploads.receiveSigned(
            request.params['*'],
            request.query,
            type,
            Number(length),
            request.body as Readable,
          );
        } catch (error) {
          // A client that hung up (or was cut off by the deadline) is not a server error.
          // (Only an end that never came: a body read to its end is destroyed too, and that is no abort.)
          if (request.raw.readableAborted)
            throw commonError('malformed_request', {
              detail: 'The upload was cut off before its end.',
              cause: error,
            });
          throw error;
        } finally {
          clearTimeout(deadline);
        }
        return reply.code(204).send(null);
      },
    );
  });
}
