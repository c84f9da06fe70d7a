// Unverified sign-ups and what others can learn from them. A sign-up for a
// taken address holds its username exactly as one for a new address does, so
// a second sign-up with that username cannot tell the two apart; a username is
// taken alike whoever holds it (verified, unverified, or the placeholder of a
// sign-up for a taken address), at sign-up and in PATCH /v1/me; and every
// unverified sign-up goes after ROSTER_UNVERIFIED_TTL, with what it brought.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PURGE_BATCH } from '../../src/modules/accounts/unverified-purge.ts';
import { replaceUserTags } from '../../src/modules/profiles/tags.repository.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  codeOf,
  type Flow,
  type FlowReply,
  freshEmail,
  freshPassword,
  freshUsername,
  SUBJECT,
  startFlow,
} from '../helpers/flow.ts';
import { purgerFor } from '../helpers/second-identity.ts';

const TTL_MS = 7 * 24 * 3600 * 1000; // ROSTER_UNVERIFIED_TTL's default
const MINUTE = 60_000;

/** What a caller can compare between two replies: status and body without the request id. */
const observable = (reply: FlowReply) => {
  const body = typeof reply.body === 'object' ? { ...reply.body } : reply.body;
  if (typeof body === 'object') delete body.requestId;
  return { status: reply.status, body };
};

describe(`unverified sign-ups hold a username like any other (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let flow: Flow;
  let purge: () => Promise<number>;
  before(async () => {
    flow = await startFlow({ clock });
    purge = purgerFor(flow, clock);
  });
  after(() => flow.close());

  /** A sign-up whatever its answer. */
  const trySignUp = (email: string, username?: string) =>
    flow.call('POST', '/v1/accounts', {
      body: { email, password: freshPassword(), ...(username ? { username } : {}) },
    });

  it('a second sign-up with the username answers the same whether the first one had a taken address', async () => {
    const owner = await flow.verifiedAccount();
    const replies: Record<string, unknown>[] = [];
    for (const email of [owner.email, freshEmail('new')]) {
      const username = freshUsername();
      const first = await trySignUp(email, username);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      replies.push(observable(await trySignUp(freshEmail('probe'), username)));
    }
    assert.deepEqual(replies[0], replies[1]);
    assert.equal((replies[0] as { status: number }).status, 409);
  });

  it('a held username is the same 409 at sign-up for any holder, with a new or a taken address', async () => {
    const verified = await flow.verifiedAccount({ username: true });
    const unverified = freshUsername();
    assert.equal((await trySignUp(freshEmail('pending'), unverified)).status, 201);
    const placeholder = freshUsername();
    assert.equal((await trySignUp(verified.email, placeholder)).status, 201);

    const replies = [];
    for (const username of [verified.username!, unverified, placeholder]) {
      for (const email of [freshEmail('again'), verified.email]) {
        replies.push(observable(await trySignUp(email, username)));
      }
    }
    for (const reply of replies) assert.deepEqual(reply, replies[0]);
    assert.equal(replies[0]!.body.code, 'username_taken');
  });

  it('PATCH /v1/me: names held by unverified sign-ups are a 409 like any other, and free after the purge', async () => {
    const verified = await flow.verifiedAccount({ username: true });
    const unverified = freshUsername();
    assert.equal((await trySignUp(freshEmail('pending'), unverified)).status, 201);
    const placeholder = freshUsername();
    assert.equal((await trySignUp(verified.email, placeholder)).status, 201);
    const me = await flow.verifiedAccount();
    const rename = async (username: string) => {
      const { accessToken } = await flow.login(me.email, me.password);
      return flow.call('PATCH', '/v1/me', { token: accessToken, body: { username } });
    };

    const replies = [];
    for (const name of [verified.username!, unverified, placeholder])
      replies.push(observable(await rename(name)));
    for (const reply of replies) assert.deepEqual(reply, replies[0]);
    assert.equal(replies[0]!.status, 409);

    // Moving past the TTL runs the server's own hourly purge; purge() makes sure.
    await clock.tick(TTL_MS + MINUTE);
    await purge();
    assert.equal((await rename(unverified)).status, 200);
    assert.equal((await rename(placeholder)).status, 200);
    assert.equal((await rename(verified.username!)).status, 409, 'a verified holder keeps it');
  });
});

describe(`the purge of unverified sign-ups (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let flow: Flow;
  let purge: () => Promise<number>;
  before(async () => {
    flow = await startFlow({ clock });
    purge = purgerFor(flow, clock);
  });
  after(() => flow.close());

  it('after the TTL: gone with everything attached; verified accounts stay; address and name are free', async () => {
    const db = flow.t.db.database.db;
    const { dialect } = flow.t.db.database;
    // An inviter with a referral code and a verified address, kept throughout.
    const inviter = await flow.verifiedAccount({ username: true });
    const inviterToken = (await flow.login(inviter.email, inviter.password)).accessToken;
    const referralCode = (await flow.call('GET', '/v1/me/referrals', { token: inviterToken })).body.code;
    const inviteCode = (await flow.call('POST', '/v1/me/invite-codes', { token: inviterToken })).body.code;

    // An unverified sign-up with a username, both codes and a tag.
    const email = freshEmail('pending');
    const username = freshUsername();
    const { reply, mail } = await flow.signUp(email, freshPassword(), { username, inviteCode, referralCode });
    const pending = reply.body.user.id as string;
    const tag = { key: `purge-${username}`, name: `purge ${username}`, color: '#123456' };
    await replaceUserTags(db, dialect, pending, [tag]);
    // The placeholder a sign-up for the inviter's (taken) address leaves.
    const held = freshUsername();
    const dup = await flow.call('POST', '/v1/accounts', {
      body: { email: inviter.email, password: freshPassword(), username: held },
    });
    const placeholder = dup.body.user.id as string;
    // An unverified address with a verified number is someone's: it stays.
    const phoned = (await flow.signUp(freshEmail('phoned'), freshPassword())).reply.body.user.id as string;
    await db
      .updateTable('users')
      .set({ phone: '+4915100000001', phone_verified_at: clock.now().toISOString() })
      .where('id', '=', phoned)
      .execute();

    const rows = async (table: 'users' | 'profiles' | 'user_search' | 'credentials' | 'one_time_codes') =>
      (
        await db
          .selectFrom(table)
          .select(table === 'users' ? 'id as user_id' : 'user_id')
          .where(table === 'users' ? 'id' : 'user_id', 'in', [pending, placeholder])
          .execute()
      ).length;
    assert.equal(await rows('users'), 2);
    assert.equal(await rows('profiles'), 2);
    assert.equal(await rows('user_search'), 2);
    assert.equal(await rows('one_time_codes'), 1, 'the verification code');
    assert.equal(await rows('credentials'), 1, 'the pending password; the placeholder has none');

    await clock.tick(TTL_MS - MINUTE);
    assert.equal(await purge(), 0, 'not before the TTL');
    await clock.tick(2 * MINUTE);
    assert.equal(await purge(), 2);
    assert.equal(await purge(), 0, 'nothing left to purge');

    for (const table of ['users', 'profiles', 'user_search', 'credentials', 'one_time_codes'] as const)
      assert.equal(await rows(table), 0, table);
    const usage = await db
      .selectFrom('tags')
      .select('usage_count')
      .where('key', '=', tag.key)
      .executeTakeFirst();
    assert.equal(Number(usage?.usage_count ?? 0), 0, 'tag usage counts drop');
    const referred = await db
      .selectFrom('referrals')
      .select('referred_id')
      .where('referred_id', '=', pending)
      .execute();
    assert.equal(referred.length, 0);
    const codes = await flow.call('GET', '/v1/me/invite-codes', {
      token: (await flow.login(inviter.email, inviter.password)).accessToken,
    });
    assert.equal(codes.body.items.length, 1);
    assert.equal(codes.body.items[0].usedBy, null);
    assert.notEqual(codes.body.items[0].usedAt, null, 'the invite stays spent, as for a taken address');
    assert.ok(await db.selectFrom('users').select('id').where('id', '=', phoned).executeTakeFirst());
    assert.ok(await db.selectFrom('users').select('id').where('id', '=', inviter.id).executeTakeFirst());

    // The old code is dead; the address and both names are free for a new sign-up.
    const stale = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(mail) },
    });
    assert.equal(stale.status, 422);
    const again = await flow.signUp(email, freshPassword(), { username });
    assert.notEqual(again.reply.body.user.id, pending);
    assert.match(again.mail.subject, SUBJECT.verify);
    assert.equal(
      (
        await flow.call('POST', '/v1/accounts', {
          body: { email: freshEmail(), password: freshPassword(), username: held },
        })
      ).status,
      201,
    );
  });

  it('works in batches until none is left', async () => {
    const db = flow.t.db.database.db;
    const old = new Date(clock.now().getTime() - TTL_MS - MINUTE).toISOString();
    const count = 2 * PURGE_BATCH + 5;
    await db
      .insertInto('users')
      .values(
        Array.from({ length: count }, (_, i) => ({
          id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
          email: `batch-${i}-${clock.now().getTime()}@example.com`,
          email_verified_at: null,
          username: null,
          phone: null,
          phone_verified_at: null,
          first_name: null,
          last_name: null,
          created_at: old,
          updated_at: old,
          deleted_at: null,
        })),
      )
      .execute();
    assert.equal(await purge(), count);
    assert.equal(await purge(), 0);
  });
});
