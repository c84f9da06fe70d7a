// `npm run bench [-- scenario ...]`: runs load scenarios against a real server
// process on 127.0.0.1 and prints their figures as JSON. Each scenario is
// bounded in time. Record results in bench/README.md with the machine.
//
// The bounds (`ceiling`, `argon2`) run just before the scenarios that compare
// with them, whatever the order named; `argon2` is added when `login` is named
// without it. The last line checks issue 17's targets.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { cpuMeter } from './cpu-share.ts';
import { activity } from './scenarios/activity.ts';
import { argon2 } from './scenarios/argon2.ts';
import { ceiling } from './scenarios/ceiling.ts';
import { faces } from './scenarios/faces.ts';
import { healthz } from './scenarios/healthz.ts';
import { login } from './scenarios/login.ts';
import { me } from './scenarios/me.ts';
import { media } from './scenarios/media.ts';
import { pages } from './scenarios/pages.ts';
import { search } from './scenarios/search.ts';
import { soak } from './scenarios/soak.ts';
import { social } from './scenarios/social.ts';
import { startup } from './scenarios/startup.ts';
import { storm } from './scenarios/storm.ts';
import { checkTargets, headline } from './targets.ts';

const scenarios: Record<string, () => Promise<Record<string, unknown>>> = {
  ceiling,
  argon2,
  activity,
  startup,
  healthz,
  login,
  me,
  faces,
  storm,
  media,
  pages,
  search,
  social,
  soak,
};
/** Run only when named: the soak takes 10 minutes, the activity seed a few. */
const ON_REQUEST = new Set(['soak', 'activity']);
/** The bound each scenario reports a ratio to; `argon2` comes along with `login` unasked. */
const BOUND_OF: Record<string, string> = { me: 'ceiling', login: 'argon2' };
const AUTO_BOUNDS = new Set(['argon2']);

const wanted = process.argv.slice(2);
const named = wanted.length > 0 ? wanted : Object.keys(scenarios).filter((n) => !ON_REQUEST.has(n));
const unknown = named.filter((n) => !scenarios[n]);
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`,
  );
  process.exit(2);
}
// Each bound runs just before the first scenario that needs it, so the two
// see the machine in the same state; a bound nothing needs runs where named.
const bounds = new Set(Object.values(BOUND_OF));
const names: string[] = [];
for (const name of named) {
  const bound = BOUND_OF[name];
  if (bound && !names.includes(bound) && (named.includes(bound) || AUTO_BOUNDS.has(bound))) names.push(bound);
  const needed = bounds.has(name) && named.some((n) => BOUND_OF[n] === name);
  if (!names.includes(name) && !needed) names.push(name);
}
const database = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
process.stdout.write(
  `${JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), database, loadAverage: load() })}\n`,
);
const results: Record<string, Record<string, unknown>> = {};
for (const name of names) {
  const cpu = cpuMeter();
  results[name] = { ...(await scenarios[name]!()), cpu: cpu() };
  process.stdout.write(`${JSON.stringify({ scenario: name, ...results[name] })}\n`);
}
const targets = checkTargets(results, database);
if (targets.length > 0) {
  const decided = targets.filter((t) => t.pass !== null);
  const summary = {
    summary: 'issue 17 targets',
    database,
    loadAverage: load(),
    // The most CPU other processes took during any one scenario: the run's noise.
    otherCoresMax: Math.max(
      ...Object.values(results).map((r) => (r.cpu as { otherCores: number }).otherCores),
    ),
    passed: decided.filter((t) => t.pass).length,
    failed: decided.filter((t) => !t.pass).length,
    noisy: targets.filter((t) => t.noisy).length,
    targets,
    figures: headline(results),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
