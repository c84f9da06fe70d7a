// The one file of a multipart upload (the avatar routes of every face).
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import { mediaError } from './media.errors.ts';

/**
 * @fastify/multipart's limits for a one-file upload: one part beyond the file
 * is read so that a second file is refused rather than ignored.
 */
export const oneFileLimits = (maxBytes: number) => ({
  fileSize: maxBytes,
  files: 2,
  parts: 4,
  fields: 2,
  fieldSize: 1024,
  headerPairs: 50,
});

/** The one `file` part of a multipart body, read whole (within the size limit). */
export async function multipartFile(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  let file: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (file !== null || part.fieldname !== 'file') {
        await part.toBuffer().catch(() => undefined);
        throw mediaError('upload_file_count', { detail: 'Send exactly one file, in the `file` field.' });
      }
      file = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw commonError('payload_too_large', { detail: `An avatar may be at most ${maxBytes} bytes.` });
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw mediaError('upload_file_count', { detail: 'Send exactly one file, in the `file` field.' });
    throw commonError('malformed_request', { detail: 'The multipart body could not be read.' });
  }
  if (file === null)
    throw mediaError('upload_file_count', { detail: 'Send exactly one file, in the `file` field.' });
  return file;
}
