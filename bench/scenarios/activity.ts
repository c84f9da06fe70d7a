// Daily activity at 1,000,000 daily rows: 1,000 users with 1,000 days each
// (four courses over 250 days) are put in directly, numbered as the service
// numbers them; then, over HTTP against the real server, a service key
// records events (ingest: events per second, 8 connections, batches of 10,
// each event new so each one counts) and a user syncs their days page by page
// (p95 of a 50-row page, one request at a time).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Insertable } from 'kysely';
import type { DatabaseTarget } from '../../src/config/config.schema.ts';
import type { ActivityDailyTable } from '../../src/modules/activity/activity.table.ts';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { newId } from '../../src/platform/ids.ts';
import { createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { summarize, timeEach } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

const USERS = 1_000;
const COURSES = 4;
const DAYS = 250;
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 0, 1);

const percentile = (sorted: number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;

export async function activity(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-bench-activity-'));
  const target: DatabaseTarget = process.env.DATABASE_URL
    ? { dialect: 'postgres', url: process.env.DATABASE_URL }
    : { dialect: 'sqlite', path: join(dataDir, 'roster.db') };
  const server = await startBenchServer({ ...SIGN_IN_BENCH_ENV, ROSTER_DATA_DIR: dataDir });
  const database = openDatabase(target);
  try {
    const [email] = await createAccounts(server.url, 1);
    const me = await signIn(server.url, email!);
    const { key } = await createApiKeys({ db: database.db, clock: systemClock }).create('bench', [
      'activity:write',
    ]);

    // 999 more users, then 1,000 days for each (the signed-in user among them).
    const seedStarted = performance.now();
    const now = new Date(Date.now()).toISOString();
    const ids = [me.userId];
    const others = Array.from({ length: USERS - 1 }, () => newId());
    for (let i = 0; i < others.length; i += 500) {
      await database.db
        .insertInto('users')
        .values(
          others.slice(i, i + 500).map((id) => ({
            id,
            email: null,
            email_verified_at: null,
            username: null,
            phone: null,
            phone_verified_at: null,
            first_name: null,
            last_name: null,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          })),
        )
        .execute();
    }
    ids.push(...others);
    for (const userId of ids) {
      const rows: Insertable<ActivityDailyTable>[] = [];
      let seq = 0;
      for (let course = 1; course <= COURSES; course++) {
        for (let day = 0; day < DAYS; day++) {
          rows.push({
            user_id: userId,
            stream: 'mcq',
            scope: String(course),
            day_start: new Date(FIRST_DAY + day * DAY_MS).toISOString(),
            first_attempt_total: 10,
            first_attempt_correct: 7,
            reattempt_total: 3,
            reattempt_correct: 2,
            seq: ++seq,
            updated_at: now,
          });
        }
      }
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 250)
          await trx
            .insertInto('activity_daily')
            .values(rows.slice(i, i + 250))
            .execute();
        await trx.insertInto('activity_sequences').values({ user_id: userId, seq }).execute();
      });
    }
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

    // Sync: page after page of the user's 1,000 days, then again from the start.
    let cursor: string | null = null;
    const pages = await timeEach(
      async () => {
        const url = `${server.url}/v1/me/activity/daily?limit=50${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${me.accessToken}` } });
        if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { nextCursor: string | null; hasMore: boolean };
        cursor = body.hasMore ? body.nextCursor : null;
      },
      { requests: 400, seconds: 20 },
    );
    pages.sort((a, b) => a - b);

    // Ingest: new events for the seeded users, ten per request.
    let n = 0;
    const ingest = await autocannon({
      url: `${server.url}/v1/activity/events`,
      method: 'POST',
      connections: 8,
      duration: 10,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      requests: [
        {
          setupRequest: (request) => {
            const events = Array.from({ length: 10 }, () => {
              const i = n++;
              return {
                id: `bench-${i}`,
                userId: ids[i % ids.length],
                stream: 'mcq',
                scope: String((i % COURSES) + 1),
                kind: i % 3 === 0 ? 'reattempt' : 'first_attempt',
                correct: i % 2 === 0,
                at: new Date(FIRST_DAY + (i % DAYS) * DAY_MS + 3_600_000).toISOString(),
              };
            });
            return { ...request, body: JSON.stringify({ events }) };
          },
        },
      ],
    });
    const requests = summarize(ingest, 8, 10);
    return {
      dailyRows: USERS * COURSES * DAYS,
      seedSeconds,
      syncPage: {
        rows: 50,
        requests: pages.length,
        p50Ms: percentile(pages, 50),
        p95Ms: percentile(pages, 95),
      },
      ingest: { ...requests, eventsPerSecond: requests.requestsPerSecond * 10 },
    };
  } finally {
    await database.close();
    await stopBenchServer(server);
  }
}
