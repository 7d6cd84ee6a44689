import { isBlank, luaStrip } from './lua';
import { splitLines, type ConfDiagnostic } from './parse';

// An environment file describes the environment Kong starts with: a systemd
// EnvironmentFile, a `docker run --env-file` file, a Kubernetes .env. Accepted:
// `KEY=value`, `export KEY=value`, full-line `#` comments, and a value wrapped in
// one pair of matching quotes. A `#` inside a value is kept: Kong reads
// environment values verbatim (it strips comments only from kong.conf).

export interface EnvFileEntry {
  readonly name: string;
  readonly value: string;
  /** 1-based line. */
  readonly line: number;
}

export interface ParsedEnvFile {
  /** The last assignment of each variable (later lines win). */
  readonly entries: ReadonlyMap<string, EnvFileEntry>;
  readonly diagnostics: readonly ConfDiagnostic[];
}

const ASSIGNMENT = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(.*)$/;

function unquote(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    const last = value[value.length - 1];
    if (first === "'" && last === "'") return value.slice(1, -1);
    if (first === '"' && last === '"') return value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  return value;
}

export function parseEnvFile(text: string): ParsedEnvFile {
  const entries = new Map<string, EnvFileEntry>();
  const diagnostics: ConfDiagnostic[] = [];
  splitLines(text).lines.forEach((raw, index) => {
    const line = index + 1;
    const content = luaStrip(raw);
    if (isBlank(content) || content.startsWith('#')) return;
    const match = ASSIGNMENT.exec(content);
    if (!match) {
      diagnostics.push({
        line,
        severity: 'warning',
        code: 'env-syntax',
        message: 'not a NAME=value assignment: ignored (write e.g. KONG_PG_IAM_AUTH=on)',
      });
      return;
    }
    const name = match[1] ?? '';
    entries.set(name, { name, value: unquote(luaStrip(match[2] ?? '')), line });
  });
  return { entries, diagnostics };
}
