// One byte range of an HTTP Range header (RFC 9110 §14.1.2): `bytes=0-99`,
// `bytes=100-`, `bytes=-100`. Several ranges at once are answered with the
// whole object, as the RFC allows; nothing in Roster needs multipart/byteranges.
import type { ByteRange } from '../../platform/blob-store/blob-store.ts';

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/** The range asked for; 'whole' when there is none to honour; 'unsatisfiable' for a 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | 'whole' | 'unsatisfiable' {
  if (header === undefined) return 'whole';
  const match = SINGLE.exec(header.trim());
  if (!match) return 'whole';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'whole';
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  // last < first is not a range at all: ignored, like any header that is not one.
  if (last !== '' && Number(last) < start) return 'whole';
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
