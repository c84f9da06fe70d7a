// Names of objects in the blob store, and the upload keys handed to clients.
// Object keys carry a random id (UUIDv4: no time in it) and no user id: an
// object's URL says nothing about whose it is or when it was made, and a new
// upload always gets a new URL (so public avatars can be cached forever). Visibility follows the prefix:
// `avatars/` is public, `uploads/` is private, nothing else exists.

import { randomUUID } from 'node:crypto';
import { hmacSha256, randomToken } from '../../platform/crypto/tokens.ts';

export const AVATAR_PREFIX = 'avatars/';
export const UPLOAD_PREFIX = 'uploads/';

export const avatarKeys = (extension: string) => {
  const id = randomUUID();
  return { large: `${AVATAR_PREFIX}${id}-400.${extension}`, small: `${AVATAR_PREFIX}${id}-96.${extension}` };
};

export const uploadObjectKey = () => `${UPLOAD_PREFIX}${randomUUID()}`;

export const isPublicKey = (key: string) => key.startsWith(AVATAR_PREFIX);

/** A public object never changes under its key: caches may keep it for a year. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** A bearer capability: whoever holds it may claim the upload; stored as its HMAC. */
export const newUploadKey = () => `upk_${randomToken(32)}`;

export const uploadKeyHash = (secret: string, uploadKey: string) => hmacSha256(secret, uploadKey);
