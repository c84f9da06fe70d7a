// A second identity on a test app's database, clock and hasher (a second app
// node, as far as storage is concerned): it runs on demand the periodic work
// the server schedules (the purge of unverified sign-ups), and reaches domain
// inputs no route passes yet.
import { compose } from '../../src/compose.ts';
import { type Clock, systemClock } from '../../src/platform/clock.ts';
import type { Flow } from './flow.ts';

/** The accounts service of a second identity on the flow's database. */
export const accountsOf = (flow: Flow, clock: Clock = systemClock) =>
  compose(flow.t.config, flow.t.db.database, clock, flow.t.app.log, { hasher: flow.t.hasher }).accounts;

export function purgerFor(flow: Flow, clock: Clock): () => Promise<number> {
  const accounts = accountsOf(flow, clock);
  return () => accounts.purgeUnverified();
}
