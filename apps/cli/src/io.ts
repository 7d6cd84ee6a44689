/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

/** Exit codes every command shares. */
export const ExitCode = {
  ok: 0,
  /** The command ran and found a problem (e.g. an error-severity lint finding). */
  findings: 1,
  /** Bad usage, unreadable input, I/O failure. */
  usage: 2,
} as const;

/**
 * An expected failure with a message for the operator: printed to stderr
 * without a stack trace. The message says what is wrong and how to fix it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
