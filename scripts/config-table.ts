// Prints the README's configuration table from src/config/config.schema.ts.
// `npm run docs:config` rewrites the README section; a test fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type VariableSpec } from '../src/config/config.schema.ts';

export const README = resolve(import.meta.dirname, '../README.md');
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = Object.entries(configSchema as Record<string, VariableSpec<unknown>>).map(([name, spec]) => {
    const fallback = spec.defaultDoc ?? (spec.default !== undefined ? `\`${spec.default}\`` : 'unset');
    return `| \`${name}\` | ${fallback} | ${spec.doc.replaceAll('|', '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The README with its table section replaced by the current table. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (import.meta.main) {
  writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8')));
  process.stdout.write('README.md configuration table updated\n');
}
