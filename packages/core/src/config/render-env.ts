import { envVarName } from './defaults';
import type { ConfEdit } from './render';

// The same edits for nodes configured through the environment (containers, systemd
// EnvironmentFile): KONG_<KEY> beats kong.conf. A set becomes `KONG_KEY=value`; an unset
// means removing the variable, which no env-file syntax can express, so it is listed as a
// `# unset KONG_KEY` comment line that env-file readers skip.

const PLAIN = /^[A-Za-z0-9_./:@,+=-]*$/;

/** Quotes a value only when it needs it (double quotes, with \ " $ ` escaped). */
export function quoteEnvValue(value: string): string {
  if (PLAIN.test(value)) return value;
  return `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function renderEnvEdits(edits: readonly ConfEdit[]): string {
  // Later edits of a key win, as in kong.conf; keep the first position of each key.
  const last = new Map<string, ConfEdit>();
  for (const edit of edits) last.set(edit.key, edit);
  const lines = [...last.values()].map((edit) =>
    edit.op === 'set' ? `${envVarName(edit.key)}=${quoteEnvValue(edit.value)}` : `# unset ${envVarName(edit.key)}`,
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The environment after the edits, for checking what Kong would then read. */
export function applyEnvEdits(
  env: Readonly<Record<string, string | undefined>>,
  edits: readonly ConfEdit[],
): Record<string, string | undefined> {
  const next: Record<string, string | undefined> = { ...env };
  for (const edit of edits) {
    if (edit.op === 'set') next[envVarName(edit.key)] = edit.value;
    else delete next[envVarName(edit.key)];
  }
  return next;
}
