import { describe, expect, it } from 'vitest';
import { buildIamPolicy, rdsDbUserArn } from './policy';

const INPUT = {
  region: 'us-east-1',
  accountId: '123456789012',
  resourceId: 'db-ABCDEFGHIJKLMNOP',
  users: ['kong_iam'],
};

describe('buildIamPolicy', () => {
  it('allows rds-db:connect on one dbuser ARN per user', () => {
    const result = buildIamPolicy({ ...INPUT, users: ['kong_iam', 'kong_ro_iam'] });
    expect(result.ok && result.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KongRdsIamConnect',
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: [
            'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOP/kong_iam',
            'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOP/kong_ro_iam',
          ],
        },
      ],
    });
  });

  it.each([
    ['cn-north-1', 'arn:aws-cn:rds-db:cn-north-1:'],
    ['us-gov-west-1', 'arn:aws-us-gov:rds-db:us-gov-west-1:'],
  ])('uses the partition of %s', (region, prefix) => {
    expect(rdsDbUserArn({ ...INPUT, region }, 'kong_iam').startsWith(prefix)).toBe(true);
  });

  it('creates the user, grants rds_iam and Kong privileges with quoted identifiers', () => {
    const result = buildIamPolicy({ ...INPUT, users: ['kong-iam'] });
    const sql = result.ok ? result.sql : '';
    for (const statement of [
      'CREATE USER "kong-iam";',
      'GRANT rds_iam TO "kong-iam";',
      'GRANT CONNECT ON DATABASE "kong" TO "kong-iam";',
      'GRANT USAGE, CREATE ON SCHEMA "public" TO "kong-iam";',
      'GRANT ALL ON ALL TABLES IN SCHEMA "public" TO "kong-iam";',
      'GRANT ALL ON ALL SEQUENCES IN SCHEMA "public" TO "kong-iam";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "kong" IN SCHEMA "public" GRANT ALL ON TABLES TO "kong-iam";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "kong" IN SCHEMA "public" GRANT ALL ON SEQUENCES TO "kong-iam";',
    ])
      expect(sql).toContain(statement);
  });

  it('warns in the SQL never to grant rds_iam to the password user', () => {
    const result = buildIamPolicy(INPUT);
    expect(result.ok && result.sql).toContain('Do NOT grant rds_iam to kong');
  });

  it('uses the given database, schema and owner', () => {
    const result = buildIamPolicy({ ...INPUT, database: 'gateway', schema: 'kong', owner: 'gw_owner' });
    expect(result.ok && result.sql).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "gw_owner" IN SCHEMA "kong"');
    expect(result.ok && result.sql).toContain('GRANT CONNECT ON DATABASE "gateway"');
  });

  it('reports every invalid input at once', () => {
    const result = buildIamPolicy({
      region: 'virginia',
      accountId: '1234',
      resourceId: 'kong-db',
      users: ['bad user'],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toHaveLength(4);
  });

  it('refuses to give the owner (password user) rds_iam', () => {
    const result = buildIamPolicy({ ...INPUT, users: ['kong'] });
    expect(result.ok ? '' : result.errors.join()).toContain('password user');
  });

  it('refuses a missing user and a reserved pg_ name', () => {
    expect(buildIamPolicy({ ...INPUT, users: [] }).ok).toBe(false);
    expect(buildIamPolicy({ ...INPUT, users: ['pg_kong'] }).ok).toBe(false);
  });

  it('accepts an Aurora cluster resource id', () => {
    expect(buildIamPolicy({ ...INPUT, resourceId: 'cluster-ABCDEFGHIJ' }).ok).toBe(true);
  });
});
