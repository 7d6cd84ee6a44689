import type { Command } from 'commander';
import { environmentHelp, runController, type ControllerFlags } from '../controller';
import type { CliIo } from '../io';
import { parseListenPort } from '../options';

export function register(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'Run the controller: the HTTP API agents and the dashboard talk to, on PostgreSQL (DATABASE_URL, or an embedded one).',
    )
    .option('--host <host>', 'interface to listen on (default: IAMROLL_HOST, else 127.0.0.1)')
    .option(
      '--port <port>',
      'TCP port to listen on (default: IAMROLL_PORT, else 8080; 0 = any free port)',
      parseListenPort,
    )
    .addHelpText(
      'after',
      () =>
        `${environmentHelp()}\nPrints the URL, and on the very first start the generated admin password (once). Logs go to stdout as JSON lines unless IAMROLL_LOG_FILE is set.\n`,
    )
    .action(async (flags: ControllerFlags) => runController(io, flags, { isLoggingToFile: false }));
}
