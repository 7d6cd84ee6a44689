import { LUA_SPACE, isBlank, luaStrip } from './lua';

// A faithful reader of kong.conf. Kong loads the file with Penlight's pl.config
// (`smart = false`) and then strips comments itself (kong/conf_loader load_config):
//
//  - pl.config.lines skips blank lines and lines whose first non-space char is `#` or `;`,
//    and joins a line ending in `\` (plus optional spaces) with the next kept line.
//    A continuation still pending at end of file is dropped.
//  - a logical line starting with `[` opens a section: every later key lands in a
//    sub-table, which Kong then ignores. `[` without a closing `]` makes pl.config
//    raise an error, so Kong cannot load the file at all.
//  - `key = value` splits at the first `=`; the key keeps its case but every
//    non-alphanumeric byte becomes `_` (pl.config "variabilize"): `pg-user` is
//    `pg_user`, while `PG_USER` stays `PG_USER` and matches no setting.
//  - the value is stripped, then Kong removes `\s*(?<!\\)#.*$` and turns `\#` into `#`.
//  - later lines win; an empty value means unset.
// The reader never throws: lines Kong would ignore or choke on become diagnostics.

export interface ConfEntry {
  /** The setting name as Kong sees it (non-alphanumerics turned into `_`, case kept). */
  readonly key: string;
  /** The key as written. */
  readonly rawKey: string;
  /** The value as Kong reads it: stripped, comment removed, `\#` unescaped. */
  readonly value: string;
  /** 1-based number of the physical line where the entry starts. */
  readonly line: number;
  /** 1-based numbers of every physical line that carries part of the entry (continuations). */
  readonly lines: readonly number[];
  /** The `[section]` the entry sits in (Kong ignores those), or null at top level. */
  readonly section: string | null;
}

export type DiagnosticSeverity = 'error' | 'warning';

export type DiagnosticCode =
  'no-separator' | 'no-key' | 'section' | 'bad-section' | 'dangling-continuation' | 'env-syntax';

export interface ConfDiagnostic {
  /** 1-based physical line. */
  readonly line: number;
  readonly severity: DiagnosticSeverity;
  readonly code: DiagnosticCode;
  /** Says what Kong does with the line; never repeats the line (it may hold a secret). */
  readonly message: string;
}

export interface ParsedConf {
  readonly entries: readonly ConfEntry[];
  readonly diagnostics: readonly ConfDiagnostic[];
  /** Physical lines, split on `\n` only (a `\r` of CRLF stays at the end, as Lua keeps it). */
  readonly lines: readonly string[];
  readonly endsWithNewline: boolean;
  readonly usesCrlf: boolean;
  /** 0-based index of the first physical line of the first `[section]`, if any. */
  readonly firstSectionIndex: number | null;
  /** 0-based index of the first line of a continuation left pending at end of file, if any. */
  readonly danglingIndex: number | null;
}

const COMMENT_LINE = new RegExp(`^${LUA_SPACE}*[;#]`);
const CONTINUATION = new RegExp(`\\\\${LUA_SPACE}*$`);
const KEY_SEPARATOR = new RegExp(`${LUA_SPACE}*=${LUA_SPACE}*`);
const LEADING_SPACE = new RegExp(`^${LUA_SPACE}*`);
const SECTION_NAME = /\[([^\]]+)\]/;
// Kong's strip_comments: ngx.re.sub(value, [[\s*(?<!\\)#.*$]], ""). `.` there matches
// `\r`, so [\s\S] stands in for it.
const TRAILING_COMMENT = new RegExp(`${LUA_SPACE}*(?<!\\\\)#[\\s\\S]*$`);

/** Splits text into physical lines the way Lua's file:read() does. */
export function splitLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: false };
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

/** pl.config "variabilize": every byte that is not an ASCII letter or digit becomes `_`. */
export function kongKeyName(rawKey: string): string {
  let out = '';
  for (const ch of rawKey) {
    if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    else out += '_'.repeat(new TextEncoder().encode(ch).length);
  }
  return out;
}

/** Kong's value processing after pl.config: strip, drop the trailing comment, unescape `\#`. */
export function kongValue(rawValue: string): string {
  return luaStrip(rawValue).replace(TRAILING_COMMENT, '').replaceAll('\\#', '#');
}

interface LogicalLine {
  readonly text: string;
  /** 0-based physical line indexes. */
  readonly indexes: readonly number[];
}

function logicalLines(lines: readonly string[]): { logical: LogicalLine[]; danglingIndex: number | null } {
  const logical: LogicalLine[] = [];
  // pl.config tracks only the pending *string*: a lone `\` line adds nothing and
  // leaves it empty, so the next line then stands alone.
  let pending = '';
  let pendingIndexes: number[] = [];
  lines.forEach((line, index) => {
    if (isBlank(line) || COMMENT_LINE.test(line)) return;
    const continuation = CONTINUATION.exec(line);
    if (continuation) {
      pending += line.slice(0, continuation.index);
      if (pending !== '') pendingIndexes.push(index);
      return;
    }
    if (pending === '') {
      logical.push({ text: line, indexes: [index] });
    } else {
      logical.push({ text: pending + line, indexes: [...pendingIndexes, index] });
    }
    pending = '';
    pendingIndexes = [];
  });
  return { logical, danglingIndex: pending !== '' ? (pendingIndexes[0] ?? null) : null };
}

export function parseKongConf(text: string): ParsedConf {
  const { lines, endsWithNewline } = splitLines(text);
  const { logical, danglingIndex } = logicalLines(lines);
  const entries: ConfEntry[] = [];
  const diagnostics: ConfDiagnostic[] = [];
  let section: string | null = null;
  let firstSectionIndex: number | null = null;

  for (const { text: content, indexes } of logical) {
    const line = (indexes[0] ?? 0) + 1;
    if (content.startsWith('[')) {
      const name = SECTION_NAME.exec(content)?.[1];
      if (name === undefined) {
        diagnostics.push({
          line,
          severity: 'error',
          code: 'bad-section',
          message:
            'a line starting with "[" must be a "[section]" header; Kong fails to load the file here (pl.config raises an error)',
        });
        continue;
      }
      if (firstSectionIndex === null) firstSectionIndex = indexes[0] ?? 0;
      section = name;
      diagnostics.push({
        line,
        severity: 'warning',
        code: 'section',
        message: `"[${name}]" starts a section: Kong ignores every setting after this line`,
      });
      continue;
    }
    const body = content.replace(LEADING_SPACE, '');
    const separator = KEY_SEPARATOR.exec(body);
    if (!separator) {
      diagnostics.push({
        line,
        severity: 'warning',
        code: 'no-separator',
        message: 'no "=" on this line: Kong ignores it (settings are written "key = value")',
      });
      continue;
    }
    const rawKey = body.slice(0, separator.index);
    if (rawKey === '') {
      diagnostics.push({
        line,
        severity: 'warning',
        code: 'no-key',
        message: 'nothing before "=": Kong ignores this line',
      });
      continue;
    }
    const value = kongValue(body.slice(separator.index + separator[0].length));
    entries.push({
      key: kongKeyName(rawKey),
      rawKey,
      value,
      line,
      lines: indexes.map((i) => i + 1),
      section,
    });
  }

  if (danglingIndex !== null) {
    diagnostics.push({
      line: danglingIndex + 1,
      severity: 'warning',
      code: 'dangling-continuation',
      message: 'the file ends inside a "\\" line continuation: Kong drops this unfinished setting',
    });
  }
  diagnostics.sort((a, b) => a.line - b.line);

  return {
    entries,
    diagnostics,
    lines,
    endsWithNewline,
    usesCrlf: lines.some((l) => l.endsWith('\r')),
    firstSectionIndex,
    danglingIndex,
  };
}

/** The entry Kong uses for each key: the last one outside any `[section]`. */
export function effectiveEntries(parsed: ParsedConf): Map<string, ConfEntry> {
  const result = new Map<string, ConfEntry>();
  for (const entry of parsed.entries) {
    if (entry.section === null) result.set(entry.key, entry);
  }
  return result;
}
