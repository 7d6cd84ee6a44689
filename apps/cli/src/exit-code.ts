import type { Command } from 'commander';
import { ExitCode } from './io';

// The exit code a command reports lives here, not in main.ts, so commands never
// import main.ts (which imports every command) and the CLI has no import cycle.

const exitCodes = new WeakMap<Command, number>();

function rootOf(command: Command): Command {
  let root: Command = command;
  while (root.parent) root = root.parent;
  return root;
}

/** Commands report a non-zero outcome (e.g. lint errors) through this, not process.exit. */
export function setExitCode(command: Command, code: number): void {
  exitCodes.set(rootOf(command), code);
}

/** The code a command of `program` set during its run, else ok. */
export function exitCodeOf(program: Command): number {
  return exitCodes.get(rootOf(program)) ?? ExitCode.ok;
}
