/**
 * The hostcycle command line. Subcommands live in `commands/` and are registered in COMMANDS; adding
 * one is a new file and one line here. Exit codes: 0 success, 1 unexpected failure, 2 bad invocation
 * or input (one message on stderr, no stack).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HostcycleError, UnknownPresetError, ValidationError } from '../domain/errors';
import { datesCommand } from './commands/dates';
import { policyCommand } from './commands/policy';
import { simulateCommand } from './commands/simulate';
import { webhookSendCommand } from './commands/webhook-send';
import { table, UsageError, type CliIo, type Command } from './io';

const COMMANDS: Record<string, Command> = {
  policy: policyCommand,
  dates: datesCommand,
  simulate: simulateCommand,
  webhook: webhookSendCommand,
};

function help(io: CliIo): void {
  io.out('hostcycle — lifecycle automation for hosting providers');
  io.out('');
  io.out('usage: hostcycle <command> [options]');
  io.out('');
  for (const line of table(['command', 'summary'], Object.values(COMMANDS).map((c) => [c.usage, c.summary]))) io.out(line);
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`hostcycle: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: ${command.usage}`);
    io.out(command.summary);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownPresetError || error instanceof ValidationError) {
      io.err(`hostcycle ${name}: ${error.message}`);
      return 2;
    }
    // node:util parseArgs reports unknown or malformed options with these codes.
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`hostcycle ${name}: ${error.message}`);
      return 2;
    }
    io.err(`hostcycle ${name}: ${error instanceof HostcycleError ? error.message : String(error instanceof Error ? error.stack : error)}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  // `hostcycle policy x | head` closes the pipe early; that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const io: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  process.exitCode = await main(process.argv.slice(2), io);
}
