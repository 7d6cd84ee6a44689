import { Command, CommanderError } from 'commander';
import { preloadCommand, registerCommands } from './commands/index';
import { exitCodeOf } from './exit-code';
import { CliError, ExitCode, processIo, type CliIo } from './io';

export function buildProgram(io: CliIo): Command {
  const program = new Command('iamroll')
    .description(
      'Move a Kong Gateway fleet from password to AWS IAM authentication on Amazon RDS PostgreSQL, in stages, inside the IAM rate budget.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCommands(program, io);
  // Subcommands inherit neither exitOverride nor output settings: apply them to all.
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  await preloadCommand(argv[0]);
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodeOf(program);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (error.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.stderr(`iamroll: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`iamroll: unexpected error: ${message}\n`);
    return ExitCode.usage;
  }
}
