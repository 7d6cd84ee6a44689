import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings, lint } from '../../testing';

describe('iam-password-ignored', () => {
  it('warns when pg_password is set with pg_iam_auth on', () => {
    const [finding] = findings(
      [`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_password = hunter2'],
      'iam-password-ignored',
    );
    expect(finding).toMatchObject({ severity: 'warning', key: 'pg_password' });
  });

  it('never prints the password', () => {
    const all = lint([
      `pg_host = ${RDS_HOST}`,
      'pg_iam_auth = on',
      'pg_password = hunter2',
      `pg_ro_host = ${RDS_READER}`,
      'pg_ro_password = s3cret',
    ]);
    expect(JSON.stringify(all)).not.toMatch(/hunter2|s3cret/);
  });

  it('covers the read-only connection inheriting pg_password, in the same finding', () => {
    const found = findings(
      [
        `pg_host = ${RDS_HOST}`,
        `pg_ro_host = ${RDS_READER}`,
        'pg_iam_auth = on',
        'pg_ro_iam_auth = on',
        'pg_password = x',
      ],
      'iam-password-ignored',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('pg_ro_iam_auth = on');
  });

  it('names pg_ro_password when the read-only connection has its own', () => {
    const found = findings(
      [`pg_ro_host = ${RDS_READER}`, 'pg_ro_iam_auth = on', 'pg_ro_password = x'],
      'iam-password-ignored',
    );
    expect(found.map((f) => f.key)).toEqual(['pg_ro_password']);
  });

  it('stays quiet on passwords without IAM', () => {
    expect(findings(['pg_password = x'], 'iam-password-ignored')).toEqual([]);
  });
});
