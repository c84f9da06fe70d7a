// Who used the machine's CPU while a scenario ran: this bench and its
// children (the load generator and the server under test, or the
// hello-world), PostgreSQL (on the same cores), and everything else. The last
// is the noise beside a figure: a test run next to the bench shows there as
// about one core.
import { readdirSync, readFileSync } from 'node:fs';

const USER_HZ = 100; // the unit of /proc/stat and /proc/<pid>/stat on Linux

interface Snapshot {
  readonly at: number;
  readonly busy: number;
  readonly bench: number;
  readonly database: number;
}

/** ppid, name and CPU ticks (own and reaped children's) of a process; null if it is gone. */
function stat(pid: string) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return { ppid: f[1]!, comm, own, reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function snapshot(): Snapshot {
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const busy = cpu.slice(0, 8).reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0);
  const procs = new Map<string, NonNullable<ReturnType<typeof stat>>>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    if (s) procs.set(pid, s);
  }
  const self = String(process.pid);
  const isOurs = (pid: string): boolean => {
    for (let at: string | undefined = pid, hops = 0; at && at !== '0' && hops < 20; hops++) {
      if (at === self) return true;
      at = procs.get(at)?.ppid;
    }
    return false;
  };
  let bench = 0;
  let database = 0;
  // Own and reaped children's time: a server that exited meanwhile still counts
  // as ours, a PostgreSQL backend that ended as the postmaster's.
  for (const [pid, s] of procs) {
    if (isOurs(pid)) bench += s.own + s.reaped;
    else if (s.comm === 'postgres') database += s.own + s.reaped;
  }
  return { at: performance.now(), busy, bench, database };
}

/** Starts measuring; the returned function gives the average cores each used since. */
export function cpuMeter(): () => { benchCores: number; databaseCores: number; otherCores: number } {
  const start = snapshot();
  return () => {
    const end = snapshot();
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number) => Math.max(0, Math.round((ticks / USER_HZ / seconds) * 100) / 100);
    const bench = end.bench - start.bench;
    const database = end.database - start.database;
    return {
      benchCores: cores(bench),
      databaseCores: cores(database),
      otherCores: cores(end.busy - start.busy - bench - database),
    };
  };
}
