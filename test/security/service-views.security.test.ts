// The public view is decided once, in the profiles domain: every service that
// hands out another user (the profile, the directory, the social graph's
// lists) returns that view and nothing more, whichever face then renames it.
// Checked at the service level, under the routes' schemas, so an allow-list in
// a face cannot hide a leak: no address, number, contact detail, locale, time
// zone or private custom field, and no staff role for others than staff.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDirectoryService } from '../../src/modules/directory/index.ts';
import { broughtInBy } from '../../src/modules/invites/index.ts';
import {
  createProfilesService,
  loadCustomFields,
  type ProfilesService,
  PUBLIC_VIEW_FIELDS,
  type PublicView,
} from '../../src/modules/profiles/index.ts';
import { createPresence } from '../../src/modules/sessions/index.ts';
import {
  createSocialService,
  hiddenFrom,
  type SocialService,
  visibleTo,
} from '../../src/modules/social/index.ts';
import { createUsersService, type UserRole } from '../../src/modules/users/index.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { InProcessEventBus } from '../../src/platform/events/in-process-event-bus.ts';
import { createHooks } from '../../src/platform/hooks.ts';
import { newId } from '../../src/platform/ids.ts';
import { createRateGuard } from '../../src/platform/rate-limit/rate-guard.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const SECRETS = {
  email: 'grace-secret@example.com',
  phone: '+4915112345678',
  city: 'Arlington-secret',
  address: '1 Navy Way secret',
  locale: 'en-US',
  timezone: 'America/New_York',
  hidden: 'private-custom-value',
  /** When a subscription ends is a billing detail of the owner's and staff's. */
  subscriptionEnd: '2099-04-05T06:07:08.009Z',
};

describe(`service-level views never carry what the public view leaves out (${testDialect})`, () => {
  let t: TestDatabase;
  let profiles: ProfilesService;
  let social: SocialService;
  let directory: ReturnType<typeof createDirectoryService>;
  let owner: string;
  let viewer: string;
  let staff: string;
  const surname = `Hopper${newId().slice(-8)}`;

  before(async () => {
    t = await createTestDatabase();
    const { db, dialect } = t.database;
    const schema = join(mkdtempSync(join(tmpdir(), 'roster-views-')), 'profile.schema.json');
    writeFileSync(
      schema,
      JSON.stringify({
        type: 'object',
        properties: { team: { type: 'string' }, salary: { type: 'string', 'x-private': true } },
      }),
    );
    const hooks = createHooks();
    const users = createUsersService({ hooks, dialect });
    const guard = createRateGuard(createRateLimiter({ clock: systemClock }), 1, 1);
    profiles = createProfilesService({
      db,
      events: new InProcessEventBus(),
      dialect,
      clock: systemClock,
      customFields: loadCustomFields(schema),
      guard,
      hooks,
      users,
      isHidden: (viewerId, targetId) => social.isHidden(viewerId, targetId),
      avatarUrl: (key) => `http://127.0.0.1/media/${key}`,
      presence: (ids) =>
        createPresence({ db, clock: systemClock, windowSeconds: 300, onFlushError: () => {} }).of(ids),
    });
    social = createSocialService({ db, dialect, clock: systemClock, profiles, guard, hooks, users });
    directory = createDirectoryService({
      db,
      dialect,
      profiles,
      visibility: [visibleTo],
      ownedBy: broughtInBy,
      hiddenFrom,
      guard,
      hooks,
      standing: { roles: [], accountTypes: [] },
    });

    const signUp = async (role: UserRole, fields: { email: string; phone?: string }) => {
      const id = newId();
      const now = new Date().toISOString();
      await inTransaction(db, (trx) =>
        users.insert(trx, {
          id,
          email: fields.email,
          emailVerifiedAt: now,
          username: null,
          phone: fields.phone ?? null,
          phoneVerifiedAt: fields.phone ? now : null,
          firstName: 'Grace',
          lastName: surname,
          role,
          now,
        }),
      );
      return id;
    };
    owner = await signUp('admin', { email: SECRETS.email, phone: SECRETS.phone });
    viewer = await signUp('user', { email: `viewer-${newId()}@example.com` });
    staff = await signUp('admin', { email: `staff-${newId()}@example.com` });
    await profiles.update(owner, {
      bio: 'Admiral',
      contact: { city: SECRETS.city, address: SECRETS.address },
      locale: SECRETS.locale,
      timezone: SECRETS.timezone,
      custom: { team: 'COBOL', salary: SECRETS.hidden },
      tags: ['compilers'],
    });
    await db
      .updateTable('users')
      .set({ subscription_tier: 'pro', subscription_expires_at: SECRETS.subscriptionEnd })
      .where('id', '=', owner)
      .execute();
    // One of every list the owner can appear in, as seen by the viewer.
    await social.follow(owner, viewer);
    await social.follow(viewer, owner);
    await social.bookmark(viewer, owner);
  });
  after(() => t.drop());

  /** Only the public view's fields, none of the owner's secrets, the business role. */
  function assertPublic(view: PublicView, label: string, role: UserRole = 'user'): void {
    const extra = Object.keys(view).filter((key) => !(PUBLIC_VIEW_FIELDS as readonly string[]).includes(key));
    assert.deepEqual(extra, [], `${label}: fields beyond the public view`);
    const text = JSON.stringify(view);
    for (const [what, secret] of Object.entries(SECRETS))
      assert.equal(text.includes(secret), false, `${label}: carries the ${what}`);
    assert.deepEqual(Object.keys(view.name).sort(), ['display', 'first', 'last', 'middle'], label);
    if (view.id === owner)
      assert.deepEqual(view.custom, { team: 'COBOL' }, `${label}: only the declared public custom fields`);
    assert.equal(view.role, role, `${label}: role`);
  }

  it('the owner holds every secret in the owner view, so the checks below can fail', async () => {
    const own = await profiles.ownView(owner);
    const text = JSON.stringify(own);
    for (const secret of Object.values(SECRETS)) assert.ok(text.includes(secret), secret);
    assert.equal(own.role, 'admin');
    assert.ok(own.profileCompleteness > 0);
    // An operator's view: the owner's, with the account's status and the score others see.
    const admin = await profiles.adminView(owner);
    assert.deepEqual(
      { ...admin, status: undefined, publicCompleteness: undefined },
      { ...own, status: undefined, publicCompleteness: undefined },
    );
    assert.equal(admin.status, 'active');
    assert.equal(admin.publicCompleteness, (await profiles.publicView(owner, staff)).profileCompleteness);
  });

  it('the profile service: one user and a page of users', async () => {
    const view = await profiles.publicView(owner, viewer);
    assertPublic(view, 'publicView');
    const [first] = await profiles.publicViews([owner], viewer);
    assertPublic(first!, 'publicViews');
    assert.deepEqual(first, view);
    // The public score counts only what the view shows: not the owner's score.
    assert.notEqual(view.profileCompleteness, (await profiles.ownView(owner)).profileCompleteness);
  });

  it('the directory', async () => {
    const page = await directory.search(viewer, { q: surname, limit: 20 });
    const found = page.items.find((v) => v.id === owner);
    assert.ok(found, 'the owner is found');
    assert.equal(page.items.length, 3, 'the owner, the viewer and the staff member share the surname');
    for (const item of page.items) assertPublic(item, 'directory');
  });

  it("the social graph's lists", async () => {
    const lists = [
      await social.connections('followers', viewer, viewer, { limit: 20 }),
      await social.connections('following', viewer, viewer, { limit: 20 }),
      await social.ownList('bookmarks', viewer, { limit: 20 }),
    ];
    for (const [n, list] of lists.entries()) {
      assert.equal(list.items.length, 1, `list ${n}`);
      assertPublic(list.items[0]!.view, `list ${n}`);
    }
  });

  it('staff see the staff role, and still nothing else', async () => {
    assertPublic(await profiles.publicView(owner, staff), 'publicView to staff', 'admin');
    const page = await directory.search(staff, { q: surname, role: 'admin', limit: 20 });
    assert.deepEqual(page.items.map((v) => v.id).sort(), [owner, staff].sort());
    for (const item of page.items) assertPublic(item, 'directory to staff', 'admin');
  });
});
