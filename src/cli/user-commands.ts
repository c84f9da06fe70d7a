// `roster user …`: operator look-ups and actions on the same database the
// server uses, safe to run while it serves.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { compose } from '../compose.ts';
import type { Config } from '../config/load-config.ts';
import type { User } from '../modules/users/index.ts';
import { CLI_PRINCIPAL } from '../platform/auth/principal.ts';
import { systemClock } from '../platform/clock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { DomainError } from '../platform/domain-error.ts';
import { loggerOptions } from '../platform/logger.ts';

export const USER_USAGE = `Usage: roster user <command>

  create --email E --password P [--role admin|<a ROSTER_ROLES role>] [--unverified]
                          create an account (verified unless --unverified)
  list [--limit N] [--before ID] [--json]
                          newest accounts first
  show <id or email>      one account as JSON
  ban <id or email>       disable sign-in and end every session
  delete <id or email>    erase the account (sessions end, personal data goes)
`;

export class UsageError extends Error {}

/** Prints a refusal of the domain (its code, detail and field errors); false for any other error. */
export function printedRefusal(error: unknown): boolean {
  if (!(error instanceof DomainError)) return false;
  const fields = (error.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
  process.stderr.write(`roster: ${error.code}: ${error.detail}${fields}\n`);
  return true;
}

const summary = (u: User) => ({
  id: u.id,
  email: u.email,
  username: u.username,
  role: u.role,
  status: u.status,
  emailVerified: u.emailVerifiedAt !== null,
  createdAt: u.createdAt,
});

export async function userCommand(
  args: string[],
  config: Config,
  out: (line: string) => void,
): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      unverified: { type: 'boolean' },
      limit: { type: 'string' },
      before: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const target = () => {
    if (positionals.length !== 1) throw new UsageError(`user ${sub} needs one id or email\n\n${USER_USAGE}`);
    return positionals[0]!;
  };

  const database = openDatabase(config.database);
  const logger = pino(loggerOptions(config.logLevel === 'info' ? 'warn' : config.logLevel));
  const roster = compose(config, database, systemClock, logger);
  try {
    await migrateToLatest(database);
    const { operator } = roster;
    switch (sub) {
      case 'create': {
        if (!values.email || !values.password)
          throw new UsageError(`user create needs --email and --password\n\n${USER_USAGE}`);
        const role = values.role ?? 'user';
        const roles = ['user', 'admin', ...config.standing.roles];
        if (!roles.includes(role)) throw new UsageError(`--role is one of ${roles.join(', ')}`);
        const user = await operator.createUser(CLI_PRINCIPAL, {
          email: values.email,
          password: values.password,
          role,
          verified: !values.unverified,
        });
        out(JSON.stringify(summary(user)));
        return 0;
      }
      case 'list': {
        const limit = Number(values.limit ?? 50);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new UsageError('--limit is 1 to 1000');
        const users = await operator.list(CLI_PRINCIPAL, {
          limit,
          ...(values.before ? { before: values.before } : {}),
        });
        if (values.json) out(JSON.stringify(users.map(summary)));
        else
          for (const u of users)
            out([u.id, u.email ?? '-', u.username ?? '-', u.role, u.status, u.createdAt].join('\t'));
        return 0;
      }
      case 'show':
        out(JSON.stringify(summary(await operator.findUser(CLI_PRINCIPAL, target())), null, 2));
        return 0;
      case 'ban':
        out(JSON.stringify(summary(await operator.banUser(CLI_PRINCIPAL, target()))));
        return 0;
      case 'delete':
        await operator.deleteUser(CLI_PRINCIPAL, target());
        out('deleted');
        return 0;
      default:
        throw new UsageError(USER_USAGE);
    }
  } catch (error) {
    if (printedRefusal(error)) return 1;
    throw error;
  } finally {
    await roster.stop();
    await database.close();
  }
}
