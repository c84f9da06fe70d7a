// End to end over HTTP: refresh-token rotation and reuse detection, the
// session list and logout (one, current, all), and token introspection and
// revocation by the token's owner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { REUSE_GRACE_MS } from '../../src/modules/sessions/sessions.service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  type Account,
  assertProblem,
  assertTokens,
  type Flow,
  startFlow,
  type Tokens,
} from '../helpers/flow.ts';

let flow: Flow;
// Starts at the real time (mail dates, token times) and only moves when told.
const clock = new ManualClock(new Date());
let ada: Account;
let bob: Account;

describe(`session flows over HTTP (${testDialect})`, () => {
  before(async () => {
    flow = await startFlow({ clock });
    ada = await flow.verifiedAccount();
    bob = await flow.verifiedAccount();
  });
  after(() => flow.close());

  const me = (tokens: Tokens) => flow.call('GET', '/v1/me', { token: tokens.accessToken });
  const refresh = (refreshToken: string) =>
    flow.call('POST', '/v1/sessions/refresh', { body: { refreshToken } });

  it('refresh rotates the refresh token; reusing an old one revokes the whole session at once', async () => {
    const first = await flow.login(ada.email, ada.password);
    const bystander = await flow.login(ada.email, ada.password);

    const rotated = await refresh(first.refreshToken);
    assert.equal(rotated.status, 200);
    assertTokens(rotated.body);
    const second = rotated.body as Tokens;
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(second.sessionId, first.sessionId, 'the same session');
    assert.equal(second.user.id, ada.id);
    assert.equal((await me(first)).status, 200, 'the old access token lives until it expires or is revoked');
    assert.equal((await me(second)).status, 200);

    const third = (await refresh(second.refreshToken)).body as Tokens;
    assert.equal(third.sessionId, first.sessionId);

    // Right after a rotation a replay is refused but forgiven (a client's retry)...
    assertProblem(await refresh(second.refreshToken), 401, 'invalid_refresh_token');
    assert.equal((await me(third)).status, 200, 'a replay within the grace period ends nothing');
    // ...later, presenting a used token again is treated as theft.
    clock.advance(REUSE_GRACE_MS + 1_000);
    assertProblem(await refresh(first.refreshToken), 401, 'invalid_refresh_token');
    assertProblem(await refresh(third.refreshToken), 401, 'invalid_refresh_token');
    for (const tokens of [first, second, third]) assertProblem(await me(tokens), 401, 'invalid_token');
    const listed = await flow.call('GET', '/v1/sessions', { token: bystander.accessToken });
    assert.deepEqual(
      listed.body.items.map((s: { id: string }) => s.id).filter((id: string) => id === first.sessionId),
      [],
      'the session is gone from the list',
    );
    // Only that session: another session of the same user is untouched.
    assert.equal((await me(bystander)).status, 200);
    assert.equal((await refresh(bystander.refreshToken)).status, 200);

    assertProblem(await refresh('never-issued-refresh-token'), 401, 'invalid_refresh_token');
    assertProblem(await flow.call('POST', '/v1/sessions/refresh', { body: {} }), 422, 'validation_failed');
  });

  it('lists sessions with one current; ends another one, this one, then all', async () => {
    const { call } = flow;
    const user = await flow.verifiedAccount();
    const phone = await flow.login(user.email, user.password, 'Phone/1.0');
    const laptop = await flow.login(user.email, user.password, 'Laptop/2.0');
    const bobs = await flow.login(bob.email, bob.password);

    const list = await call('GET', '/v1/sessions', { token: phone.accessToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.nextCursor, null);
    assert.deepEqual(
      list.body.items.map((s: { id: string }) => s.id),
      [laptop.sessionId, phone.sessionId],
      'newest first',
    );
    assert.deepEqual(
      list.body.items.filter((s: { current: boolean }) => s.current).map((s: { id: string }) => s.id),
      [phone.sessionId],
    );
    for (const item of list.body.items) {
      assert.deepEqual(Object.keys(item).sort(), [
        'createdAt',
        'current',
        'id',
        'ip',
        'lastSeenAt',
        'userAgent',
      ]);
      assert.ok(!Number.isNaN(Date.parse(item.createdAt)));
    }
    assert.equal(list.body.items[0].userAgent, 'Laptop/2.0');
    assert.equal(list.body.items[1].userAgent, 'Phone/1.0');
    assert.equal(list.body.items[0].ip, '127.0.0.1');

    // Another user's session id is not mine to end (and is not revealed).
    assertProblem(
      await call('DELETE', `/v1/sessions/${bobs.sessionId}`, { token: phone.accessToken }),
      404,
      'session_not_found',
    );
    assert.equal((await me(bobs)).status, 200);
    assertProblem(
      await call('DELETE', '/v1/sessions/not-a-uuid', { token: phone.accessToken }),
      422,
      'validation_failed',
    );

    assert.equal((await me(laptop)).status, 200, 'laptop session cached as live');
    const ended = await call('DELETE', `/v1/sessions/${laptop.sessionId}`, { token: phone.accessToken });
    assert.equal(ended.status, 204);
    assertProblem(await me(laptop), 401, 'invalid_token');
    assertProblem(await refresh(laptop.refreshToken), 401, 'invalid_refresh_token');
    assertProblem(
      await call('DELETE', `/v1/sessions/${laptop.sessionId}`, { token: phone.accessToken }),
      404,
      'session_not_found',
    );
    const after1 = await call('GET', '/v1/sessions', { token: phone.accessToken });
    assert.deepEqual(
      after1.body.items.map((s: { id: string; current: boolean }) => [s.id, s.current]),
      [[phone.sessionId, true]],
    );

    assert.equal((await call('DELETE', '/v1/sessions/current', { token: phone.accessToken })).status, 204);
    assertProblem(await me(phone), 401, 'invalid_token');
    assertProblem(await refresh(phone.refreshToken), 401, 'invalid_refresh_token');
    assertProblem(
      await call('DELETE', '/v1/sessions/current', { token: phone.accessToken }),
      401,
      'invalid_token',
    );

    const one = await flow.login(user.email, user.password);
    const two = await flow.login(user.email, user.password);
    assert.equal((await me(two)).status, 200);
    assert.equal((await call('DELETE', '/v1/sessions', { token: one.accessToken })).status, 204);
    for (const tokens of [one, two]) {
      assertProblem(await me(tokens), 401, 'invalid_token');
      assertProblem(await refresh(tokens.refreshToken), 401, 'invalid_refresh_token');
    }
    assert.equal((await me(bobs)).status, 200, "other users' sessions are untouched");
    assertProblem(await call('DELETE', '/v1/sessions'), 401, 'unauthenticated');
  });

  it('paginates the session list with ?limit= and an opaque cursor', async () => {
    const { call } = flow;
    const user = await flow.verifiedAccount();
    const sessions: Tokens[] = [];
    for (let i = 0; i < 3; i++) sessions.push(await flow.login(user.email, user.password));
    const token = sessions[0]!.accessToken;

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/sessions?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', url, { token });
      assert.equal(page.status, 200);
      assert.equal(page.body.items.length, 1);
      seen.push(page.body.items[0].id);
      cursor = page.body.nextCursor;
      pages++;
      if (pages < 3) assert.equal(typeof cursor, 'string', `page ${pages} has a next cursor`);
    } while (cursor !== null && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, sessions.map((s) => s.sessionId).reverse(), 'each session once, newest first');

    const two = await call('GET', '/v1/sessions?limit=2', { token });
    assert.equal(two.body.items.length, 2);
    const rest = await call('GET', `/v1/sessions?limit=2&cursor=${encodeURIComponent(two.body.nextCursor)}`, {
      token,
    });
    assert.deepEqual(
      rest.body.items.map((s: { id: string }) => s.id),
      [sessions[0]!.sessionId],
    );
    assert.equal(rest.body.nextCursor, null);

    assertProblem(await call('GET', '/v1/sessions?limit=0', { token }), 422, 'validation_failed');
    // A cursor holding anything but a session id (a NUL, another list's key) is a 400, never a query.
    for (const k of ['\u0000', 'not-an-id', '{"at":"x","id":"y"}']) {
      const forged = Buffer.from(JSON.stringify({ k })).toString('base64url');
      assertProblem(await call('GET', `/v1/sessions?cursor=${forged}`, { token }), 400, 'invalid_cursor');
    }
    assertProblem(await call('GET', '/v1/sessions?limit=101', { token }), 422, 'validation_failed');
    assertProblem(await call('GET', '/v1/sessions?cursor=%21%21garbage', { token }), 400, 'invalid_cursor');
  });

  it('introspects own access and refresh tokens; others and ended ones read inactive; revoke ends a session', async () => {
    const { call } = flow;
    const user = await flow.verifiedAccount();
    const main = await flow.login(user.email, user.password);
    const other = await flow.login(user.email, user.password);
    const bobs = await flow.login(bob.email, bob.password);
    const introspect = (token: string, as: Tokens = main) =>
      call('POST', '/v1/tokens/introspect', { token: as.accessToken, body: { token } });
    const revoke = (token: string, as: Tokens = main) =>
      call('POST', '/v1/tokens/revoke', { token: as.accessToken, body: { token } });

    const now = Math.floor(clock.now().getTime() / 1000);
    const access = await introspect(main.accessToken);
    assert.equal(access.status, 200);
    assert.equal(access.body.active, true);
    assert.equal(access.body.sub, user.id);
    assert.equal(access.body.sid, main.sessionId);
    assert.equal(access.body.scope, 'user');
    assert.ok(Math.abs(access.body.exp - (now + 900)) <= 5, `exp ${access.body.exp} about 15 minutes ahead`);

    const refreshInfo = await introspect(main.refreshToken);
    assert.equal(refreshInfo.status, 200);
    assert.equal(refreshInfo.body.active, true);
    assert.equal(refreshInfo.body.sub, user.id);
    assert.equal(refreshInfo.body.sid, main.sessionId);
    assert.equal(typeof refreshInfo.body.exp, 'number');

    assert.equal((await introspect(other.accessToken)).body.active, true, 'my other session too');
    // A rotated-away refresh token is inactive; its successor is active.
    const rotated = (await refresh(other.refreshToken)).body as Tokens;
    assert.deepEqual((await introspect(other.refreshToken)).body, { active: false });
    assert.equal((await introspect(rotated.refreshToken)).body.sid, other.sessionId);

    // Another user's live tokens read inactive, nothing more.
    assert.deepEqual((await introspect(bobs.accessToken)).body, { active: false });
    assert.deepEqual((await introspect(bobs.refreshToken)).body, { active: false });
    assert.deepEqual((await introspect('garbage')).body, { active: false });
    assertProblem(
      await call('POST', '/v1/tokens/introspect', { body: { token: main.accessToken } }),
      401,
      'unauthenticated',
    );

    // After logout the ended session's tokens are inactive.
    assert.equal((await call('DELETE', '/v1/sessions/current', { token: other.accessToken })).status, 204);
    assert.deepEqual((await introspect(other.accessToken)).body, { active: false });
    assert.deepEqual((await introspect(rotated.accessToken)).body, { active: false });
    assert.deepEqual((await introspect(rotated.refreshToken)).body, { active: false });

    // Revoking another user's token is a quiet no-op (RFC 7009: 200 either way).
    const foreign = await revoke(bobs.refreshToken);
    assert.equal(foreign.status, 200);
    assert.equal((await me(bobs)).status, 200);

    // Revoking my refresh token ends that session at once.
    const third = await flow.login(user.email, user.password);
    assert.equal((await me(third)).status, 200);
    const revoked = await revoke(third.refreshToken);
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.body, {});
    assertProblem(await me(third), 401, 'invalid_token');
    assertProblem(await refresh(third.refreshToken), 401, 'invalid_refresh_token');
    assert.deepEqual((await introspect(third.accessToken)).body, { active: false });
    assert.equal((await revoke(third.refreshToken)).status, 200, 'revoking twice is fine');

    // Revoking the access token of the calling session ends it too.
    assert.equal((await revoke(main.accessToken)).status, 200);
    assertProblem(await me(main), 401, 'invalid_token');
    assertProblem(await refresh(main.refreshToken), 401, 'invalid_refresh_token');
  });
});

/**
 * A Kysely plugin that, once armed, lets the next read of the sessions table
 * run and then holds its result until released: the request has read the
 * session row but not yet acted on it.
 */
function sessionReadGate() {
  let armed = false;
  let heldId: string | undefined;
  let onHeld = () => {};
  let release = () => {};
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      if (
        armed &&
        node.kind === 'SelectQueryNode' &&
        JSON.stringify(node.from).includes('"name":"sessions"')
      ) {
        armed = false;
        heldId = queryId.queryId;
      }
      return node;
    },
    async transformResult({ result, queryId }) {
      if (heldId !== undefined && queryId.queryId === heldId) {
        heldId = undefined;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        onHeld();
        await released;
      }
      return result;
    },
  };
  return {
    plugin,
    /** Resolves when the next sessions read has run and is being held. */
    arm: () =>
      new Promise<void>((resolve) => {
        armed = true;
        onHeld = resolve;
      }),
    release: () => release(),
  };
}

describe(`session revocation racing a session read (${testDialect})`, {
  // The gate holds the connection of the read; SQLite has one connection
  // (under a mutex), which also serialises the read and the revocation there.
  skip: testDialect === 'sqlite' ? 'needs a connection pool (PostgreSQL)' : false,
}, () => {
  const gate = sessionReadGate();
  let gated: Flow;
  before(async () => {
    gated = await startFlow({ plugin: gate.plugin });
  });
  after(() => gated.close());

  it('a session ended while a request was reading it is refused on the next request', {
    timeout: 15_000,
  }, async () => {
    const user = await gated.verifiedAccount();
    const keeper = await gated.login(user.email, user.password);
    assert.equal((await gated.call('GET', '/v1/me', { token: keeper.accessToken })).status, 200);
    const victim = await gated.login(user.email, user.password);

    const held = gate.arm();
    const inFlight = gated.call('GET', '/v1/me', { token: victim.accessToken });
    try {
      await held; // the victim's session row has been read (live) ...
      const ended = await gated.call('DELETE', `/v1/sessions/${victim.sessionId}`, {
        token: keeper.accessToken,
      });
      assert.equal(ended.status, 204); // ... and is now revoked and announced
    } finally {
      gate.release();
    }
    // The request that was in flight before the logout may get either answer.
    assert.ok([200, 401].includes((await inFlight).status));
    assertProblem(await gated.call('GET', '/v1/me', { token: victim.accessToken }), 401, 'invalid_token');
  });
});
