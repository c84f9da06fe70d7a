// The module boundaries hold by themselves: this test reads the source tree
// and fails on any import or table reference that crosses them.
//
//   - platform/ imports no module, no HTTP plumbing, no face;
//   - a module's domain files import nothing from http/ (its native face, the
//     *.routes.ts and *.schemas.ts files, may);
//   - a module reaches another only through that module's index.ts, and so
//     does every face (compose.ts, the CLI, compat surfaces); app.ts, the
//     HTTP root, also imports each module's *.routes.ts to register it, and
//     a native face (routes, schemas) may use another's *.schemas.ts;
//   - a module's code names only its own tables (declared in its *.table.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

interface Violation {
  readonly file: string;
  readonly rule: string;
  readonly detail: string;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,]+?\s+from\s+)?'([^']+)'/g;
const BUILDER_TABLE =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto)\(\s*['"`]([a-z_]+)(?:\s+as\s+\w+)?['"`]/g;
const SQL_TEMPLATE = /\bsql(?:<[^`]*?>)?`([^`]*)`/g;
const SQL_TABLE = /\b(?:from|join|into|update|exists\s*\(\s*select\s+\S+\s+from)\s+([a-z_]+)\b/gi;
const RE_EXPORT = /export\s*\{([^}]*)\}\s*from\s*'(\.\/[^']+\.repository\.ts)'/g;
const WRITE = /^(insert|update|upsert|delete|erase|mark|set|restore|remove|store|write)/;
const DECLARED_TABLES = /declare module '[^']*database\.types\.ts'\s*\{\s*interface Tables\s*\{([^}]*)\}/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.contract.ts') ? [path] : [];
  });
}

/** `modules/<m>/…` → m; anything else → null. */
function moduleOf(srcRoot: string, file: string): string | null {
  const parts = relative(srcRoot, file).split(sep);
  return parts[0] === 'modules' && parts.length >= 3 ? parts[1]! : null;
}

const isFace = (file: string) => /\.(routes|schemas)\.ts$/.test(file);

/** Which module owns each table, from the `declare module` blocks of the *.table.ts files. */
function tableOwners(srcRoot: string, files: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of files.filter((f) => f.endsWith('.table.ts'))) {
    const block = DECLARED_TABLES.exec(readFileSync(file, 'utf8'))?.[1];
    if (!block) continue;
    const owner = moduleOf(srcRoot, file) ?? 'platform';
    for (const [, table] of block.matchAll(/(\w+)\s*:/g)) owners.set(table!, owner);
  }
  return owners;
}

function tablesNamedIn(source: string, known: ReadonlyMap<string, string>): Set<string> {
  const named = new Set<string>();
  for (const [, table] of source.matchAll(BUILDER_TABLE)) named.add(table!);
  for (const [, text] of source.matchAll(SQL_TEMPLATE))
    for (const [, table] of text!.matchAll(SQL_TABLE)) named.add(table!.toLowerCase());
  return new Set([...named].filter((t) => known.has(t)));
}

export function checkArchitecture(srcRoot: string): Violation[] {
  const files = walk(srcRoot);
  const owners = tableOwners(srcRoot, files);
  const violations: Violation[] = [];
  for (const file of files) {
    const rel = relative(srcRoot, file);
    const source = readFileSync(file, 'utf8');
    const mine = moduleOf(srcRoot, file);
    const inPlatform = rel.startsWith(`platform${sep}`);
    for (const [, spec] of source.matchAll(IMPORT)) {
      if (!spec!.startsWith('.')) continue;
      const target = resolve(dirname(file), spec!);
      const targetRel = relative(srcRoot, target);
      const theirs = moduleOf(srcRoot, target);
      if (inPlatform && !targetRel.startsWith(`platform${sep}`) && !targetRel.startsWith(`config${sep}`))
        violations.push({ file: rel, rule: 'platform imports no module, http or face', detail: spec! });
      if (mine && !isFace(file) && targetRel.startsWith(`http${sep}`))
        violations.push({ file: rel, rule: 'a module imports nothing from http/', detail: spec! });
      const entry = relative(join(srcRoot, 'modules', theirs ?? ''), target);
      // The HTTP root registers each module's native face, its routes; the
      // native faces share their schema vocabulary (a user, tokens, a code).
      const routesOfApp = rel === 'app.ts' && entry.endsWith('.routes.ts');
      const faceToFace = isFace(file) && entry.endsWith('.schemas.ts');
      if (theirs && theirs !== mine && entry !== 'index.ts' && !routesOfApp && !faceToFace)
        violations.push({ file: rel, rule: `another module is reached through its index.ts`, detail: spec! });
    }
    // An entry hands out look-ups of its repository, never its writes: those go
    // through the module's service, which runs the hooks that follow them.
    if (mine && rel.endsWith(`${sep}index.ts`))
      for (const [, names] of source.matchAll(RE_EXPORT))
        for (const name of names!.split(',').map((n) => n.trim()))
          if (!name.startsWith('type ') && WRITE.test(name))
            violations.push({ file: rel, rule: 'an entry exports no repository write', detail: name });
    if (inPlatform && rel.includes(`${sep}migrations${sep}`)) continue; // migrations create every table
    for (const table of tablesNamedIn(source, owners)) {
      const owner = owners.get(table)!;
      const reader = mine ?? (inPlatform ? 'platform' : null);
      if (reader !== null && owner !== reader)
        violations.push({
          file: rel,
          rule: `a module names only its own tables`,
          detail: `${table} (of ${owner})`,
        });
    }
  }
  return violations;
}

const format = (vs: readonly Violation[]) => vs.map((v) => `${v.file}: ${v.rule}: ${v.detail}`).join('\n');

describe('architecture', () => {
  it('the source tree keeps its module boundaries', () => {
    const violations = checkArchitecture(resolve(import.meta.dirname, '../src'));
    assert.equal(violations.length, 0, `\n${format(violations)}`);
  });

  it('every module has an index.ts entry', () => {
    const modules = resolve(import.meta.dirname, '../src/modules');
    const missing = readdirSync(modules).filter(
      (m) => statSync(join(modules, m)).isDirectory() && !readdirSync(join(modules, m)).includes('index.ts'),
    );
    assert.deepEqual(missing, []);
  });

  describe('the check itself (a tree with each kind of violation)', () => {
    function tree(files: Record<string, string>): string {
      const root = mkdtempSync(join(tmpdir(), 'roster-arch-'));
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      return root;
    }
    const tables = {
      'modules/a/a.table.ts':
        "declare module '../../platform/db/database.types.ts' {\n  interface Tables {\n    alphas: AlphasTable;\n  }\n}\n",
      'modules/b/b.table.ts':
        "declare module '../../platform/db/database.types.ts' {\n  interface Tables {\n    betas: BetasTable;\n  }\n}\n",
      'modules/b/index.ts': "export { findBeta } from './b.repository.ts';\n",
      'modules/b/b.repository.ts':
        "export const findBeta = (db) => db.selectFrom('betas').selectAll().execute();\n",
    };

    it('passes a tree that keeps the rules', (t) => {
      const root = tree({
        ...tables,
        'modules/a/a.service.ts': "import { findBeta } from '../b/index.ts';\nexport const x = findBeta;\n",
        'modules/a/a.routes.ts': "import { problem } from '../../http/problem.ts';\n",
        'modules/a/a.repository.ts':
          "export const q = (db) => db.selectFrom('alphas').innerJoin('alphas as x', 'x.id', 'alphas.id');\n",
      });
      t.after(() => rmSync(root, { recursive: true }));
      assert.deepEqual(checkArchitecture(root), []);
    });

    it("fails on a module that imports another's repository", (t) => {
      const root = tree({
        ...tables,
        'modules/a/a.service.ts': "import { findBeta } from '../b/b.repository.ts';\n",
      });
      t.after(() => rmSync(root, { recursive: true }));
      assert.deepEqual(checkArchitecture(root), [
        {
          file: join('modules', 'a', 'a.service.ts'),
          rule: 'another module is reached through its index.ts',
          detail: '../b/b.repository.ts',
        },
      ]);
    });

    it("lets a face use another face's schemas, never a domain file", (t) => {
      const root = tree({
        ...tables,
        'modules/b/b.schemas.ts': 'export const Beta = {};\n',
        'modules/a/a.routes.ts': "import { Beta } from '../b/b.schemas.ts';\n",
        'modules/a/a.service.ts': "import { Beta } from '../b/b.schemas.ts';\n",
      });
      t.after(() => rmSync(root, { recursive: true }));
      assert.deepEqual(
        checkArchitecture(root).map((v) => v.file),
        [join('modules', 'a', 'a.service.ts')],
      );
    });

    it("fails on a module that queries another's table, by builder or raw SQL", (t) => {
      const root = tree({
        ...tables,
        'modules/a/a.repository.ts':
          "export const q = (db) => db.selectFrom('alphas').leftJoin('betas as b', 'b.id', 'alphas.id');\n",
        'modules/a/a-raw.repository.ts':
          'export const r = (db) => sql`delete from betas where id = 1`.execute(db);\n',
      });
      t.after(() => rmSync(root, { recursive: true }));
      const found = checkArchitecture(root).map((v) => `${v.file}: ${v.detail}`);
      assert.deepEqual(found.sort(), [
        `${join('modules', 'a', 'a-raw.repository.ts')}: betas (of b)`,
        `${join('modules', 'a', 'a.repository.ts')}: betas (of b)`,
      ]);
    });

    it('fails on an entry that hands out a repository write', (t) => {
      const root = tree({
        ...tables,
        'modules/b/index.ts': "export { deleteBeta, findBeta, type Beta } from './b.repository.ts';\n",
      });
      t.after(() => rmSync(root, { recursive: true }));
      assert.deepEqual(
        checkArchitecture(root).map((v) => `${v.rule}: ${v.detail}`),
        ['an entry exports no repository write: deleteBeta'],
      );
    });

    it('fails on platform code that imports a module, and domain code that imports http', (t) => {
      const root = tree({
        ...tables,
        'platform/db/thing.ts': "import type { X } from '../../modules/b/index.ts';\n",
        'modules/a/a.service.ts': "import { problem } from '../../http/problem.ts';\n",
      });
      t.after(() => rmSync(root, { recursive: true }));
      const found = checkArchitecture(root).map((v) => `${v.file}: ${v.rule}`);
      assert.deepEqual(found.sort(), [
        `${join('modules', 'a', 'a.service.ts')}: a module imports nothing from http/`,
        `${join('platform', 'db', 'thing.ts')}: platform imports no module, http or face`,
      ]);
    });
  });
});
