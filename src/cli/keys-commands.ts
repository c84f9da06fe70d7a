// `roster keys …`: the Ed25519 keys that sign access tokens.
import type { Config } from '../config/load-config.ts';
import { ACCESS_TOKEN_TTL_SECONDS, createKeyStore } from '../modules/sessions/index.ts';
import { systemClock } from '../platform/clock.ts';
import { createEncrypter } from '../platform/crypto/encryption.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { UsageError } from './user-commands.ts';

export const KEYS_USAGE = `Usage: roster keys <command>

  list     the public keys (JWKS) that verify access tokens
  rotate   a new key signs from now on; older keys keep verifying the tokens they signed
           (running servers pick the new key up within 5 minutes)
`;

export async function keysCommand(
  args: string[],
  config: Config,
  out: (line: string) => void,
): Promise<number> {
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database);
    const keys = createKeyStore({
      db: database.db,
      encrypter: createEncrypter(config.secrets),
      clock: systemClock,
      tokenLifetimeMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
    await keys.reload();
    switch (args[0]) {
      case 'list':
        out(JSON.stringify(await keys.jwks(), null, 2));
        return 0;
      case 'rotate':
        out(JSON.stringify({ kid: await keys.rotate() }));
        return 0;
      default:
        throw new UsageError(KEYS_USAGE);
    }
  } finally {
    await database.close();
  }
}
