// Seed 003 (`/v1/account*`) as its document shows it: every request and
// response sample, the envelope on every reply (refusals included), the
// account object's every key from real domain data, numbered directory pages
// with bookmarks, 2FA by email and by authenticator app (on and off with a
// code, within minutes of a sign-in), sign-out and deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type Json, makeAdmin, type SignedUpAccount, session } from '../helpers/factories.ts';
import { codeOf, type Flow, startFlow } from '../helpers/flow.ts';

const SAMPLE_UPDATE = {
  firstName: 'Alice',
  lastName: 'Bob',
  profile: {
    contact: {
      country: 'England',
      state: 'Manchester',
      city: 'Manchester',
      address: '30, alice bob blvd.',
      phone: '+4412345678987',
    },
    bio: { title: 'Software Engineer', description: 'Builds software Products' },
    talent: {
      about: 'About this user?. User is the best developer in the solar system',
      availability: 'available',
      tags: ['product', 'writing', 'custom', 'engineering', 'devops', 'web3', 'crypto'],
    },
  },
  socials: {
    github: 'https://github.com/tester',
    twitter: 'https://twitter.com/tester',
    linkedin: 'https://linkedin.com/tester',
    website: 'https://mywebsite.com',
  },
};

/** The keys of the sample's account object (GET /v1/account), in its order. */
const ACCOUNT_KEYS = [
  '_id',
  'firstName',
  'lastName',
  'email',
  'emailVerified',
  'role',
  'type',
  'profile',
  'isPrivate',
  'walletGenerated',
  'score',
  'twoFa',
  'profileCompleteness',
  'socket',
  'loggedInAt',
  'isUserNameUpdated',
  'referralCode',
  'web3Onboard',
  'accountType',
  'createdAt',
  'userName',
  'emailVerifiedAt',
  'socials',
  'achievements',
  'isVerified',
  'kyc',
  'kycStatus',
];
const OTHER_USER_KEYS = [
  '_id',
  'firstName',
  'lastName',
  'role',
  'type',
  'profile',
  'isPrivate',
  'score',
  'profileCompleteness',
  'socket',
  'achievements',
  'kyc',
  'kycStatus',
];
const LISTED_KEYS = [
  '_id',
  'firstName',
  'lastName',
  'role',
  'type',
  'profile',
  'isPrivate',
  'score',
  'profileCompleteness',
  'socket',
  'createdAt',
  'updatedAt',
  'achievements',
  'isBookmarked',
  'bookmarkId',
];
const TAG_KEYS = [
  '_id',
  'name',
  'key',
  'color',
  'categories',
  'isParent',
  'type',
  'entryCount',
  'createdAt',
  'updatedAt',
  '__v',
];
const ACHIEVEMENT_KEYS = ['_id', 'owner', 'type', 'total', 'value', 'createdAt', 'updatedAt', '__v'];

/** Asserts the seed's success envelope with this status and message; returns `data`. */
function success(res: Reply, status: number, message: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['status', 'message', 'data']);
  assert.equal(body.status, 'success');
  assert.equal(body.message, message);
  return body.data;
}

/** Asserts the seed's refusal envelope; returns the body. */
function refused(res: Reply, status: number, code?: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/, 'never problem+json here');
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['status', 'message', 'data']);
  assert.equal(body.status, 'error');
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.data.errors));
  if (code) assert.equal(body.data.code, code, body.message);
  return body;
}

describe(`seed 003 surface (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let flow: Flow;
  let admin: SignedUpAccount;
  before(async () => {
    flow = await startFlow({
      clock,
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_ROLES: 'partner',
        ROSTER_ACCOUNT_TYPES: 'recipient',
        ROSTER_DEFAULT_ACCOUNT_TYPE: 'recipient',
        ROSTER_ACHIEVEMENTS: 'five-star:20,referral:10,review:60,squad:10',
        ROSTER_RATE_LIMIT_USER_FACTOR: '0',
      },
    });
    admin = await account(flow.t, { label: 'admin' });
    await makeAdmin(flow.t, admin.id);
  });
  after(() => flow.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token?: string,
    body?: unknown,
  ) => request(flow.t, method, url, { token, body });

  describe('GET /v1/account and PATCH /v1/account/update', () => {
    it('answers the update sample with 202 and the account object, every key from the domain', async () => {
      const me = await account(flow.t, { username: `alice_${Date.now() % 100000}` });
      const data = success(
        await call('PATCH', '/v1/account/update', me.token, SAMPLE_UPDATE),
        202,
        'Profile updated successfully',
      );
      assert.deepEqual(Object.keys(data), ACCOUNT_KEYS);
      assert.equal(data._id, me.id);
      assert.equal(data.firstName, 'Alice');
      assert.equal(data.lastName, 'Bob');
      assert.equal(data.email, me.email);
      assert.equal(data.emailVerified, true);
      assert.equal(data.role, 'user');
      assert.equal(data.type, 'recipient');
      assert.deepEqual(data.profile.contact, SAMPLE_UPDATE.profile.contact);
      assert.deepEqual(data.profile.bio, SAMPLE_UPDATE.profile.bio);
      assert.equal(data.profile.talent.about, SAMPLE_UPDATE.profile.talent.about);
      assert.equal(data.profile.talent.availability, 'available');
      assert.deepEqual(data.profile.talent.tags, SAMPLE_UPDATE.profile.talent.tags);
      assert.equal(data.profile.talent.tagsIds.length, 7);
      for (const [i, tag] of data.profile.talent.tagsIds.entries()) {
        assert.deepEqual(Object.keys(tag), TAG_KEYS);
        assert.equal(tag.name, SAMPLE_UPDATE.profile.talent.tags[i]);
        assert.equal(tag.key, tag.name);
        assert.match(tag.color, /^#[0-9A-Fa-f]{6}$/);
        assert.ok(tag.entryCount >= 1);
        assert.deepEqual([tag.categories, tag.isParent, tag.type, tag.__v], [[], false, '', 0]);
      }
      assert.deepEqual(data.socials, SAMPLE_UPDATE.socials);
      assert.deepEqual(
        [data.isPrivate, data.walletGenerated, data.score, data.web3Onboard, data.accountType],
        [false, false, 0, false, 'email'],
      );
      assert.deepEqual(data.twoFa, { type: 'undefined', status: false, securityQuestion: 'undefined' });
      assert.ok(data.profileCompleteness > 50 && data.profileCompleteness <= 100);
      assert.deepEqual(data.socket, { status: 'ONLINE' });
      assert.equal(data.loggedInAt, clock.now().toISOString());
      assert.equal(data.isUserNameUpdated, true);
      assert.equal(data.userName, me.username);
      assert.match(data.referralCode, /^[A-Z0-9-]{4,}$/);
      assert.equal(typeof data.emailVerifiedAt, 'string');
      assert.deepEqual(
        data.achievements.map((a: Json) => [a.type, a.total, a.value, a.owner]),
        [
          ['five-star', '20', '0', me.id],
          ['referral', '10', '0', me.id],
          ['review', '60', '0', me.id],
          ['squad', '10', '0', me.id],
        ],
      );
      for (const a of data.achievements) assert.deepEqual(Object.keys(a), ACHIEVEMENT_KEYS);
      assert.deepEqual([data.isVerified, data.kyc, data.kycStatus], [true, false, null]);
      // GET answers the same object.
      const got = success(await call('GET', '/v1/account', me.token), 200, 'OK');
      assert.deepEqual(got, data);
    });

    it('keeps siblings on a partial update, clears with null, and shows standing set by staff', async () => {
      const me = await account(flow.t);
      await call('PATCH', '/v1/account/update', me.token, SAMPLE_UPDATE);
      const data = success(
        await call('PATCH', '/v1/account/update', me.token, {
          profile: { contact: { city: 'Leeds' }, bio: { description: null } },
          unknownField: 'ignored',
        }),
        202,
        'Profile updated successfully',
      );
      assert.deepEqual(data.profile.contact, { ...SAMPLE_UPDATE.profile.contact, city: 'Leeds' });
      assert.deepEqual(data.profile.bio, { title: 'Software Engineer', description: null });
      assert.equal(data.firstName, 'Alice');
      assert.deepEqual(data.profile.talent.tags, SAMPLE_UPDATE.profile.talent.tags);
      // Staff set the role, the score and the identity check; the account shows them.
      await call('PATCH', `/v1/admin/users/${me.id}/standing`, admin.token, {
        role: 'partner',
        verification: 'pending',
      });
      await call('POST', `/v1/admin/users/${me.id}/score`, admin.token, { add: 7 });
      const after = success(await call('GET', '/v1/account', me.token), 200, 'OK');
      assert.deepEqual(
        [after.role, after.score, after.kyc, after.kycStatus],
        ['partner', 7, false, 'pending'],
      );
    });

    it('refuses what the document rules out, changing nothing', async () => {
      const me = await account(flow.t);
      await call('PATCH', '/v1/account/update', me.token, SAMPLE_UPDATE);
      const cases: [Json, string][] = [
        [{ profile: { contact: { phone: '07700 900123' } } }, 'profile.contact.phone'],
        [{ socials: { github: 'https://gitlab.com/tester' } }, 'socials.github'],
        [{ socials: { linkedin: 'https://linkedin.evil.com/tester' } }, 'socials.linkedin'],
        [{ socials: { website: 'javascript:alert(1)' } }, 'socials.website'],
        [{ profile: { talent: { availability: 'sometimes' } } }, 'profile.talent.availability'],
        [{ firstName: 'x'.repeat(101) }, 'firstName'],
        [{ profile: { bio: { description: 'x'.repeat(501) } } }, 'profile.bio.description'],
        [{ email: 'someone-else@example.com' }, 'email'],
      ];
      for (const [body, field] of cases) {
        const res = refused(
          await call('PATCH', '/v1/account/update', me.token, body),
          422,
          'validation_failed',
        );
        assert.ok(
          res.data.errors.some((e: Json) => e.field === field),
          `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.data.errors)}`,
        );
      }
      // The same address again is no change.
      success(
        await call('PATCH', '/v1/account/update', me.token, { email: me.email.toUpperCase() }),
        202,
        'Profile updated successfully',
      );
      const data = success(await call('GET', '/v1/account', me.token), 200, 'OK');
      assert.deepEqual(data.profile.contact, SAMPLE_UPDATE.profile.contact);
      assert.deepEqual(data.socials, SAMPLE_UPDATE.socials);
      assert.equal(data.email, me.email);
      refused(await call('GET', '/v1/account'), 401, 'unauthenticated');
      refused(await call('GET', '/v1/account', 'not-a-token'), 401);
    });
  });

  describe('GET /v1/account/user/{id}', () => {
    it('answers the sample’s keys, nothing private, and 404 across a block', async () => {
      const other = await account(flow.t);
      await call('PATCH', '/v1/account/update', other.token, SAMPLE_UPDATE);
      const me = await account(flow.t);
      const data = success(await call('GET', `/v1/account/user/${other.id}`, me.token), 200, 'OK');
      assert.deepEqual(Object.keys(data), OTHER_USER_KEYS);
      assert.deepEqual(Object.keys(data.profile), ['talent', 'verified']);
      assert.deepEqual(Object.keys(data.profile.talent), ['tags', 'tagsIds', 'availability']);
      assert.equal(data.firstName, 'Alice');
      assert.deepEqual(data.profile.talent.tags, SAMPLE_UPDATE.profile.talent.tags);
      assert.deepEqual([data.kyc, data.kycStatus, data.profile.verified], [false, null, false]);
      assert.equal(data.achievements.length, 4);
      assert.ok(!JSON.stringify(data).includes(other.email), 'no email');
      assert.ok(!JSON.stringify(data).includes('+4412345678987'), 'no phone');
      assert.equal(data.socket.status, 'ONLINE');
      await call('POST', `/v1/users/${me.id}/block`, other.token);
      refused(await call('GET', `/v1/account/user/${other.id}`, me.token), 404, 'user_not_found');
      refused(await call('GET', '/v1/account/user/not-an-id', me.token), 422, 'validation_failed');
      refused(await call('GET', '/v1/account/user/01a23555-ec71-7108-ad72-6a4af40f1c00', me.token), 404);
    });
  });

  describe('GET /v1/account/user', () => {
    it('answers the sample’s page shape with exact totals, filters and the caller’s bookmarks', async () => {
      const word = `zq${Date.now().toString(36)}`;
      const members: SignedUpAccount[] = [];
      for (let i = 0; i < 5; i++) {
        const m = await account(flow.t);
        await call('PATCH', '/v1/account/update', m.token, {
          ...SAMPLE_UPDATE,
          firstName: `${word}${i}`,
          profile: { ...SAMPLE_UPDATE.profile, talent: { tags: i < 2 ? ['ui design', 'figma'] : ['rust'] } },
        });
        members.push(m);
      }
      await call('PATCH', `/v1/admin/users/${members[4]!.id}/standing`, admin.token, { role: 'partner' });
      const me = await account(flow.t);
      assert.equal((await call('PUT', `/v1/me/bookmarks/${members[1]!.id}`, me.token)).statusCode, 204);
      const list = (query: string) => call('GET', `/v1/account/user?search=${word}&${query}`, me.token);

      const data = success(await list('limit=2&page=2'), 200, 'OK');
      assert.deepEqual(Object.keys(data), ['pages', 'page', 'total', 'limit', 'position', 'data']);
      assert.deepEqual([data.pages, data.page, data.total, data.limit, data.position], [3, 2, 5, 2, 3]);
      assert.deepEqual(
        data.data.map((u: Json) => u._id),
        [members[2]!.id, members[3]!.id],
      );
      for (const u of data.data) {
        assert.deepEqual(Object.keys(u), LISTED_KEYS);
        assert.deepEqual(u.profile.contact, {
          country: null,
          state: null,
          city: null,
          address: null,
          phone: null,
        });
        assert.equal(u.profile.bio.title, 'Software Engineer');
        assert.equal(u.achievements.length, 4);
      }
      const first = success(await list('limit=2'), 200, 'OK');
      assert.deepEqual(
        first.data.map((u: Json) => [u.isBookmarked, u.bookmarkId !== '']),
        [
          [false, false],
          [true, true],
        ],
      );
      // Filters, exact totals.
      assert.equal(success(await list('tags=ui design,figma'), 200, 'OK').total, 2);
      assert.equal(success(await list('tags=rust&role=partner'), 200, 'OK').total, 1);
      assert.equal(success(await list('role=user'), 200, 'OK').total, 4);
      refused(await list('profileCompletenessMin=101'), 422, 'validation_failed');
      refused(await list('limit=0'), 422, 'validation_failed');
      refused(await list('role=wizard'), 422, 'validation_failed');
      refused(await list('page=1001&limit=10'), 422, 'validation_failed');
    });

    it('narrows to the accounts the caller brought in with owner=true', async () => {
      const host = await account(flow.t);
      const { code } = (await call('GET', '/v1/me/referrals', host.token)).json();
      const referred = await account(flow.t, { fields: { referralCode: code } });
      const data = success(await call('GET', '/v1/account/user?owner=true', host.token), 200, 'OK');
      assert.deepEqual([data.total, data.data.map((u: Json) => u._id)], [1, [referred.id]]);
    });
  });

  describe('PUT /v1/account/password/change', () => {
    it('answers the sample with 202; the old password stops working and other sessions end', async () => {
      const me = await account(flow.t, { password: '1234@Abcde-lantern' });
      const other = await session(flow.t, me.email, '1234@Abcde-lantern');
      const body = { oldPassword: '1234@Abcde-lantern', newPassword: '1234567890@Abcde-orbit' };
      assert.deepEqual(
        success(
          await call('PUT', '/v1/account/password/change', me.token, body),
          202,
          'Password successfully changed',
        ),
        {},
      );
      assert.equal((await call('GET', '/v1/me', other.accessToken)).statusCode, 401);
      await session(flow.t, me.email, body.newPassword);
      refused(await call('PUT', '/v1/account/password/change', me.token, body), 403, 'invalid_password');
      const weak = refused(
        await call('PUT', '/v1/account/password/change', me.token, {
          oldPassword: body.newPassword,
          newPassword: 'short',
        }),
        422,
      );
      assert.ok(
        weak.data.errors.some((e: Json) => e.field === 'newPassword'),
        JSON.stringify(weak),
      );
      refused(
        await call('PUT', '/v1/account/password/change', me.token, { oldPassword: body.newPassword }),
        422,
      );
    });
  });

  describe('two-factor authentication', () => {
    const mailedCode = async (to: string) => codeOf(await flow.takeMail(to, /code/i));

    it('email: initiate (202), activate with the mailed code, then off with a code sent by 2fa/email', async () => {
      const me = await account(flow.t);
      const started = success(
        await call('POST', '/v1/account/initiate/2fa', me.token, { type: 'email' }),
        202,
        'TwoFA security is initiated',
      );
      assert.deepEqual(started, { type: 'email' });
      const code = await mailedCode(me.email);
      refused(
        await call('POST', '/v1/account/activate/2fa', me.token, {
          code: code === '000000' ? '111111' : '000000',
        }),
        422,
      );
      const activated = success(
        await call('POST', '/v1/account/activate/2fa', me.token, { code }),
        200,
        'OK',
      );
      assert.equal(activated.recoveryCodes.length, 10);
      const on = success(await call('GET', '/v1/account', me.token), 200, 'OK');
      assert.deepEqual(on.twoFa, { type: 'email', status: true, securityQuestion: 'undefined' });
      refused(
        await call('POST', '/v1/account/initiate/2fa', me.token, { type: 'email' }),
        409,
        'mfa_already_enabled',
      );
      // The 2FA mail, with the password.
      refused(
        await call('POST', '/v1/account/2fa/email?emailType=two_fa', me.token, {
          password: 'wrong password here',
        }),
        403,
        'invalid_password',
      );
      assert.deepEqual(
        success(
          await call('POST', '/v1/account/2fa/email?emailType=two_fa', me.token, { password: me.password }),
          200,
          'Success',
        ),
        {},
      );
      const offCode = await mailedCode(me.email);
      success(await call('POST', '/v1/account/deactivate/2fa', me.token, { code: offCode }), 200, 'OK');
      const off = success(await call('GET', '/v1/account', me.token), 200, 'OK');
      assert.deepEqual(off.twoFa, { type: 'undefined', status: false, securityQuestion: 'undefined' });
      refused(
        await call('POST', '/v1/account/2fa/email?emailType=other', me.token, { password: me.password }),
        422,
      );
    });

    it('google_auth: initiate returns the secret, the app’s code turns it on and off', async () => {
      const me = await account(flow.t);
      const started = success(
        await call('POST', '/v1/account/initiate/2fa', me.token, { type: 'google_auth' }),
        202,
        'TwoFA security is initiated',
      );
      assert.equal(started.type, 'google_auth');
      assert.match(started.otpauthUrl, /^otpauth:\/\/totp\//);
      success(
        await call('POST', '/v1/account/activate/2fa', me.token, {
          code: totpCodeAt(started.secret, clock.now()),
        }),
        200,
        'OK',
      );
      assert.equal(success(await call('GET', '/v1/account', me.token), 200, 'OK').twoFa.type, 'google_auth');
      await clock.tick(30_000);
      success(
        await call('POST', '/v1/account/deactivate/2fa', me.token, {
          code: totpCodeAt(started.secret, clock.now()),
        }),
        200,
        'OK',
      );
      assert.equal(success(await call('GET', '/v1/account', me.token), 200, 'OK').twoFa.status, false);
    });

    it('needs a sign-in within the last minutes, and an initiated factor to activate', async () => {
      const me = await account(flow.t);
      refused(
        await call('POST', '/v1/account/activate/2fa', me.token, { code: '123456' }),
        409,
        'mfa_not_pending',
      );
      refused(await call('POST', '/v1/account/deactivate/2fa', me.token, { code: '123456' }), 422);
      refused(
        await call('POST', '/v1/account/initiate/2fa', me.token, { type: 'sms' }),
        422,
        'validation_failed',
      );
      refused(
        await call('POST', '/v1/account/activate/2fa', me.token, { code: '12345' }),
        422,
        'validation_failed',
      );
      const started = success(
        await call('POST', '/v1/account/initiate/2fa', me.token, { type: 'google_auth' }),
        202,
        'TwoFA security is initiated',
      );
      await clock.tick(5 * 60_000 + 1_000);
      const late = refused(
        await call('POST', '/v1/account/activate/2fa', me.token, {
          code: totpCodeAt(started.secret, clock.now()),
        }),
        403,
        'reauthentication_required',
      );
      assert.match(late.message, /[Ss]ign in again/);
      assert.equal(success(await call('GET', '/v1/account', me.token), 200, 'OK').twoFa.status, false);
    });
  });

  describe('POST /v1/account/logout and /delete-account', () => {
    it('logout ends this session only', async () => {
      const me = await account(flow.t);
      const other = await session(flow.t, me.email);
      assert.deepEqual(success(await call('POST', '/v1/account/logout', me.token), 200, 'OK'), {});
      refused(await call('GET', '/v1/account', me.token), 401);
      success(await call('GET', '/v1/account', other.accessToken), 200, 'OK');
    });

    it('deletes the account with its password', async () => {
      const me = await account(flow.t);
      refused(
        await call('POST', '/v1/account/delete-account', me.token, { password: 'not the password' }),
        403,
        'invalid_password',
      );
      refused(await call('POST', '/v1/account/delete-account', me.token, {}), 422, 'validation_failed');
      assert.deepEqual(
        success(
          await call('POST', '/v1/account/delete-account', me.token, { password: me.password }),
          200,
          'success',
        ),
        {},
      );
      refused(await call('GET', '/v1/account', me.token), 401);
      const viewer = await account(flow.t);
      refused(await call('GET', `/v1/account/user/${me.id}`, viewer.token), 404);
    });
  });

  describe('the surface', () => {
    it('answers unknown paths and methods in its own envelope; the native API keeps problem+json', async () => {
      const me = await account(flow.t);
      refused(await call('GET', '/v1/account/unknown', me.token), 404, 'not_found');
      refused(await call('DELETE', '/v1/account', me.token), 404, 'not_found');
      const native = await call('GET', '/v1/accounts/nothing', me.token);
      assert.match(String(native.headers['content-type']), /^application\/problem\+json/);
      const key = (await createApiKeys({ db: flow.t.db.database.db, clock }).create('svc', ['users:read']))
        .key;
      refused(
        await request(flow.t, 'GET', '/v1/account', { headers: { 'x-api-key': key } }),
        403,
        'forbidden',
      );
    });

    it('lists every route under its tag in the OpenAPI document', async () => {
      const doc = (await call('GET', '/openapi.json')).json();
      const routes = [
        ['get', '/v1/account'],
        ['patch', '/v1/account/update'],
        ['put', '/v1/account/password/change'],
        ['get', '/v1/account/user/{id}'],
        ['get', '/v1/account/user'],
        ['post', '/v1/account/initiate/2fa'],
        ['post', '/v1/account/activate/2fa'],
        ['post', '/v1/account/deactivate/2fa'],
        ['post', '/v1/account/2fa/email'],
        ['post', '/v1/account/logout'],
        ['post', '/v1/account/delete-account'],
      ];
      for (const [method, path] of routes) {
        const op = doc.paths[path!]?.[method!];
        assert.ok(op, `${method} ${path} is documented`);
        assert.deepEqual(op.tags, ['seed 003']);
        assert.ok(op.responses['4XX'], `${path}: the refusal shape`);
      }
    });
  });
});
