// Writes docs/errors.md, the list of every error code, from the catalogues
// themselves (src/platform/errors.ts and every *.errors.ts). `npm run
// docs:errors` rewrites it; a test fails when it is stale.
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STATUS_BY_KIND } from '../src/http/problem.ts';
import type { ErrorDefinition } from '../src/platform/domain-error.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const ERRORS_DOC = join(ROOT, 'docs/errors.md');

function catalogueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return catalogueFiles(path);
    return entry.name.endsWith('.errors.ts') || path.endsWith('platform/errors.ts') ? [path] : [];
  });
}

const isDefinition = (v: unknown): v is ErrorDefinition =>
  typeof v === 'object' && v !== null && 'kind' in v && 'title' in v;

export async function errorsDoc(): Promise<string> {
  const rows: string[] = [];
  for (const file of catalogueFiles(join(ROOT, 'src')).sort()) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value !== 'object' || value === null) continue;
      for (const [code, definition] of Object.entries(value)) {
        if (!isDefinition(definition)) continue;
        const status = STATUS_BY_KIND[definition.kind];
        rows.push(`| \`${code}\` | ${status} | ${definition.title} | \`${relative(ROOT, file)}\` |`);
      }
    }
  }
  return [
    '# Error codes',
    '',
    'Every `code` a problem+json reply of the native API can carry, with its HTTP',
    'status and public title. Generated from the catalogues (`npm run docs:errors`);',
    'a test fails when this file is stale. Codes are stable: clients may branch on them.',
    '',
    '| code | status | title | catalogue |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.main) {
  writeFileSync(ERRORS_DOC, await errorsDoc());
  process.stdout.write('docs/errors.md updated\n');
}
