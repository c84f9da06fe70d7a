// Writes docs/openapi.json, the checked-in copy of the generated OpenAPI
// document, so reviews show every change to the API surface.
// `npm run openapi` rewrites it; a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

export const OPENAPI_FILE = resolve(import.meta.dirname, '../docs/openapi.json');

/** The document as a fresh default installation serves it. */
export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({
    ROSTER_ENV: 'test',
    ROSTER_SECRET: 'openapi-generation-secret-not-used-for-anything',
    ROSTER_DATA_DIR: resolve(import.meta.dirname, '../data'),
    DATABASE_URL: 'sqlite::memory:',
    PUBLIC_URL: 'http://127.0.0.1:3000',
  });
  const database = openDatabase(config.database);
  await migrateToLatest(database);
  const app = await buildApp({ config, database });
  await app.ready();
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  await database.close();
  return document;
}

if (import.meta.main) {
  writeFileSync(OPENAPI_FILE, await generateOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
