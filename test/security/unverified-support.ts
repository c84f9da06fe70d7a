// The purge of unverified sign-ups is periodic work the server schedules; a
// test runs it on demand through a second identity on the same database and
// clock (a second app node, as far as storage is concerned). The same reaches
// domain inputs no route passes yet.
import { createIdentity } from '../../src/identity.ts';
import { type Clock, systemClock } from '../../src/platform/clock.ts';
import type { Flow } from '../e2e/flow-support.ts';

/** The accounts service of a second identity on the flow's database. */
export const accountsOf = (flow: Flow, clock: Clock = systemClock) =>
  createIdentity(flow.t.config, flow.t.db.database, clock, flow.t.app.log).accounts;

export function purgerFor(flow: Flow, clock: Clock): () => Promise<number> {
  const accounts = accountsOf(flow, clock);
  return () => accounts.purgeUnverified();
}
