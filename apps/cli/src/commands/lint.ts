import { Option, type Command } from 'commander';
import {
  countBySeverity,
  effectiveConfig,
  lintKongConf,
  loadKongConf,
  type ConnectionSettings,
} from '@iamroll/core/config';
import { setExitCode } from '../exit-code';
import { ExitCode, type CliIo } from '../io';
import { formatFinding, readKongInputs } from '../kong-inputs';

// `iamroll lint`: reads kong.conf, the environment and an optional env file exactly as
// Kong would, and reports what Kong will really do with the IAM settings.

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

function describeConnection(label: string, settings: ConnectionSettings | null): string {
  if (settings === null) return `${label}  none (pg_ro_host is not set: every query uses the read-write connection)`;
  const iam = settings.iam
    ? `IAM on (signing region ${settings.region ?? 'not found'})`
    : `password ${settings.hasPassword ? 'set' : 'not set'}, IAM off`;
  const tls = `TLS ${onOff(settings.ssl)} (required ${onOff(settings.sslRequired)}, verify ${onOff(settings.sslVerify)}, ${settings.sslVersion ?? 'no version'})`;
  return `${label}  ${settings.host ?? '(no host)'}:${settings.port ?? '?'} database ${settings.database ?? '?'} user ${settings.user ?? '?'}; ${iam}; ${tls}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 || word === 'info' ? '' : 's'}`;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('lint')
    .description("Check a node's Kong configuration for AWS IAM database authentication, as Kong itself reads it.")
    .argument('<kong.conf>', "path of the node's kong.conf")
    .option(
      '--env-file <file>',
      "file with the KONG_* variables Kong starts with (systemd EnvironmentFile, docker --env-file); it wins over iamroll's own environment",
    )
    .addOption(
      new Option(
        '--format <format>',
        'text: a report for people; json: {"findings": [...], "effective": {"rw": {...}, "ro": {...} | null}}',
      )
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Kong reads kong.conf, then KONG_<SETTING> environment variables override it. iamroll
reads both the same way (the KONG_* variables of its own environment, or --env-file).

Exit status: 0 no error finding, 1 at least one error finding, 2 usage or I/O error.

Examples:
  iamroll lint /etc/kong/kong.conf
  iamroll lint kong.conf --env-file /etc/kong/kong.env --format json`,
    )
    .action(async (confPath: string, options: { envFile?: string; format: 'text' | 'json' }, command: Command) => {
      const input = await readKongInputs(io, confPath, options.envFile);
      const conf = loadKongConf(input);
      const findings = lintKongConf(conf);
      const effective = effectiveConfig(conf);
      if (options.format === 'json') {
        io.stdout(`${JSON.stringify({ findings, effective: { rw: effective.rw, ro: effective.ro } }, null, 2)}\n`);
      } else {
        const out = [
          describeConnection('read-write', effective.rw),
          describeConnection('read-only ', effective.ro),
          '',
          ...findings.map(formatFinding),
        ];
        const counts = countBySeverity(findings);
        const summary =
          findings.length === 0
            ? `no findings in ${confPath}`
            : `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'info')} in ${confPath}`;
        io.stdout(`${out.join('\n')}${summary}\n`);
      }
      if (findings.some((finding) => finding.severity === 'error')) setExitCode(command, ExitCode.findings);
    });
}
