import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { PreflightCheck, PreflightResult } from '@iamroll/core/preflight';
import { setExitCode } from '../exit-code';
import { ExitCode, type CliIo } from '../io';
import { readInputFile } from '../kong-inputs';

// `iamroll preflight`: every prerequisite of IAM authentication for the node's target stage,
// proven from this machine with Kong's configuration and environment, changing nothing. The
// agent runs the same checks (core/preflight runPreflight) when the controller asks.

interface PreflightFlags {
  readonly kongConf: string;
  readonly envFile?: string;
  readonly to: 'ro_iam' | 'rw_iam';
  readonly connectHost?: string;
  readonly format: 'text' | 'json';
  readonly timeoutMs: number;
}

const MARKS: Readonly<Record<PreflightCheck['status'], string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  skip: 'SKIP',
  info: 'INFO',
};

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function formatPreflight(result: PreflightResult, confPath: string): string {
  const failed = result.checks.filter((check) => check.status === 'fail').length;
  const lines = [
    `preflight for ${result.stage} of ${confPath}: ${failed === 0 ? 'every check passed' : `${failed} check${failed === 1 ? '' : 's'} failed`}`,
    '',
  ];
  for (const check of result.checks) {
    const name = check.connection
      ? `${check.id} (${check.connection === 'rw' ? 'read-write' : 'read-only'})`
      : check.id;
    lines.push(`${MARKS[check.status]}  ${name}`, indent(check.message, '      '));
    if (check.status === 'fail' && check.fix !== '') lines.push('      fix:', indent(check.fix, '        '));
  }
  return `${lines.join('\n')}\n`;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new Error(`"${value}" is not a positive whole number of milliseconds`);
  return parsed;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('preflight')
    .description(
      "Prove every prerequisite of IAM authentication for a node's target stage, from the node, without changing Kong: " +
        'credentials, STS, assume-role, token, TLS login, rds_iam membership, database rights, lint, reminders.',
    )
    .requiredOption('--kong-conf <file>', "path of the node's kong.conf")
    .option(
      '--env-file <file>',
      "file with the variables Kong starts with (KONG_*, AWS_*: systemd EnvironmentFile, docker --env-file); it wins over iamroll's own environment",
    )
    .addOption(
      new Option('--to <stage>', 'the stage to prove: ro_iam or rw_iam')
        .choices(['ro_iam', 'rw_iam'])
        .makeOptionMandatory(),
    )
    .option(
      '--connect-host <address>',
      'open TCP here (a tunnel, a bastion, the simulator on 127.0.0.1); pg_port, the token and TLS still name pg_host',
    )
    .option('--timeout-ms <ms>', 'deadline of each network step', positiveInteger, 10_000)
    .addOption(
      new Option('--format <format>', 'text: a checklist with the fix under each failure; json: the PreflightResult')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
The target stage's configuration is what \`iamroll plan --to <stage>\` would write, computed in
memory. Credentials come from Kong's environment (the env file over this process's), in the
order of Kong's chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE + shared files,
ECS container credentials, web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), EC2
instance metadata. The CA bundle is lua_ssl_trusted_certificate, as Kong uses it.

Exit status: 0 every check passed, 1 a check failed, 2 usage or unreadable input.

Examples:
  iamroll preflight --kong-conf /etc/kong/kong.conf --to ro_iam
  iamroll preflight --kong-conf kong.conf --env-file /etc/kong/kong.env --to rw_iam --format json
  iamroll preflight --kong-conf kong.conf --to rw_iam --connect-host 127.0.0.1   # through a tunnel`,
    )
    .action(async (flags: PreflightFlags, command: Command) => {
      const confText = await readInputFile(
        io,
        flags.kongConf,
        'kong.conf',
        "Pass the path of the node's kong.conf with --kong-conf.",
      );
      const envFileText =
        flags.envFile === undefined
          ? undefined
          : await readInputFile(
              io,
              flags.envFile,
              'env file',
              'Pass the file holding the variables Kong starts with, or leave out --env-file.',
            );
      const { runPreflight } = await import('@iamroll/core/preflight');
      const result = await runPreflight({
        kongConf: { text: confText, path: resolve(io.cwd, flags.kongConf) },
        ...(envFileText === undefined ? {} : { envFile: { text: envFileText } }),
        processEnv: io.env,
        to: flags.to,
        ...(flags.connectHost ? { connectHost: flags.connectHost } : {}),
        timeoutMs: flags.timeoutMs,
        now: Date.now,
      });
      io.stdout(
        flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatPreflight(result, flags.kongConf),
      );
      if (!result.isPassed) setExitCode(command, ExitCode.findings);
    });
}
