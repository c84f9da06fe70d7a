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

/**
 * The one file part of a multipart body, read whole (within the size limit),
 * in the `file` field or one of `fieldNames` (a face whose document names
 * its own field).
 */
export async function multipartFile(
  request: FastifyRequest,
  maxBytes: number,
  fieldNames: readonly string[] = ['file'],
): Promise<Buffer> {
  const named = `the ${fieldNames.map((f) => `\`${f}\``).join(' or ')} field`;
  let file: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (file !== null || !fieldNames.includes(part.fieldname)) {
        await part.toBuffer().catch(() => undefined);
        throw mediaError('upload_file_count', { detail: `Send exactly one file, in ${named}.` });
      }
      file = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw commonError('payload_too_large', { detail: `An avatar may be at most ${maxBytes} bytes.` });
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw mediaError('upload_file_count', { detail: `Send exactly one file, in ${named}.` });
    throw commonError('malformed_request', { detail: 'The multipart body could not be read.' });
  }
  if (file === null) throw mediaError('upload_file_count', { detail: `Send exactly one file, in ${named}.` });
  return file;
}
