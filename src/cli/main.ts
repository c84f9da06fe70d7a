// The server and the command line, as src/main.ts starts them:
// `node src/main.ts <command>` (`npm start` = serve; `npm run cli --
// <command>`). Configuration comes from the environment for every command.

import { type Config, ConfigError, loadConfig } from '../config/load-config.ts';
import { runCommand, USAGE, UsageError } from './commands.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems)
        process.stderr.write(`roster: invalid configuration: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
try {
  process.exitCode = await runCommand(command, args, readConfig());
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`roster: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`roster: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
