// Text shown as a person's name, headline, pronouns, location or a tag: what
// you see is what is stored, and two values that look the same are the same.
// Refused, by Unicode property where one exists, so new characters of a class
// are covered without a list to keep up:
// - \p{Cc} controls (line breaks and tabs included) and \p{Zl}/\p{Zp} line
//   and paragraph separators;
// - \p{Cf} format characters: bidi embeddings, overrides, isolates and marks
//   (a U+202E before "moc.elgoog" shows it as "google.com"), zero-width
//   spaces and joiners (so emoji sequences built with U+200D ZWJ too), word
//   joiners and invisible operators, the byte-order mark, the soft hyphen,
//   tag characters, U+180E, U+206A–206F, the interlinear annotation
//   characters U+FFF9–FFFB and the musical formatting U+1D173–1D17A;
// - characters of other classes that render as nothing: the Hangul fillers
//   (U+115F, U+1160, U+3164, U+FFA0: a name of only U+3164 shows blank), the
//   braille blank U+2800, the Khmer inherent vowels U+17B4–17B5, the
//   combining grapheme joiner U+034F, the variation selectors U+FE00–FE0F and
//   U+E0100–E01EF, and the unassigned rest of the tag block U+E0000–E007F;
// - \p{Noncharacter_Code_Point}: U+FDD0–FDEF and the last two code points of
//   every plane (U+FFFE, U+FFFF, …), never meant for interchange; SQLite reads
//   U+FFFE and U+FFFF as U+FFFD in some places and not in others, so two
//   stored values would match in one search and not in another;
// - a value made only of spaces (it shows blank); an empty string stays allowed.
//
// The rule itself; the native schemas build their PlainText fields on it
// (http/plain-text.ts) and validation messages name it (field-errors.ts).

const HIDDEN =
  '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Noncharacter_Code_Point}' +
  '\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u2800\\u3164\\uFE00-\\uFE0F\\uFFA0' +
  '\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}';

/** Compiled with the `u` flag (Ajv's default), which `\p{…}` and `\u{…}` need. */
export const PLAIN_TEXT_PATTERN = `^(?!\\p{Zs}+$)[^${HIDDEN}]*$`;

export const PLAIN_TEXT_MESSAGE =
  'must not contain control, invisible or text-direction characters, nor be only spaces';
