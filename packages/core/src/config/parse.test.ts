import { describe, expect, it } from 'vitest';
import { effectiveEntries, kongKeyName, parseKongConf } from './parse';

function value(text: string, key: string): string | undefined {
  return effectiveEntries(parseKongConf(text)).get(key)?.value;
}

describe('parseKongConf', () => {
  it('reads key = value with surrounding whitespace trimmed', () => {
    expect(value('  pg_host   =   db.example  \n', 'pg_host')).toBe('db.example');
  });

  it('drops a trailing # comment and the spaces before it', () => {
    expect(value('pg_user = kong   # the password user\n', 'pg_user')).toBe('kong');
  });

  it('reads \\# as a literal #', () => {
    expect(value('pg_password = a\\#b\n', 'pg_password')).toBe('a#b');
  });

  it('keeps a value that contains = after the first one', () => {
    expect(value('pg_password = a=b==\n', 'pg_password')).toBe('a=b==');
  });

  it('skips lines starting with # or ;', () => {
    const parsed = parseKongConf('# pg_host = a\n  ; pg_user = b\n');
    expect(parsed.entries).toEqual([]);
    expect(parsed.diagnostics).toEqual([]);
  });

  it('lets the later line win', () => {
    expect(value('pg_user = a\npg_user = b\n', 'pg_user')).toBe('b');
  });

  it('reads an empty value as empty (Kong: unset)', () => {
    expect(value('pg_password =\n', 'pg_password')).toBe('');
    expect(value('pg_password = # nothing\n', 'pg_password')).toBe('');
  });

  it('keeps the case of keys, as Kong does (PG_HOST is not pg_host)', () => {
    const entries = effectiveEntries(parseKongConf('PG_HOST = a\n'));
    expect(entries.has('pg_host')).toBe(false);
    expect(entries.get('PG_HOST')?.value).toBe('a');
  });

  it('turns non-alphanumeric key characters into _ (pg-host is pg_host)', () => {
    expect(value('pg-host = a\n', 'pg_host')).toBe('a');
    expect(kongKeyName('pg é')).toBe('pg___');
  });

  it('joins a line ending in \\ with the next one', () => {
    const parsed = parseKongConf('pg_password = abc\\\n# comment inside\ndef\n');
    expect(parsed.entries[0]).toMatchObject({ key: 'pg_password', value: 'abcdef', line: 1, lines: [1, 3] });
  });

  it('reports a continuation left open at end of file and drops it', () => {
    const parsed = parseKongConf('pg_user = kong\npg_host = a\\\n');
    expect(value('pg_user = kong\npg_host = a\\\n', 'pg_host')).toBeUndefined();
    expect(parsed.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 'dangling-continuation' })]);
  });

  it('ignores settings after a [section] header and says so', () => {
    const parsed = parseKongConf('pg_user = a\n[extra]\npg_user = b\n');
    expect(value('pg_user = a\n[extra]\npg_user = b\n', 'pg_user')).toBe('a');
    expect(parsed.entries[1]).toMatchObject({ section: 'extra' });
    expect(parsed.diagnostics).toEqual([expect.objectContaining({ line: 2, severity: 'warning', code: 'section' })]);
  });

  it('reports an unclosed [ line as an error (Kong cannot load the file)', () => {
    expect(parseKongConf('[oops\n').diagnostics).toEqual([
      expect.objectContaining({ line: 1, severity: 'error', code: 'bad-section' }),
    ]);
  });

  it('reports a line without = and never repeats its text', () => {
    const parsed = parseKongConf('pg_user = kong\nhunter2secret\n');
    expect(parsed.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 'no-separator' })]);
    expect(JSON.stringify(parsed.diagnostics)).not.toContain('hunter2secret');
  });

  it('reports a line with nothing before =', () => {
    expect(parseKongConf('= value\n').diagnostics).toEqual([expect.objectContaining({ code: 'no-key' })]);
  });

  it('reads CRLF files, with the \\r not part of the value', () => {
    const parsed = parseKongConf('pg_user = kong\r\npg_host = h # c\r\n');
    expect(parsed.usesCrlf).toBe(true);
    expect(effectiveEntries(parsed).get('pg_user')?.value).toBe('kong');
    expect(effectiveEntries(parsed).get('pg_host')?.value).toBe('h');
  });

  it('treats a non-breaking space as part of the value (Lua whitespace is ASCII only)', () => {
    expect(value('pg_user = kong\u00a0\n', 'pg_user')).toBe('kong\u00a0');
  });

  it('records the line of each entry', () => {
    expect(parseKongConf('\n# c\npg_user = kong\n').entries[0]?.line).toBe(3);
  });
});
