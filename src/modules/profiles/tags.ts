// Tag keys and colours. "  Machine   Learning " and "machine learning" are
// one tag, `machine-learning`; its colour is derived from the key, so every
// node and every run gives the same one.
import { createHash } from 'node:crypto';

export const MAX_TAGS = 20;
export const TAG_MAX_LENGTH = 40;

export const tagKey = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, '-');

export const tagName = (name: string): string => name.trim().replace(/\s+/g, ' ');

/** A stable, mid-tone colour: readable on light and dark backgrounds. */
export function tagColor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  const channel = (byte: number) => (64 + (byte % 128)).toString(16).padStart(2, '0');
  return `#${channel(digest[0]!)}${channel(digest[1]!)}${channel(digest[2]!)}`;
}
