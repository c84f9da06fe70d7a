// A TypeBox string field for text shown as a person's name, headline,
// pronouns, location or a tag, on the plain-text rule (platform/text/plain-text-rule.ts).
import { type TString, Type } from 'typebox';
import { PLAIN_TEXT_PATTERN } from '../platform/text/plain-text-rule.ts';

/** Said in every such field's description, so clients know before they send. */
const PLAIN_TEXT_NOTE =
  'No control, invisible, format or text-direction characters and not only spaces. ' +
  'Plain emoji are fine (🙂); emoji sequences joined by U+200D (ZWJ) or using variation selectors (U+FE0F) are refused.';

export const PlainText = (
  maxLength: number,
  options: { description?: string; minLength?: number } = {},
): TString =>
  Type.String({
    maxLength,
    pattern: PLAIN_TEXT_PATTERN,
    ...options,
    description: options.description ? `${options.description}. ${PLAIN_TEXT_NOTE}` : PLAIN_TEXT_NOTE,
  });
