// What every seed 001 reply must look like, checked once: the profile object
// with exactly its keys, FastAPI's 422 `HTTPValidationError`, and its
// `{"detail": "…"}` for every other refusal; never problem+json.
import assert from 'node:assert/strict';
import type { Reply } from '../../helpers/client.ts';
import type { Json } from '../../helpers/factories.ts';

/** The profile object's keys, in order (docs/compat/001.md). */
export const PROFILE_KEYS = [
  'id',
  'email',
  'email_verified',
  'username',
  'first_name',
  'last_name',
  'display_name',
  'phone',
  'phone_verified',
  'locale',
  'timezone',
  'avatar_url',
  'created_at',
  'updated_at',
];

/** The six fields of the seed's UpdateProfileRequest, each set. */
export const UPDATE_SAMPLE = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  display_name: 'Countess of Lovelace',
  phone: '+14155552671',
  locale: 'en-GB',
  timezone: 'Europe/London',
};

const assertJson = (res: Reply) =>
  assert.match(String(res.headers['content-type']), /^application\/json/, 'plain JSON, never problem+json');

/** A 200 with the profile object; returns it. */
export function profileOf(res: Reply): Json {
  assert.equal(res.statusCode, 200, res.body);
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), PROFILE_KEYS);
  return body;
}

/** A 200 with `{"message": …}`; returns the message. */
export function messageOf(res: Reply): string {
  assert.equal(res.statusCode, 200, res.body);
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['message']);
  assert.equal(typeof body.message, 'string');
  return body.message;
}

export interface Item {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A 422 HTTPValidationError; returns its items, each `{loc, msg, type}`. */
export function validationItems(res: Reply): Item[] {
  assert.equal(res.statusCode, 422, res.body);
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['detail']);
  assert.ok(Array.isArray(body.detail) && body.detail.length > 0, res.body);
  for (const item of body.detail) {
    assert.deepEqual(Object.keys(item), ['loc', 'msg', 'type']);
    assert.ok(Array.isArray(item.loc) && item.loc.length > 0);
    assert.ok(item.loc.every((p: unknown) => typeof p === 'string' || Number.isInteger(p)));
    assert.equal(typeof item.msg, 'string');
    assert.match(item.type, /^[a-z_]+$/);
  }
  return body.detail;
}

/** The `loc` of each item, dotted (`body.locale`). */
export const locs = (items: Item[]) => items.map((i) => i.loc.join('.'));

/** A refusal `{"detail": "<text>"}` with this status; returns the text. */
export function refusal(res: Reply, status: number): string {
  assert.equal(res.statusCode, status, res.body);
  assertJson(res);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['detail']);
  assert.equal(typeof body.detail, 'string');
  return body.detail;
}

/** FastAPI's 401: `WWW-Authenticate: Bearer…` and its own words. */
export function unauthorized(res: Reply, detail = 'Not authenticated'): void {
  assert.equal(refusal(res, 401), detail);
  assert.match(String(res.headers['www-authenticate']), /^Bearer\b/);
}
