import type { Command } from 'commander';
import type { CliIo } from '../io';

/**
 * Every `iamroll` command, one module each. A module exports
 * `register(program, io)` which adds its subcommand with full --help text.
 */
export function registerCommands(_program: Command, _io: CliIo): void {
}
