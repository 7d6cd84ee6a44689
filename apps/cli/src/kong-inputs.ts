import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LintFinding, LoadInput } from '@iamroll/core/config';
import { CliError, ExitCode, type CliIo } from './io';

// What `lint` and `plan` share: reading a node's Kong inputs and printing a finding.

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied (run as a user that can read it)',
  EPERM: 'permission denied (run as a user that can read it)',
};

/** Reads a text file for a command; any failure becomes a CliError naming the file and the fix. */
export async function readInputFile(io: CliIo, path: string, what: string, hint: string): Promise<string> {
  const absolute = resolve(io.cwd, path);
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? (error instanceof Error ? error.message : String(error));
    throw new CliError(`cannot read ${what} "${absolute}": ${reason}. ${hint}`, ExitCode.usage);
  }
}

/** kong.conf plus Kong's environment: the process environment and, if given, an env file. */
export async function readKongInputs(io: CliIo, confPath: string, envFilePath: string | undefined): Promise<LoadInput> {
  const confText = await readInputFile(
    io,
    confPath,
    'kong.conf',
    "Pass the path of the node's kong.conf (Kong reads /etc/kong/kong.conf by default).",
  );
  if (envFilePath === undefined) return { confText, env: io.env };
  const envFileText = await readInputFile(
    io,
    envFilePath,
    'env file',
    "Pass the file holding Kong's KONG_* variables (e.g. its systemd EnvironmentFile), or leave out --env-file.",
  );
  return { confText, env: io.env, envFileText };
}

export function formatFinding(finding: LintFinding): string {
  return `${finding.severity.padEnd(7)} ${finding.rule}  ${finding.key}\n  ${finding.message}\n  fix: ${finding.fix}\n`;
}
