// The text the directory searches for a user: "first last", display name,
// username and headline, lower-cased, one field per segment. Fields are joined
// by U+001F, which the request schemas refuse in any text, so a search term
// never matches across two fields.
export const FIELD_SEPARATOR = '\u001f';

export interface SearchFields {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly displayName: string | null;
  readonly username: string | null;
  readonly headline: string | null;
}

export function searchDocument(f: SearchFields): string {
  return [[f.firstName, f.lastName].filter(Boolean).join(' '), f.displayName, f.username, f.headline]
    .map((field) => field ?? '')
    .join(FIELD_SEPARATOR)
    .toLowerCase();
}

/** Words of a query, lower-cased, without the separator. */
export function searchTerms(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/u)
    .map((term) => term.replaceAll(FIELD_SEPARATOR, ''))
    .filter((term) => term.length > 0);
}
