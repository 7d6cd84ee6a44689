import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AgentFlags } from '@iamroll/agent';
import { CliError, type CliIo } from '../io';

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

function parseIntervalMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) throw new InvalidArgumentError('expected 100..600000 ms');
  return ms;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function register(program: Command, io: CliIo): void {
  program
    .command('agent')
    .description(
      'Run the agent beside a Kong node: enroll once, heartbeat to the controller, and apply the stage it asks for ' +
        '(backup → atomic write → restart → health check + probe login; undone on failure; journaled across crashes). ' +
        'The enrollment token is read from --enrollment-token-file or IAMROLL_ENROLLMENT_TOKEN, never from the command line.',
    )
    .requiredOption('--controller <url>', 'the iamroll controller, e.g. https://iamroll.example.com')
    .requiredOption('--kong-conf <path>', "this node's kong.conf")
    .option('--enrollment-token-file <file>', 'file holding the enrollment token (first start only)')
    .option(
      '--env-file <path>',
      'the env file Kong starts with (its KONG_* beat kong.conf): edit it instead of kong.conf',
    )
    .option(
      '--restart-cmd <cmd>',
      'how to make Kong read its configuration again (default: kong restart -c <kong.conf>)',
    )
    .option('--health-cmd <cmd>', 'exit 0 when Kong is healthy after a restart, e.g. "kong health"')
    .option('--state-dir <dir>', 'credential, journal and backups (mode 0700)', '/var/lib/iamroll-agent')
    .option('--label <k=v>', 'a label for this node (repeatable)', collect, [])
    .option('--ca <file>', 'PEM CA bundle for the probe login and monitoring connection (the RDS global bundle)')
    .addOption(
      new Option('--counters <source>', 'connection counters: database-side sampling, or none')
        .choices(['db', 'none'])
        .default('db'),
    )
    .option(
      '--node-address <ip>',
      "this node's address as the database sees it (repeatable; default: all local)",
      collect,
      [],
    )
    .option('--hostname <name>', 'the name to enroll with (default: the host name)')
    .option('--kong-version <version>', 'default: from `kong version`')
    .option('--interval-ms <ms>', 'heartbeat interval until the controller says otherwise', parseIntervalMs, 1_000)
    .action(async (flags: AgentFlags) => {
      const { runAgent } = await import('@iamroll/agent');
      const log = (line: string): void => io.stderr(`${new Date().toISOString()} iamroll agent: ${line}\n`);
      let running: Awaited<ReturnType<typeof runAgent>>;
      try {
        running = await runAgent(flags, io.env, log);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      await untilSignal();
      log('stopping (a switch in progress finishes first)');
      await running.stop();
    });
}
