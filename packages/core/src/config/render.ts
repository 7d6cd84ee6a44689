import { SENSITIVE_PLACEHOLDER, keySpec } from './defaults';
import { LUA_SPACE, isLuaSpace } from './lua';
import { effectiveEntries, parseKongConf, type ConfEntry, type ParsedConf } from './parse';

// Applies edits to kong.conf text the way an operator would by hand: only the lines of
// the edited keys change, every other byte stays (comments, blank lines, order, CRLF).
//  - set: rewrites the value of the line Kong uses (the last one outside a [section]),
//    keeping its inline comment; if the key is absent, adds `key = value` where Kong
//    will read it: at the end, but before a [section] header or an unfinished `\`
//    continuation at end of file (Kong ignores or swallows what follows those).
//  - unset: removes every line of the key, so Kong's default (or KONG_*) applies.
// A value is written with `#` escaped as `\#` (Kong turns `\#` back into `#`).

export type ConfEdit =
  { readonly op: 'set'; readonly key: string; readonly value: string } | { readonly op: 'unset'; readonly key: string };

const KEY = /^[A-Za-z0-9_]+$/;
const KEY_SEPARATOR = new RegExp(`^(${LUA_SPACE}*[^=]*?${LUA_SPACE}*=${LUA_SPACE}*)`);

/** Why a value cannot be written to kong.conf so that Kong reads it back unchanged, or null. */
export function unwritableValueReason(value: string): string | null {
  if (/[\n\r]/.test(value)) return 'it contains a line break';
  if (value !== '' && (isLuaSpace(value[0] ?? '') || isLuaSpace(value[value.length - 1] ?? ''))) {
    return 'Kong strips leading and trailing whitespace';
  }
  if (value.endsWith('\\')) return 'a trailing "\\" continues the line in kong.conf';
  return null;
}

/** The text to write after `key = ` so that Kong reads `value`. */
export function escapeConfValue(value: string): string {
  return value.replaceAll('#', '\\#');
}

function assertWritable(edit: ConfEdit): void {
  if (!KEY.test(edit.key))
    throw new Error(`cannot edit kong.conf key ${JSON.stringify(edit.key)}: a setting name is letters, digits and "_"`);
  if (edit.op === 'set') {
    const reason = unwritableValueReason(edit.value);
    if (reason !== null)
      throw new Error(`cannot write ${edit.key} = ${JSON.stringify(edit.value)} to kong.conf: ${reason}`);
  }
}

/** The position of the inline comment in the text after `=`, or of trailing whitespace. */
function valueEnd(rest: string): number {
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '#' && (i === 0 || rest[i - 1] !== '\\')) {
      end = i;
      break;
    }
  }
  while (end > 0 && isLuaSpace(rest[end - 1] ?? '')) end--;
  return end;
}

/** Replaces the value part of one `key = value  # comment` line, keeping everything else. */
function replaceValue(line: string, replacement: string): string {
  const cr = line.endsWith('\r') ? '\r' : '';
  const body = cr === '' ? line : line.slice(0, -1);
  const head = KEY_SEPARATOR.exec(body)?.[1] ?? '';
  const rest = body.slice(head.length);
  const end = valueEnd(rest);
  const suffix = rest.slice(end);
  const gap = end === 0 && suffix.startsWith('#') ? ' ' : '';
  return head + replacement + gap + suffix + cr;
}

interface Rendered {
  readonly lines: readonly string[];
  readonly endsWithNewline: boolean;
}

function setInLines(parsed: ParsedConf, key: string, value: string): Rendered {
  const { lines } = parsed;
  const entry = effectiveEntries(parsed).get(key);
  if (entry) {
    const dropsLastLine = entry.lines.length > 1 && entry.lines.includes(lines.length);
    return { lines: replaceEntry(lines, entry, key, value), endsWithNewline: parsed.endsWithNewline || dropsLastLine };
  }
  const added = `${key} = ${escapeConfValue(value)}${parsed.usesCrlf ? '\r' : ''}`;
  const at = parsed.firstSectionIndex ?? parsed.danglingIndex;
  if (at !== null)
    return { lines: [...lines.slice(0, at), added, ...lines.slice(at)], endsWithNewline: parsed.endsWithNewline };
  return { lines: [...lines, added], endsWithNewline: true };
}

function replaceEntry(lines: readonly string[], entry: ConfEntry, key: string, value: string): string[] {
  const [first, ...rest] = entry.lines;
  const dropped = new Set(rest.map((n) => n - 1));
  return lines.flatMap((line, index) => {
    if (first !== undefined && index === first - 1) {
      // A continued entry is rewritten on one line; a single line keeps its comment.
      return [
        rest.length === 0
          ? replaceValue(line, escapeConfValue(value))
          : `${key} = ${escapeConfValue(value)}${line.endsWith('\r') ? '\r' : ''}`,
      ];
    }
    return dropped.has(index) ? [] : [line];
  });
}

function unsetInLines(parsed: ParsedConf, key: string): Rendered {
  const dropped = new Set(
    parsed.entries
      .filter((entry) => entry.section === null && entry.key === key)
      .flatMap((entry) => entry.lines.map((n) => n - 1)),
  );
  // Dropping the unterminated last line leaves the newline before it in place.
  const endsWithNewline = parsed.endsWithNewline || dropped.has(parsed.lines.length - 1);
  return { lines: parsed.lines.filter((_, index) => !dropped.has(index)), endsWithNewline };
}

function join({ lines, endsWithNewline }: Rendered): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Applies edits in order; later edits of the same key win. Throws on unwritable edits. */
export function renderConf(text: string, edits: readonly ConfEdit[]): string {
  let current = text;
  for (const edit of edits) {
    assertWritable(edit);
    const parsed = parseKongConf(current);
    current = join(edit.op === 'set' ? setInLines(parsed, edit.key, edit.value) : unsetInLines(parsed, edit.key));
  }
  return current;
}

/**
 * The physical lines of kong.conf with the values of sensitive settings (pg_password,
 * pg_ro_password) replaced by Kong's own placeholder, for anything shown to a person.
 */
export function maskedLines(text: string): string[] {
  const parsed = parseKongConf(text);
  const masked = [...parsed.lines];
  for (const entry of parsed.entries) {
    if (keySpec(entry.key)?.isSensitive !== true) continue;
    entry.lines.forEach((lineNumber, i) => {
      const line = masked[lineNumber - 1] ?? '';
      masked[lineNumber - 1] = i === 0 ? replaceValue(line, SENSITIVE_PLACEHOLDER) : SENSITIVE_PLACEHOLDER;
    });
  }
  return masked;
}
