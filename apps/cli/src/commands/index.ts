import type { Command } from 'commander';
import { preloadController } from '../controller';
import type { CliIo } from '../io';
import { register as registerToken } from './token';
import { register as registerProbe } from './probe';
import { register as registerSim } from './sim';
import { register as registerLint } from './lint';
import { register as registerPlan } from './plan';
import { register as registerPolicy } from './policy';
import { register as registerServe } from './serve';
import { register as registerStart } from './start';
import { register as registerAgent } from './agent';
import { register as registerPreflight } from './preflight';

/**
 * Every `iamroll` command, one module each. A module exports
 * `register(program, io)` which adds its subcommand with full --help text.
 */
export function registerCommands(program: Command, io: CliIo): void {
  registerToken(program, io);
  registerProbe(program, io);
  registerSim(program, io);
  registerLint(program, io);
  registerPlan(program, io);
  registerPolicy(program, io);
  registerServe(program, io);
  registerStart(program, io);
  registerAgent(program, io);
  registerPreflight(program, io);
}

/**
 * Heavy modules a command needs before parsing (for its --help text). Everything
 * else loads inside the action, so light commands start fast.
 */
const preloaders: Readonly<Record<string, () => Promise<void>>> = {
  serve: preloadController,
  start: preloadController,
};

export async function preloadCommand(name: string | undefined): Promise<void> {
  if (name !== undefined && Object.hasOwn(preloaders, name)) await preloaders[name]?.();
}
