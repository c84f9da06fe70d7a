// LIKE patterns from user text: `%`, `_` and the escape character itself are
// taken literally. Pair the pattern with `escape '\'` (both dialects).
import { type RawBuilder, sql } from 'kysely';

const literal = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `column LIKE pattern`, with `%` standing for the pattern's wildcard parts. */
function like(column: string, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

export const startsWith = (column: string, text: string) => like(column, `${literal(text)}%`);
export const contains = (column: string, text: string) => like(column, `%${literal(text)}%`);
