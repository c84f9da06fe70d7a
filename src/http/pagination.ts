// Keyset pagination: `?limit=` (1..100, default 20) and an opaque `?cursor=`
// naming the last item seen; replies are `{items, nextCursor}`. Never OFFSET.
import { type Static, type TSchema, Type } from 'typebox';
import { commonError } from '../platform/errors.ts';

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

/**
 * Fetch `limit + 1` rows, then call this: it trims the extra row and builds
 * the cursor from the last item kept.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
