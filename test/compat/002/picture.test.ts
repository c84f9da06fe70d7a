// Seed 002's PATCH /user/profile-picture: one PNG as multipart, in the
// table's `profilePicture` field or the sample's `profile-picture`, becomes
// the avatar, and `signedUrl` is its URL (GET /user/me's profilePictureUrl).
// Another format, another field, two files or no multipart body is a 4xx that
// keeps the picture; a token without delegated:profile:write is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account } from '../../helpers/factories.ts';
import { jpeg, png, svg } from '../../helpers/images.ts';
import { anyRefusal, dataOf, refused } from './seed-002.ts';

type Part = { field: string; bytes: Buffer; filename?: string; type?: string };

describe(`seed 002 PATCH /user/profile-picture (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const upload = (token: string, parts: Part[]) => {
    const boundary = `----roster${randomBytes(6).toString('hex')}`;
    const body = Buffer.concat([
      ...parts.flatMap((p) => [
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename ?? 'me.png'}"\r\nContent-Type: ${p.type ?? 'image/png'}\r\n\r\n`,
        ),
        p.bytes,
        Buffer.from('\r\n'),
      ]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    return request(t, 'PATCH', '/user/profile-picture', {
      token,
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  };
  const pictureOf = async (token: string) =>
    dataOf(await request(t, 'GET', '/user/me', { token })).user[0].profilePictureUrl;

  it('takes a PNG in either field name and answers the sample’s shape; the URL is the new picture', async () => {
    const me = await account(t, { label: 'seed2-picture' });
    assert.equal(await pictureOf(me.token), null);
    const seen: string[] = [];
    for (const field of ['profilePicture', 'profile-picture']) {
      const data = dataOf(await upload(me.token, [{ field, bytes: await png(300, 500) }]));
      assert.deepEqual(Object.keys(data), ['signedUrl']);
      assert.match(data.signedUrl, /^http:\/\/roster\.test\/media\/.+\.webp$/);
      assert.equal(await pictureOf(me.token), data.signedUrl);
      seen.push(data.signedUrl);
    }
    assert.notEqual(seen[0], seen[1], 'every upload gets a new URL');
  });

  it('refuses another format, another field, two files and other bodies, keeping the picture', async () => {
    const me = await account(t);
    const first = dataOf(await upload(me.token, [{ field: 'profilePicture', bytes: await png() }])).signedUrl;
    refused(
      await upload(me.token, [{ field: 'profilePicture', bytes: await jpeg(), type: 'image/png' }]),
      415,
      'unsupported_image_type',
    );
    refused(await upload(me.token, [{ field: 'profilePicture', bytes: svg(), type: 'image/svg+xml' }]), 415);
    refused(await upload(me.token, [{ field: 'file', bytes: await png() }]), 422, 'upload_file_count');
    refused(
      await upload(me.token, [
        { field: 'profilePicture', bytes: await png() },
        { field: 'profile-picture', bytes: await png() },
      ]),
      422,
      'upload_file_count',
    );
    refused(
      await upload(me.token, [{ field: 'profilePicture', bytes: Buffer.from('not an image') }]),
      415,
      'unsupported_image_type',
    );
    refused(
      await request(t, 'PATCH', '/user/profile-picture', { token: me.token, body: { profilePicture: 'x' } }),
      415,
    );
    anyRefusal(await request(t, 'PATCH', '/user/profile-picture', { token: me.token }));
    assert.equal(await pictureOf(me.token), first);
    refused(await upload('not-a-token', [{ field: 'profilePicture', bytes: await png() }]), 401);
  });
});
