// The command line. Every command reads the same configuration as the server
// and may run while the server does (SQLite in WAL mode with a busy timeout;
// PostgreSQL as usual).
import type { Config } from '../config/load-config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { startServer, stopOnSignals } from '../server.ts';
import { apikeyCommand } from './apikey-commands.ts';
import { clientCommand } from './client-commands.ts';
import { keysCommand } from './keys-commands.ts';
import { UsageError, userCommand } from './user-commands.ts';

export { UsageError };

export const USAGE = `Usage: roster <command>

Commands:
  serve      start the server (what \`npm start\` runs)
  migrate    apply pending database migrations and exit
  user       create, list, show, ban and delete accounts (\`roster user\` for details)
  apikey     create, list and revoke service keys (\`roster apikey\` for details)
  keys       list or rotate the keys that sign access tokens

Configuration is read from environment variables; see the README.
`;

export async function runCommand(command: string, args: string[], config: Config): Promise<number> {
  switch (command) {
    case 'serve': {
      if (args.length > 0) throw new UsageError(`serve takes no arguments\n\n${USAGE}`);
      stopOnSignals(await startServer(config));
      return 0;
    }
    case 'migrate': {
      const database = openDatabase(config.database);
      try {
        const applied = await migrateToLatest(database);
        process.stdout.write(applied.length > 0 ? `${applied.join('\n')}\n` : 'database is up to date\n');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'keys':
      return keysCommand(args, config, (line) => process.stdout.write(`${line}\n`));
    case 'apikey':
      return apikeyCommand(args, config, (line) => process.stdout.write(`${line}\n`));
    case 'client':
      return clientCommand(args, config, (line) => process.stdout.write(`${line}\n`));
    case 'user':
      return userCommand(args, config, (line) => process.stdout.write(`${line}\n`));
    default:
      process.stderr.write(`roster: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
