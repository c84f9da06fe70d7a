// Development transports (mail and SMS) deliver to files in the data dir.
// Both name and write them the same way.
import { open, rename, rm } from 'node:fs/promises';
import { newId } from '../ids.ts';

/** `2026-01-01T00-00-00.000Z-<uuidv7>.<ext>`: sorts by time, unique, no `:` (portable file names). */
export function outboxFileName(at: Date, extension: string, id: string = newId()): string {
  return `${at.toISOString().replaceAll(':', '-')}-${id}.${extension}`;
}

/**
 * Temp file (mode 0600: codes and links are inside), fsync, rename: a reader
 * (or a crash) sees either no file or the whole message, never half of one.
 * The temp name does not end in the real extension, so watchers skip it.
 */
export async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  await rename(temp, path);
}
