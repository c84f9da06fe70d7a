// A list page is full whenever more of the list follows: entries of accounts
// others cannot see (banned, never verified) are skipped as the user record
// says now, and the page reads on past them instead of coming back short.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type SignedUpAccount as Account, account as newAccount } from '../helpers/factories.ts';

describe(`list pages skip accounts that are not listed and stay full (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const account = (): Promise<Account> => newAccount(t, { label: 'pages' });
  const ban = (who: Account) =>
    t.db.database.db.updateTable('users').set({ status: 'banned' }).where('id', '=', who.id).execute();

  async function page(owner: Account, cursor?: string): Promise<{ ids: string[]; next: string | null }> {
    const query = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await request(t, 'GET', `/v1/users/${owner.id}/followers?${query}`, { token: owner.token });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { items: { user: { id: string } }[]; nextCursor: string | null };
    return { ids: body.items.map((i) => i.user.id), next: body.nextCursor };
  }

  it('the newest followers banned: the first page still holds two, and the walk covers the rest once', async () => {
    const owner = await account();
    const followers: Account[] = [];
    for (let i = 0; i < 6; i++) {
      const follower = await account();
      const res = await request(t, 'POST', `/v1/users/${owner.id}/follow`, { token: follower.token });
      assert.equal(res.statusCode, 200, res.body);
      followers.push(follower);
    }
    // Newest first: f5 f4 f3 f2 f1 f0. The three newest and f1 are banned.
    for (const i of [5, 4, 3, 1]) await ban(followers[i]!);

    const first = await page(owner);
    assert.deepEqual(first.ids, [followers[2]!.id, followers[0]!.id]);
    assert.equal(first.next, null, 'nothing listed follows');

    // With f1 listed again, the first page says more follow.
    await t.db.database.db
      .updateTable('users')
      .set({ status: 'active' })
      .where('id', '=', followers[1]!.id)
      .execute();
    const again = await page(owner);
    assert.deepEqual(again.ids, [followers[2]!.id, followers[1]!.id]);
    assert.ok(again.next, 'a next page');
    const rest = await page(owner, again.next!);
    assert.deepEqual(rest.ids, [followers[0]!.id]);
    assert.equal(rest.next, null);
  });
});
