// Text shown as a person's name or headline: what you see is what is stored.
// Beyond control characters (line breaks and tabs included), it refuses the
// invisible characters that make one name look like another or reorder what
// is shown around it: bidi embeddings, overrides, isolates and marks (a U+202E
// before "moc.elgoog" shows it as "google.com"), zero-width spaces and
// joiners, word joiners and invisible operators, the byte-order mark, and
// line and paragraph separators.
import { type TString, Type } from 'typebox';

export const PLAIN_TEXT_PATTERN =
  '^[^\\p{Cc}\\p{Bidi_Control}\\u200B-\\u200D\\u2060-\\u2064\\uFEFF\\u2028\\u2029]*$';

export const PLAIN_TEXT_MESSAGE = 'must not contain control, invisible or text-direction characters';

export const PlainText = (
  maxLength: number,
  options: { description?: string; minLength?: number } = {},
): TString => Type.String({ maxLength, pattern: PLAIN_TEXT_PATTERN, ...options });
