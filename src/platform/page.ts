// Keyset pages, transport-neutral: a service takes the key of the last item
// the caller saw (`after`) and returns the key to pass for the next page
// (`next`, null on the last). What a key looks like on the wire (the native
// API's opaque base64url cursor, a compat surface's offset token, a webhook's
// resume marker) is each face's business; the domain never sees an encoded
// cursor and never hands one out.

/** What a caller asks of a list: at most `limit` items, those after `after` when given. */
export interface PageRequest<K> {
  readonly limit: number;
  readonly after?: K | undefined;
}

/** One page: its items, and the key of the last one when more follow. */
export interface Page<T, K> {
  readonly items: T[];
  readonly next: K | null;
}

/**
 * Fetch `limit + 1` rows, then call this: it trims the extra row and names
 * the key of the last item kept as the next page's start.
 */
export function pageFrom<T, K>(rows: readonly T[], limit: number, keyOf: (row: T) => K): Page<T, K> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : [...rows];
  return { items, next: more ? keyOf(items[items.length - 1]!) : null };
}

/** The same page with each item replaced (a row by its view); keys stay. */
export const mapPage = <T, U, K>(page: Page<T, K>, f: (item: T) => U): Page<U, K> => ({
  items: page.items.map(f),
  next: page.next,
});
