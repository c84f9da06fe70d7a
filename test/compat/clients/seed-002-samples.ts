// The response samples of seed 002's document, copied as they are, and one
// check that a reply matches a sample: the same keys, and each value of the
// sample's type. The document gives no types for the user object, only
// samples; a string in a sample may also be null (the samples' own
// `middleName: null` shows such fields are optional), other types may not.
import assert from 'node:assert/strict';

/** GET /user/me, GET /user/:userId, and the `source`/`target` of every record sample. */
export const USER_SAMPLE = {
  _id: '507f1f77bcf86cd799439011',
  firstName: 'John',
  middleName: null,
  lastName: 'Doe',
  gender: 'male',
  username: 'john_doe',
  role: 'user',
  bio: 'Grab a straw, because you suck.',
  designation: 'Software Engineer',
  profilePictureUrl: 'https://image.com/url',
  pronouns: 'he/him',
  verified: true,
  verifiedDate: '2023-09-09T13:45:52.505Z',
  customLink: 'https://custom.link',
  followingCount: 250,
  followerCount: 1058,
  isPrivate: true,
  isSubscribed: true,
  subscriptionTier: 'basic',
  subscriptionExpiry: '2023-09-09T13:45:52.505Z',
  isBanned: false,
  isRestricted: false,
  email: 'john.doe@example.com',
  phone: '0000000000',
  customData: {},
};

/** The login (without 2FA) and do-2fa samples' user: `varifiedDate`, as they spell it. */
export const SIGNED_IN_USER_SAMPLE = Object.fromEntries(
  Object.entries(USER_SAMPLE).map(([k, v]) => [k === 'verifiedDate' ? 'varifiedDate' : k, v]),
);

/** The login sample with 2FA. */
export const LOGIN_2FA_SAMPLE = {
  '2faEnabled': true,
  sessionHash: '0f4e1ea6-9f2f-4239-96ec-64cbfc7e4815',
  user: { _id: '507f1f77bcf86cd799439011', username: 'john_doe', email: 'john_doe@example.com' },
};

/** A follower, follow-request or search record. */
export const SOURCE_RECORD_SAMPLE = { _id: '507f191e810c19729de860ea', approved: true, source: USER_SAMPLE };

/** A following record. */
export const TARGET_RECORD_SAMPLE = { _id: '507f191e810c19729de860ea', approved: true, target: USER_SAMPLE };

/** An invite code; `targetId` only once used. */
export const INVITE_CODE_SAMPLE = {
  code: 'GU-2526-1687389089010',
  createdAt: '2023-06-21T16:31:29.012Z',
  updatedAt: '2023-09-06T15:07:42.794Z',
  targetId: '64f895bec011931326757de6',
};

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export interface LikeOptions {
  /** Keys of the sample that may be absent. */
  readonly optional?: readonly string[];
  /** Keys beyond the sample's are allowed (every sample key is still required). */
  readonly allowExtra?: boolean;
}

/**
 * Asserts `value` has exactly the sample's keys and each value the sample's
 * type; nested objects are checked against the nested sample, except
 * `customData`, which is free-form.
 */
export function assertLikeSample(
  value: unknown,
  sample: Record<string, unknown>,
  path = 'reply',
  options: LikeOptions = {},
): void {
  const optional = options.optional ?? [];
  assert.equal(kind(value), 'object', `${path} is an object`);
  const got = value as Record<string, unknown>;
  const extra = options.allowExtra ? [] : Object.keys(got).filter((k) => !(k in sample));
  const missing = Object.keys(sample).filter((k) => !(k in got) && !optional.includes(k));
  assert.deepEqual({ extra, missing }, { extra: [], missing: [] }, `${path}: keys as in the sample`);
  for (const [key, expected] of Object.entries(sample)) {
    if (!(key in got)) continue;
    const actual = got[key];
    const where = `${path}.${key}`;
    if (expected === null || typeof expected === 'string') {
      assert.ok(
        actual === null || typeof actual === 'string',
        `${where}: string or null, got ${kind(actual)}`,
      );
    } else if (kind(expected) === 'object' && key !== 'customData') {
      assertLikeSample(actual, expected as Record<string, unknown>, where, {
        allowExtra: options.allowExtra ?? false,
      });
    } else {
      assert.equal(kind(actual), kind(expected), `${where}: ${kind(expected)}`);
    }
  }
}
