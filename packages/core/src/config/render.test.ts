import { describe, expect, it } from 'vitest';
import { maskedLines, renderConf, unwritableValueReason } from './render';

describe('renderConf: set', () => {
  it('replaces the value on the line Kong uses and keeps its inline comment', () => {
    expect(renderConf('pg_user = kong   # password user\n', [{ op: 'set', key: 'pg_user', value: 'kong_iam' }])).toBe(
      'pg_user = kong_iam   # password user\n',
    );
  });

  it('changes only the last of repeated lines (the one Kong reads)', () => {
    expect(renderConf('pg_user = a\npg_user = b\n', [{ op: 'set', key: 'pg_user', value: 'c' }])).toBe(
      'pg_user = a\npg_user = c\n',
    );
  });

  it('keeps comments, blank lines and unrelated settings byte for byte', () => {
    const text = '# Kong\n\n  pg_host = db   # writer\n#pg_user = old\npg_user = kong\nlog_level = debug\n';
    expect(renderConf(text, [{ op: 'set', key: 'pg_user', value: 'kong_iam' }])).toBe(
      '# Kong\n\n  pg_host = db   # writer\n#pg_user = old\npg_user = kong_iam\nlog_level = debug\n',
    );
  });

  it('appends a missing key at the end', () => {
    expect(renderConf('pg_host = db\n', [{ op: 'set', key: 'pg_iam_auth', value: 'on' }])).toBe(
      'pg_host = db\npg_iam_auth = on\n',
    );
  });

  it('adds the missing final newline before appending', () => {
    expect(renderConf('pg_host = db', [{ op: 'set', key: 'pg_iam_auth', value: 'on' }])).toBe(
      'pg_host = db\npg_iam_auth = on\n',
    );
  });

  it('keeps CRLF line endings', () => {
    expect(
      renderConf('pg_user = kong # c\r\npg_host = db\r\n', [
        { op: 'set', key: 'pg_user', value: 'x' },
        { op: 'set', key: 'pg_iam_auth', value: 'on' },
      ]),
    ).toBe('pg_user = x # c\r\npg_host = db\r\npg_iam_auth = on\r\n');
  });

  it('adds a missing key above a [section] line, where Kong still reads it', () => {
    expect(renderConf('pg_host = db\n[extra]\nfoo = 1\n', [{ op: 'set', key: 'pg_iam_auth', value: 'on' }])).toBe(
      'pg_host = db\npg_iam_auth = on\n[extra]\nfoo = 1\n',
    );
  });

  it('escapes # in values so Kong does not read it as a comment', () => {
    expect(renderConf('', [{ op: 'set', key: 'pg_password', value: 'a#b' }])).toBe('pg_password = a\\#b\n');
  });

  it('rewrites a continued setting onto one line', () => {
    expect(renderConf('pg_user = ko\\\nng\nx = 1\n', [{ op: 'set', key: 'pg_user', value: 'kong_iam' }])).toBe(
      'pg_user = kong_iam\nx = 1\n',
    );
  });

  it('refuses a value Kong could not read back', () => {
    expect(() => renderConf('', [{ op: 'set', key: 'pg_user', value: 'a\\' }])).toThrow(/continues the line/);
    expect(unwritableValueReason(' kong')).toMatch(/whitespace/);
  });
});

describe('renderConf: unset', () => {
  it('removes every line of the key and nothing else', () => {
    expect(
      renderConf('pg_ro_user = a # x\n# keep\npg_ro_user = b\npg_host = h\n', [{ op: 'unset', key: 'pg_ro_user' }]),
    ).toBe('# keep\npg_host = h\n');
  });

  it('leaves a file without the key unchanged', () => {
    expect(renderConf('pg_host = h\n', [{ op: 'unset', key: 'pg_ro_user' }])).toBe('pg_host = h\n');
  });
});

describe('maskedLines', () => {
  it('hides pg_password and pg_ro_password values, keeping comments', () => {
    expect(maskedLines('pg_password = hunter2 # old\npg_ro_password=x\npg_user = kong\n')).toEqual([
      'pg_password = ****** # old',
      'pg_ro_password=******',
      'pg_user = kong',
    ]);
  });
});
