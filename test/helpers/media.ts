// A direct upload through the API, as a client makes one: the signed URL,
// then the bytes PUT to it (Roster's own URL, so the filesystem driver).
import assert from 'node:assert/strict';
import type { TestApp } from './build-test-app.ts';
import { request } from './client.ts';

export interface Uploaded {
  readonly uploadKey: string;
  /** The object's key in the store. */
  readonly key: string;
}

export async function directUpload(
  t: Pick<TestApp, 'app'>,
  bytes: Buffer,
  options: { token?: string; purpose?: 'avatar' | 'signup-avatar' } = {},
): Promise<Uploaded> {
  const ticket = await request(t, 'POST', '/v1/media/uploads', {
    ...(options.token ? { token: options.token } : {}),
    body: { contentType: 'image/png', size: bytes.length, purpose: options.purpose ?? 'avatar' },
  });
  assert.equal(ticket.statusCode, 201, ticket.body);
  const url = new URL(ticket.json().uploadUrl);
  const put = await t.app.inject({
    method: 'PUT',
    url: url.pathname + url.search,
    headers: ticket.json().headers,
    payload: bytes,
  });
  assert.equal(put.statusCode, 204, put.body);
  return { uploadKey: ticket.json().uploadKey, key: ticket.json().key };
}

/** PUT /v1/me/avatar with the image as the raw body, whatever the answer. */
export const putAvatar = (t: Pick<TestApp, 'app'>, token: string, bytes: Buffer, type = 'image/png') =>
  request(t, 'PUT', '/v1/me/avatar', { token, body: bytes, headers: { 'content-type': type } });
