// Keyset pagination on the native API: `?limit=` (1..100, default 20) and an
// opaque `?cursor=` naming the last item seen; replies are `{items,
// nextCursor}`. Never OFFSET. Services deal in page keys (platform/page.ts);
// this file is the native face's encoding of them: base64url JSON `{k}` around
// the key written in its list's CursorFormat.
import { type Static, type TSchema, Type } from 'typebox';
import { commonError } from '../platform/errors.ts';
import { isId } from '../platform/ids.ts';
import type { Page } from '../platform/page.ts';

export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page' }),
  ),
});
export type PageQuery = Static<typeof PageQuery>;

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last',
    }),
  });

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

/** The key inside a cursor; a tampered or foreign cursor is a 400 `invalid_cursor`. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { k } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof k === 'string' && k.length > 0 && k.length <= 100) return k;
  } catch {
    // fall through
  }
  throw commonError('invalid_cursor', {
    detail: 'Pass back the nextCursor of a previous page unchanged.',
    errors: [{ path: 'query.cursor', message: 'is not a cursor this API issued' }],
  });
}

/** How one list's page key is written inside its cursor. */
export interface CursorFormat<K> {
  write(key: K): string;
  /** The key `write` made, or null for any other text (a 400 `invalid_cursor`). */
  read(text: string): K | null;
}

/** A list keyed by an id (UUIDv7, so in time order): the id is the cursor's text; nothing else reads as one. */
export const ID_CURSOR: CursorFormat<string> = {
  write: (id) => id,
  read: (text) => (isId(text) ? text : null),
};

/** The page key inside `?cursor=` in the list's format; undefined for the first page. */
export function readCursor<K>(cursor: string | undefined, format: CursorFormat<K>): K | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  const key = format.read(text);
  if (key === null) throw commonError('invalid_cursor');
  return key;
}

/** A service's page as the native API answers it: items shaped by `item`, the next key as a cursor. */
export function pageReply<T, K, U>(
  page: Page<T, K>,
  format: CursorFormat<K>,
  item: (value: T) => U,
): { items: U[]; nextCursor: string | null } {
  return {
    items: page.items.map(item),
    nextCursor: page.next === null ? null : encodeCursor(format.write(page.next)),
  };
}
