// What every seed 002 reply must look like, checked once: `{"ok": 1}` or
// `{"ok": 1, "data": …}`, the user object with exactly the samples' keys, and
// the refusal `{"ok": 0, "error": {code, message, errors}}` with a 4xx; never
// problem+json, never a 5xx.
import assert from 'node:assert/strict';
import type { Reply } from '../../helpers/client.ts';
import type { Json } from '../../helpers/factories.ts';

/** The user object's keys, in the samples' order (GET /user/me's spelling). */
export const USER_KEYS = [
  '_id',
  'firstName',
  'middleName',
  'lastName',
  'gender',
  'username',
  'role',
  'bio',
  'designation',
  'profilePictureUrl',
  'pronouns',
  'verified',
  'verifiedDate',
  'customLink',
  'followingCount',
  'followerCount',
  'isPrivate',
  'isSubscribed',
  'subscriptionTier',
  'subscriptionExpiry',
  'isBanned',
  'isRestricted',
  'email',
  'phone',
  'customData',
];

/** The login and 2FA samples' user: the same keys, `varifiedDate` (their spelling) after `verifiedDate`. */
export const SIGNED_IN_USER_KEYS = USER_KEYS.flatMap((k) =>
  k === 'verifiedDate' ? [k, 'varifiedDate'] : [k],
);

/** A new account's identity, subscription and standing keys: nothing set, nothing running, no flag. */
export const NEW_ACCOUNT_FIELDS: Record<string, unknown> = {
  middleName: null,
  gender: null,
  designation: null,
  customLink: null,
  isSubscribed: false,
  subscriptionTier: null,
  subscriptionExpiry: null,
  isBanned: false,
  isRestricted: false,
};

export const CREATE_SAMPLE = {
  username: 'john_doe',
  firstName: 'John',
  lastName: 'Doe',
  phoneCountryCode: '+00',
  phone: '0000000000',
  email: 'user@example.com',
  password: '$uper&ecurePassw0rd',
};

export const LOGIN_SAMPLE = {
  username: 'john_doe',
  email: 'user@example.com',
  password: '$uper&ecurePassw0rd',
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};

const assertJson = (res: Reply) =>
  assert.match(String(res.headers['content-type']), /^application\/json/, 'plain JSON, never problem+json');

/** A 200 `{"ok": 1}`. */
export function ok(res: Reply): void {
  assert.equal(res.statusCode, 200, res.body);
  assertJson(res);
  assert.deepEqual(res.json(), { ok: 1 });
}

/** A 200 `{"ok": 1, "data": …}`; returns data. */
export function dataOf(res: Reply): Json {
  assert.equal(res.statusCode, 200, res.body);
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['ok', 'data']);
  assert.equal(body.ok, 1);
  return body.data;
}

/** A refusal with this status (and code); returns its error. */
export function refused(res: Reply, status: number, code?: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.ok(status >= 400 && status < 500, 'a refusal is a 4xx');
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['ok', 'error']);
  assert.equal(body.ok, 0);
  assert.deepEqual(Object.keys(body.error), ['code', 'message', 'errors']);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.ok(Array.isArray(body.error.errors));
  if (code) assert.equal(body.error.code, code, body.error.message);
  return body.error;
}

/** A refusal of any 4xx status; returns its error. */
export const anyRefusal = (res: Reply): Json => refused(res, res.statusCode);

/** The `roster_session` cookie a reply sets, with its attributes; null when none. */
export function sessionCookieOf(res: Reply): { value: string; attributes: string } | null {
  const lines = [res.headers['set-cookie'] ?? []].flat().map(String);
  const line = lines.find((l) => l.startsWith('roster_session='));
  if (!line) return null;
  const [pair, ...rest] = line.split(';');
  return { value: pair!.slice('roster_session='.length), attributes: rest.join(';') };
}

/** The request header that sends the cookie back. */
export const withCookie = (value: string, extra: Record<string, string> = {}) => ({
  cookie: `roster_session=${value}`,
  ...extra,
});
