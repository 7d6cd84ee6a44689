import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import {
  IAM_STAGES,
  envVarName,
  planStage,
  renderConf,
  renderEnvEdits,
  unifiedDiff,
  type ConfEdit,
  type IamStage,
  type StagePlan,
} from '@iamroll/core/config';
import { setExitCode } from '../exit-code';
import { CliError, ExitCode, type CliIo } from '../io';
import { formatFinding, readKongInputs } from '../kong-inputs';

// `iamroll plan`: the exact edits that move one node to a stage, as a new kong.conf, as
// KONG_* variables or as a diff, with the rollback edits and what blocks the change.
// stdout carries only the artifact (so it can be redirected); everything for people
// goes to stderr.

type Format = 'conf' | 'env' | 'diff';

interface PlanOptions {
  readonly to: IamStage;
  readonly iamUser?: string;
  readonly passwordUser?: string;
  readonly envFile?: string;
  readonly format: Format;
}

function describeEdit(edit: ConfEdit, format: Format): string {
  if (format === 'env')
    return edit.op === 'set' ? `${envVarName(edit.key)}=${edit.value}` : `unset ${envVarName(edit.key)}`;
  return edit.op === 'set' ? `${edit.key} = ${edit.value}` : `remove ${edit.key} (back to Kong's default)`;
}

function report(plan: StagePlan, confPath: string, format: Format): string {
  const lines = [`plan: ${plan.from} -> ${plan.to} for ${confPath}`];
  if (plan.edits.length > 0) {
    lines.push(
      `edits (${format === 'env' ? "Kong's environment" : 'kong.conf'}):`,
      ...plan.edits.map((edit) => `  ${describeEdit(edit, format)}`),
    );
    lines.push('rollback (apply these to undo):', ...plan.reverse.map((edit) => `  ${describeEdit(edit, format)}`));
  }
  if (plan.notes.length > 0) lines.push('notes:', ...plan.notes.map((note) => `  - ${note}`));
  if (plan.blockers.length > 0) {
    lines.push(
      `blocked: fix ${plan.blockers.length === 1 ? 'this' : `these ${plan.blockers.length} problems`} before applying:`,
    );
    lines.push(...plan.blockers.map((finding) => formatFinding(finding).trimEnd()));
  }
  return `${lines.join('\n')}\n`;
}

function artifact(confText: string, plan: StagePlan, confPath: string, format: Format): string {
  try {
    if (format === 'env') return renderEnvEdits(plan.edits);
    const next = renderConf(confText, plan.edits);
    if (format === 'conf') return next;
    const name = basename(confPath);
    return unifiedDiff(confText, next, { fromName: `a/${name}`, toName: `b/${name}` });
  } catch (error) {
    throw new CliError(
      `cannot write the planned change: ${error instanceof Error ? error.message : String(error)}`,
      ExitCode.usage,
    );
  }
}

export function register(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('Print the exact changes that move a node to a stage of the IAM rollout, and how to roll them back.')
    .argument('<kong.conf>', "path of the node's kong.conf")
    .addOption(
      new Option(
        '--to <stage>',
        'password: no IAM; ro_iam: only the read-only connection (pg_ro_host) on IAM; rw_iam: both connections on IAM',
      )
        .choices(IAM_STAGES)
        .makeOptionMandatory(),
    )
    .option(
      '--iam-user <name>',
      'the IAM-enabled database user (member of rds_iam) Kong logs in as; default <current pg_user>_iam',
    )
    .option(
      '--password-user <name>',
      'when leaving IAM: the password user to return to (a member of rds_iam cannot log in with a password)',
    )
    .option(
      '--env-file <file>',
      "file with the KONG_* variables Kong starts with; it wins over iamroll's own environment",
    )
    .addOption(
      new Option(
        '--format <format>',
        "conf: the whole new kong.conf (your file as-is apart from the edits, pg_password included); env: KONG_* lines for Kong's environment; diff: a unified diff of kong.conf (passwords masked)",
      )
        .choices(['conf', 'env', 'diff'])
        .default('diff'),
    )
    .addHelpText(
      'after',
      `
The password user and pg_password are never removed: a user granted rds_iam can only
log in with IAM, so IAM uses a dedicated user and rollback switches back to the old one.
Problems only the operator can resolve (client certificates, an IP address as pg_host,
KONG_* variables overriding kong.conf) are printed as blockers; nothing is removed for you.

The change goes to stdout, the explanation, rollback and blockers to stderr.
Exit status: 0 ready to apply, 1 blocked or impossible, 2 usage or I/O error.

Examples:
  iamroll plan /etc/kong/kong.conf --to ro_iam
  iamroll plan kong.conf --to rw_iam --iam-user kong_iam --format conf > kong.conf.new
  iamroll plan kong.conf --to rw_iam --env-file /etc/kong/kong.env --format env`,
    )
    .action(async (confPath: string, options: PlanOptions, command: Command) => {
      const input = await readKongInputs(io, confPath, options.envFile);
      const plan = planStage(input, options.to, {
        target: options.format === 'env' ? 'env' : 'conf',
        ...(options.iamUser === undefined ? {} : { iamUser: options.iamUser }),
        ...(options.passwordUser === undefined ? {} : { passwordUser: options.passwordUser }),
      });
      if (plan.error !== null) throw new CliError(plan.error, ExitCode.findings);
      io.stdout(artifact(input.confText, plan, confPath, options.format));
      io.stderr(report(plan, confPath, options.format));
      if (plan.blockers.length > 0) setExitCode(command, ExitCode.findings);
    });
}
