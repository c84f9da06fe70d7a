// Names of objects in the blob store, and the upload keys handed to clients.
// Object keys carry a fresh random id and no user id: an object's URL says
// nothing about whose it is, and a new upload always gets a new URL (so
// public avatars can be cached forever). Visibility follows the prefix:
// `avatars/` is public, `uploads/` is private, nothing else exists.
import { hmacSha256, randomToken } from '../../platform/crypto/tokens.ts';
import { newId } from '../../platform/ids.ts';

export const AVATAR_PREFIX = 'avatars/';
export const UPLOAD_PREFIX = 'uploads/';

export const avatarKeys = (extension: string) => {
  const id = newId();
  return { large: `${AVATAR_PREFIX}${id}-400.${extension}`, small: `${AVATAR_PREFIX}${id}-96.${extension}` };
};

export const uploadObjectKey = (uploadId: string) => `${UPLOAD_PREFIX}${uploadId}`;

export const isPublicKey = (key: string) => key.startsWith(AVATAR_PREFIX);

/** A bearer capability: whoever holds it may claim the upload; stored as its HMAC. */
export const newUploadKey = () => `upk_${randomToken(32)}`;

export const uploadKeyHash = (secret: string, uploadKey: string) => hmacSha256(secret, uploadKey);
