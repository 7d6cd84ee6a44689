import type { Command } from 'commander';
import { runController, type ControllerFlags } from '../controller';
import type { CliIo } from '../io';
import { parseListenPort } from '../options';

export function register(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('Try iamroll: start the controller with an embedded PostgreSQL and open the dashboard URL it prints.')
    .option('--host <host>', 'interface to listen on (default: IAMROLL_HOST, else 127.0.0.1)')
    .option('--port <port>', 'TCP port to listen on (default: IAMROLL_PORT, else 8080)', parseListenPort)
    .addHelpText(
      'after',
      '\nLike `iamroll serve`, but logs go to .data/api/api.log (IAMROLL_LOG_FILE overrides) so the terminal stays readable.\n',
    )
    .action(async (flags: ControllerFlags) =>
      runController(io, flags, {
        isLoggingToFile: true,
        note: 'iamroll start: the controller on its own for now; the sandbox with simulated databases and Kong nodes comes in a later release.',
      }),
    );
}
