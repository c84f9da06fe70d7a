// `roster apikey …`: service keys for machine callers (token introspection).
import { parseArgs } from 'node:util';
import type { Config } from '../config/load-config.ts';
import { createApiKeys, SERVICE_SCOPES } from '../modules/sessions/index.ts';
import { systemClock } from '../platform/clock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { UsageError } from './user-commands.ts';

export const APIKEY_USAGE = `Usage: roster apikey <command>

  create --name N --scope S [--scope S ...]
                   create a service key and print it (shown once); scopes: ${SERVICE_SCOPES.join(', ')}
  list             every key (never the key itself)
  revoke <id>      the key stops working at once
`;

export async function apikeyCommand(
  args: string[],
  config: Config,
  out: (line: string) => void,
): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
  });
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database);
    const keys = createApiKeys({ db: database.db, clock: systemClock });
    switch (sub) {
      case 'create': {
        const scopes = values.scope ?? [];
        const unknown = scopes.filter((s) => !(SERVICE_SCOPES as readonly string[]).includes(s));
        if (!values.name || scopes.length === 0 || unknown.length > 0) {
          throw new UsageError(
            `${unknown.length > 0 ? `unknown scope ${unknown.join(', ')}\n\n` : ''}${APIKEY_USAGE}`,
          );
        }
        const { key, summary } = await keys.create(values.name, scopes);
        out(JSON.stringify({ ...summary, key }));
        return 0;
      }
      case 'list':
        for (const k of await keys.list()) out(JSON.stringify(k));
        return 0;
      case 'revoke': {
        if (positionals.length !== 1) throw new UsageError(APIKEY_USAGE);
        if (!(await keys.revoke(positionals[0]!))) {
          process.stderr.write('roster: no such live key\n');
          return 1;
        }
        out('revoked');
        return 0;
      }
      default:
        throw new UsageError(APIKEY_USAGE);
    }
  } finally {
    await database.close();
  }
}
