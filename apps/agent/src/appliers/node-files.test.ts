import { describe, expect, it } from 'vitest';
import { renderEnvFile } from './node-files';

describe('renderEnvFile', () => {
  const text =
    '# Kong environment\nKONG_PG_HOST=db.example\nexport KONG_PG_USER=kong\nKONG_PG_PASSWORD="p#w"\nKONG_PG_USER=kong\n';

  it('rewrites the last assignment, drops earlier ones, keeps every other line', () => {
    expect(renderEnvFile(text, [{ op: 'set', key: 'pg_user', value: 'kong_iam' }])).toBe(
      '# Kong environment\nKONG_PG_HOST=db.example\nKONG_PG_PASSWORD="p#w"\nKONG_PG_USER=kong_iam\n',
    );
  });

  it('appends a new variable and removes an unset one', () => {
    expect(
      renderEnvFile(text, [
        { op: 'set', key: 'pg_iam_auth', value: 'on' },
        { op: 'unset', key: 'pg_password' },
      ]),
    ).toBe(
      '# Kong environment\nKONG_PG_HOST=db.example\nexport KONG_PG_USER=kong\nKONG_PG_USER=kong\nKONG_PG_IAM_AUTH=on\n',
    );
  });

  it('changes nothing without edits', () => {
    expect(renderEnvFile(text, [])).toBe(text);
  });
});
