import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

const IAM = [`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'];
const ARN = 'arn:aws:iam::123456789012:role/kong/rds-connect';

describe('iam-assume-role-arn-invalid', () => {
  it('accepts a role ARN with a path', () => {
    expect(findings([...IAM, `pg_iam_auth_assume_role_arn = ${ARN}`], 'iam-assume-role-arn-invalid')).toEqual([]);
  });

  it.each([
    'arn:aws:iam::12345:role/kong',
    'arn:aws:iam::123456789012:user/kong',
    'kong-role',
    'arn:aws:sts::123456789012:role/kong',
  ])('rejects %s', (arn) => {
    expect(findings([...IAM, `pg_iam_auth_assume_role_arn = ${arn}`], 'iam-assume-role-arn-invalid')).toEqual([
      expect.objectContaining({ severity: 'error' }),
    ]);
  });

  it('rejects a role in another partition than the database', () => {
    const [finding] = findings(
      [
        'pg_host = kong.abc.cn-north-1.rds.amazonaws.com.cn',
        'pg_iam_auth = on',
        `pg_iam_auth_assume_role_arn = ${ARN}`,
      ],
      'iam-assume-role-arn-invalid',
    );
    expect(finding?.fix).toContain('arn:aws-cn:iam::');
  });

  it('reports an ARN the read-only connection inherits once', () => {
    const found = findings(
      [...IAM, `pg_ro_host = ${RDS_READER}`, 'pg_ro_iam_auth = on', 'pg_iam_auth_assume_role_arn = nope'],
      'iam-assume-role-arn-invalid',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('read-write and read-only');
  });
});

describe('iam-session-name-invalid', () => {
  it('is an error for a name with a space when a role is assumed', () => {
    expect(
      findings(
        [...IAM, `pg_iam_auth_assume_role_arn = ${ARN}`, 'pg_iam_auth_role_session_name = Kong RW'],
        'iam-session-name-invalid',
      ),
    ).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  it('is an error for a one-character name', () => {
    expect(
      findings(
        [...IAM, `pg_iam_auth_assume_role_arn = ${ARN}`, 'pg_iam_auth_role_session_name = K'],
        'iam-session-name-invalid',
      ),
    ).toHaveLength(1);
  });

  it('is only a warning while no role is assumed', () => {
    expect(findings([...IAM, 'pg_iam_auth_role_session_name = Kong RW'], 'iam-session-name-invalid')).toEqual([
      expect.objectContaining({ severity: 'warning' }),
    ]);
  });

  it('accepts the default KongPostgres and names with +=,.@_-', () => {
    expect(
      findings(
        [...IAM, `pg_iam_auth_assume_role_arn = ${ARN}`, 'pg_iam_auth_role_session_name = kong+rw=1,a.b@c_d-e'],
        'iam-session-name-invalid',
      ),
    ).toEqual([]);
  });
});

describe('iam-sts-endpoint-not-https', () => {
  it('warns for http', () => {
    expect(
      findings(
        [
          ...IAM,
          `pg_iam_auth_assume_role_arn = ${ARN}`,
          'pg_iam_auth_sts_endpoint_url = http://sts.us-east-1.amazonaws.com',
        ],
        'iam-sts-endpoint-not-https',
      ),
    ).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  it('warns for a value that is not a URL', () => {
    expect(
      findings([...IAM, 'pg_iam_auth_sts_endpoint_url = sts.us-east-1.amazonaws.com'], 'iam-sts-endpoint-not-https'),
    ).toHaveLength(1);
  });

  it('accepts https', () => {
    expect(
      findings(
        [...IAM, 'pg_iam_auth_sts_endpoint_url = https://sts.us-east-1.amazonaws.com'],
        'iam-sts-endpoint-not-https',
      ),
    ).toEqual([]);
  });
});
