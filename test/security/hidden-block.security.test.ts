// A block is hidden from the one blocked: whatever A does towards B, who
// blocks A, answers exactly as it does for an id that names nobody, and
// changes nothing; so nothing tells "B blocks me" from "no such B".
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { type Method, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type SignedUpAccount as Account, account as newAccount } from '../helpers/factories.ts';

describe(`a block cannot be detected by the one blocked (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  const account = (): Promise<Account> => newAccount(t, { label: 'hidden' });

  const call = (method: Method, url: string, who: Account): Promise<Reply> =>
    request(t, method, url, { token: who.token });

  /** What a reply tells its caller: the status and the problem's code and detail. */
  const seen = (res: Reply) => {
    const body = res.body ? (res.json() as { code?: string; detail?: string }) : {};
    return { status: res.statusCode, code: body.code, detail: body.detail };
  };

  const probes = (id: string): [Method, string][] => [
    ['POST', `/v1/users/${id}/block`],
    ['POST', `/v1/users/${id}/follow`],
    ['PUT', `/v1/me/bookmarks/${id}`],
    ['GET', `/v1/users/${id}/relationship`],
    ['GET', `/v1/users/${id}`],
    ['GET', `/v1/users/${id}/followers`],
    ['GET', `/v1/users/${id}/following`],
    ['DELETE', `/v1/users/${id}/block`],
    ['DELETE', `/v1/users/${id}/follow`],
    ['DELETE', `/v1/me/bookmarks/${id}`],
  ];

  it('block, follow, bookmark and every look-up answer as for an unknown id, and change nothing', async () => {
    const [a, b] = [await account(), await account()];
    assert.equal((await call('POST', `/v1/users/${a.id}/block`, b)).statusCode, 204);
    const nobody = randomUUID();
    for (const [[method, url], [, unknownUrl]] of probes(b.id).map(
      (p, i) => [p, probes(nobody)[i]!] as const,
    )) {
      const hidden = seen(await call(method, url, a));
      const unknown = seen(await call(method, unknownUrl, a));
      assert.deepEqual(hidden, unknown, `${method} ${url}`);
    }
    // Nothing of the attempts stands: B's block alone, and B still sees A.
    const relationship = await call('GET', `/v1/users/${a.id}/relationship`, b);
    assert.equal(relationship.statusCode, 200, relationship.body);
    assert.equal(relationship.json().blocking, true);
    assert.equal(relationship.json().blockedBy, false);
    assert.deepEqual((await call('GET', '/v1/me/blocks', a)).json().items, []);
    // Once B lifts the block, A sees B as anyone does, with no block of A's.
    assert.equal((await call('DELETE', `/v1/users/${a.id}/block`, b)).statusCode, 204);
    const now = await call('GET', `/v1/users/${b.id}/relationship`, a);
    assert.equal(now.statusCode, 200, now.body);
    assert.equal(now.json().blocking, false);
  });
});
