// Summarises a V8 CPU profile of the server under load (`--cpu-prof`, see
// README: BENCH_SERVER_NODE_OPTIONS): self time by area and the top functions
// by self time, over the `--seconds` (default 8) that served HTTP the most, so
// start-up, set-up and shutdown are left out.
//
//   node bench/profile-summary.ts /tmp/prof/CPU.….cpuprofile [--seconds=8] [--top=25] [--start=S]
//
// `--start=S` takes the window from S seconds into the profile instead (e.g.
// the storm phase after the solo one).
//
// A sample's area is that of its nearest frame, from the leaf up, outside
// Node itself: Node's own frames (node:*, natives) are looked through, so a
// socket write under pino counts as logging and one under reply.send as the
// HTTP stack; a native call from the SQLite driver as sqlite; a redaction
// inside a log call as redaction. Only a stack of Node frames alone counts
// as Node's.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas of a frame outside Node, first match wins. */
const AREAS: [area: string, test: (url: string) => boolean][] = [
  [
    'kysely compile',
    (u) =>
      /node_modules\/kysely\/.*(query-compiler|operation-node|parser|query-builder|expression|dynamic|raw-builder|schema)/.test(
        u,
      ),
  ],
  ['sqlite', (u) => u === 'node:sqlite' || /\/src\/.*sqlite/.test(u)],
  ['pg', (u) => /node_modules\/(pg|pg-protocol|pg-pool)\//.test(u)],
  ['kysely execute', (u) => /node_modules\/kysely\//.test(u)],
  ['redaction', (u) => /redact/i.test(u)],
  [
    'logging',
    (u) =>
      /node_modules\/(pino|sonic-boom|thread-stream|pino-std-serializers)\//.test(u) ||
      /\/src\/.*log/.test(u),
  ],
  ['headers', (u) => /helmet|headers/.test(u)],
  ['JWT', (u) => /node_modules\/jose\//.test(u)],
  ['metrics', (u) => /node_modules\/prom-client\//.test(u) || /\/src\/.*metrics/.test(u)],
  [
    'validation/serialization',
    (u) => /node_modules\/(ajv|ajv-formats|fast-json-stringify|fast-uri|json-schema-ref-resolver)\//.test(u),
  ],
  ['http stack (fastify, node:http)', (u) => /node_modules\/(fastify|@fastify|find-my-way|avvio)/.test(u)],
  ['roster src (other)', (u) => u.includes('/src/')],
];
/** A stack of Node's own frames only. */
const nodeArea = (url: string): string =>
  /^node:(_http|http|net|internal\/(http|stream|net|streams|stream_base))/.test(url)
    ? 'http stack (fastify, node:http)'
    : 'node internals (other)';
const isNode = (url: string) => url === '' || (url.startsWith('node:') && url !== 'node:sqlite');

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const file = process.argv[2];
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-summary.ts <file.cpuprofile> [--seconds=8] [--top=25] [--start=S]\n',
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const name = (n: ProfileNode) => {
  const { url, functionName, lineNumber } = n.callFrame;
  const path = url.startsWith('file://') ? relative(process.cwd(), new URL(url).pathname) : url;
  const where = path.replace(/^.*\/node_modules\//, 'node_modules/');
  return `${where || '(native)'}:${functionName || '(anonymous)'}${url ? `:${lineNumber + 1}` : ''}`;
};
const areaOf = (id: number): string => {
  const leaf = byId.get(id)!.callFrame;
  if (leaf.functionName === '(garbage collector)') return 'GC';
  if (leaf.functionName === '(program)') return 'V8 (program)';
  let firstNodeUrl = '';
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { url } = byId.get(at)!.callFrame;
    if (isNode(url)) {
      firstNodeUrl ||= url;
      continue;
    }
    for (const [area, test] of AREAS) if (test(url)) return area;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    return pkg ? `other: ${pkg}` : 'other';
  }
  return nodeArea(firstNodeUrl);
};

// The window: the `seconds` with the most time spent under node:http's
// request handling (a load run, not start-up or the sign-up before it).
const times: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) {
  t += d;
  times.push(t);
}
const seconds = arg('seconds', 8);
const idle = profile.samples.map((s) => byId.get(s)!.callFrame.functionName === '(idle)');
const underHttp = new Map<number, boolean>();
const servesHttp = (id: number): boolean => {
  let known = underHttp.get(id);
  if (known === undefined) {
    const up = parent.get(id);
    known = byId.get(id)!.callFrame.url.startsWith('node:_http_') || (up !== undefined && servesHttp(up));
    underHttp.set(id, known);
  }
  return known;
};
const busyOf = (i: number) => (servesHttp(profile.samples[i]!) ? (profile.timeDeltas[i + 1] ?? 0) : 0);
let best = 0;
let bestBusy = -1;
for (let i = 0, j = 0, busyIn = 0; i < times.length; i++) {
  while (j < times.length && times[j]! - times[i]! < seconds * 1e6) busyIn += busyOf(j++);
  if (busyIn > bestBusy) {
    bestBusy = busyIn;
    best = i;
  }
  busyIn -= busyOf(i);
}
const start = arg('start', Number.NaN);
if (!Number.isNaN(start))
  best = Math.max(
    0,
    times.findIndex((at) => at >= start * 1e6),
  );
const selfUs = new Map<number, number>();
let total = 0;
let idleUs = 0;
for (let i = best; i < times.length && times[i]! - times[best]! < seconds * 1e6; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (idle[i]) idleUs += dt;
  else {
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + dt);
    total += dt;
  }
}
const pct = (us: number) => Math.round((us / total) * 1000) / 10;
const areas = new Map<string, number>();
const functions = new Map<string, { us: number; area: string }>();
for (const [id, us] of selfUs) {
  const area = areaOf(id);
  areas.set(area, (areas.get(area) ?? 0) + us);
  const key = name(byId.get(id)!);
  const f = functions.get(key) ?? { us: 0, area };
  f.us += us;
  functions.set(key, f);
}
/** Self time of the product's own files, whatever their area. */
const srcFiles = new Map<string, number>();
for (const [fn, { us }] of functions) {
  const path = /^(src\/[^:]+)/.exec(fn)?.[1];
  if (path) srcFiles.set(path, (srcFiles.get(path) ?? 0) + us);
}
const top = arg('top', 25);
process.stdout.write(
  `${JSON.stringify(
    {
      windowSeconds: seconds,
      windowStartSeconds: Math.round(times[best]! / 1e5) / 10,
      busyMs: Math.round(total / 1000),
      idleMs: Math.round(idleUs / 1000),
      areas: Object.fromEntries([...areas].sort((a, b) => b[1] - a[1]).map(([a, us]) => [a, pct(us)])),
      srcFiles: Object.fromEntries(
        [...srcFiles]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([f, us]) => [f, pct(us)]),
      ),
      topSelf: [...functions]
        .sort((a, b) => b[1].us - a[1].us)
        .slice(0, top)
        .map(([fn, { us, area }]) => ({ percent: pct(us), area, fn })),
    },
    null,
    1,
  )}\n`,
);
