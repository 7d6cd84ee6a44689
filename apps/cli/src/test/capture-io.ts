import type { CliIo } from '../io';

/** A CliIo for tests: what a command writes is kept, and read back with out() and err(). */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export interface CaptureOptions {
  /** The command's environment (KONG_*, IAMROLL_*, ...); nothing from the test process leaks in. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where relative paths resolve; default the test process's cwd. */
  readonly cwd?: string;
}

export function captureIo({ env = {}, cwd = process.cwd() }: CaptureOptions = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
