// Reads a stream into memory, but never more than `max` bytes: an object
// larger than it should be is refused rather than buffered.
import type { Readable } from 'node:stream';

/** The bytes, or null as soon as there are more than `max`. */
export async function readCapped(stream: Readable, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    length += buffer.length;
    if (length > max) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, length);
}
