// `npm run bench [-- scenario ...]`: runs load scenarios against a real server
// process on 127.0.0.1 and prints their figures as JSON. Each scenario is
// bounded in time. Record results in bench/README.md with the machine.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { activity } from './scenarios/activity.ts';
import { healthz } from './scenarios/healthz.ts';
import { login } from './scenarios/login.ts';
import { me } from './scenarios/me.ts';
import { media } from './scenarios/media.ts';
import { pages } from './scenarios/pages.ts';
import { search } from './scenarios/search.ts';
import { soak } from './scenarios/soak.ts';
import { social } from './scenarios/social.ts';
import { startup } from './scenarios/startup.ts';

const scenarios: Record<string, () => Promise<Record<string, unknown>>> = {
  activity,
  startup,
  healthz,
  login,
  me,
  media,
  pages,
  search,
  social,
  soak,
};
/** Run only when named: the soak takes 10 minutes, the activity seed a few. */
const ON_REQUEST = new Set(['soak', 'activity']);

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(scenarios).filter((n) => !ON_REQUEST.has(n));
const unknown = names.filter((n) => !scenarios[n]);
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`,
  );
  process.exit(2);
}
process.stdout.write(
  `${JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), database: process.env.DATABASE_URL ? 'postgres' : 'sqlite' })}\n`,
);
for (const name of names) {
  process.stdout.write(`${JSON.stringify({ scenario: name, ...(await scenarios[name]!()) })}\n`);
}
