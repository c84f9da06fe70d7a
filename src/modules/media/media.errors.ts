import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const mediaErrors = defineErrors({
  unsupported_image_type: {
    kind: 'unsupported',
    title: 'The file is not a JPEG, PNG, WebP, AVIF or GIF image',
  },
  image_unreadable: {
    kind: 'invalid',
    title: 'The image is truncated, corrupt, or carries data after its end',
  },
  image_too_many_pixels: {
    kind: 'invalid',
    title: 'The image has more pixels than the limit allows',
  },
  image_dimensions_unsupported: {
    kind: 'invalid',
    title: 'The image is too small or too narrow to make an avatar of',
  },
  image_too_large: { kind: 'too_large', title: 'The image is larger than the upload limit' },
  upload_file_count: {
    kind: 'invalid',
    title: 'A multipart upload carries exactly one file, in the `file` field',
  },
  upload_not_found: { kind: 'not_found', title: 'No such upload key for this caller' },
  upload_expired: { kind: 'gone', title: 'The upload key has expired' },
  upload_used: { kind: 'gone', title: 'The upload key has been used' },
  upload_missing: { kind: 'conflict', title: 'Nothing has been uploaded with this key yet' },
  upload_mismatch: {
    kind: 'invalid',
    title: 'The uploaded object does not match the size or type the key was made for',
  },
  avatar_not_found: { kind: 'not_found', title: 'The account has no avatar' },
  media_not_found: { kind: 'not_found', title: 'No such media object' },
  range_not_satisfiable: { kind: 'unsatisfiable', title: 'The byte range is outside the object' },
  signed_link_required: { kind: 'forbidden', title: 'This object is private: read it through a signed link' },
  signed_link_invalid: { kind: 'forbidden', title: 'The signed link has expired or was altered' },
});

export const mediaError = errorFactory(mediaErrors);
