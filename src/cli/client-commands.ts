// `roster client …`: the OAuth clients (applications that may ask users for
// access). A confidential client's secret is printed once, at creation or
// rotation; Roster keeps only its digest.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { compose } from '../compose.ts';
import type { Config } from '../config/load-config.ts';
import { OAUTH_SCOPES, type OAuthClient } from '../modules/oauth/index.ts';
import { CLI_PRINCIPAL } from '../platform/auth/principal.ts';
import { systemClock } from '../platform/clock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { loggerOptions } from '../platform/logger.ts';
import { SYSTEM_CONTEXT } from '../platform/request-context.ts';
import { printedRefusal, UsageError } from './user-commands.ts';

export const CLIENT_USAGE = `Usage: roster client <command> [--json]

  create --name N --redirect-uri U [--redirect-uri U ...] [--post-logout-redirect-uri U ...]
         [--public] [--scope S ...] [--first-party]
                         register a client and print its id and, once, its secret
                         (public clients have none); scopes: ${OAUTH_SCOPES.join(', ')}
                         (default: openid profile email)
  list                   every client (never a secret)
  show <clientId>        one client
  rotate-secret <clientId>
                         a new secret, printed once; the old one stops working at once
  delete <clientId>      remove the client
`;

/** A client as lines of `key: value`, for people; --json prints the object. */
function describe(client: OAuthClient, secret?: string | null): string[] {
  return [
    `client id: ${client.clientId}`,
    ...(secret ? [`client secret: ${secret}  (shown once: store it now)`] : []),
    `name: ${client.name}`,
    `type: ${client.public ? 'public' : 'confidential'}${client.firstParty ? ', first party' : ''}`,
    `redirect URIs: ${client.redirectUris.join(' ')}`,
    `post-logout redirect URIs: ${client.postLogoutRedirectUris.join(' ') || '(none)'}`,
    `scopes: ${client.scopes.join(' ')}`,
    `created: ${client.createdAt}`,
  ];
}

export async function clientCommand(
  args: string[],
  config: Config,
  out: (line: string) => void,
): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      scope: { type: 'string', multiple: true },
      'first-party': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const print = (client: OAuthClient, secret?: string | null) => {
    if (values.json) out(JSON.stringify(secret === undefined ? client : { ...client, clientSecret: secret }));
    else for (const line of describe(client, secret)) out(line);
  };
  const one = () => {
    if (positionals.length !== 1) throw new UsageError(CLIENT_USAGE);
    return positionals[0]!;
  };
  const database = openDatabase(config.database);
  // The whole core, as the server composes it: removing a client ends its
  // grants, and every node hears that their sessions ended.
  const logger = pino(loggerOptions(config.logLevel === 'info' ? 'warn' : config.logLevel));
  const roster = compose(config, database, systemClock, logger);
  try {
    await migrateToLatest(database);
    const clients = roster.oauthClients;
    switch (sub) {
      case 'create': {
        if (!values.name || !values['redirect-uri']) throw new UsageError(CLIENT_USAGE);
        const { client, secret } = await clients.create(
          CLI_PRINCIPAL,
          {
            name: values.name,
            redirectUris: values['redirect-uri'],
            postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
            public: values.public ?? false,
            ...(values.scope ? { scopes: values.scope } : {}),
            firstParty: values['first-party'] ?? false,
          },
          SYSTEM_CONTEXT,
        );
        print(client, secret);
        return 0;
      }
      case 'list': {
        const all = await clients.list(CLI_PRINCIPAL);
        if (values.json) out(JSON.stringify(all));
        else for (const c of all) out(`${c.clientId}  ${c.public ? 'public' : 'confidential'}  ${c.name}`);
        return 0;
      }
      case 'show': {
        print(await clients.show(CLI_PRINCIPAL, one()));
        return 0;
      }
      case 'rotate-secret': {
        const { client, secret } = await clients.rotateSecret(CLI_PRINCIPAL, one(), SYSTEM_CONTEXT);
        print(client, secret);
        return 0;
      }
      case 'delete': {
        await clients.delete(CLI_PRINCIPAL, one(), SYSTEM_CONTEXT);
        out('deleted');
        return 0;
      }
      default:
        throw new UsageError(CLIENT_USAGE);
    }
  } catch (error) {
    if (printedRefusal(error)) return 1;
    throw error;
  } finally {
    await roster.stop();
    await database.close();
  }
}
