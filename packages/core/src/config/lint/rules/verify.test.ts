import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

describe('iam-ssl-verify-off', () => {
  it("warns with Kong's default pg_ssl_verify = off", () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'], 'iam-ssl-verify-off')).toEqual([
      expect.objectContaining({ severity: 'warning', key: 'pg_ssl_verify' }),
    ]);
  });

  it('stays quiet with pg_ssl_verify = on', () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_verify = on'], 'iam-ssl-verify-off')).toEqual(
      [],
    );
  });

  it('warns for the read-only connection even when pg_ssl_verify = on (booleans do not inherit)', () => {
    const [finding] = findings(
      [
        `pg_host = ${RDS_HOST}`,
        `pg_ro_host = ${RDS_READER}`,
        'pg_iam_auth = on',
        'pg_ro_iam_auth = on',
        'pg_ssl_verify = on',
      ],
      'iam-ssl-verify-off',
    );
    expect(finding?.key).toBe('pg_ro_ssl_verify');
    expect(finding?.message).toContain('does not carry over');
  });
});

describe('iam-ssl-ca-missing', () => {
  it('warns when only the system bundle is trusted (it lacks the RDS CAs)', () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_verify = on'], 'iam-ssl-ca-missing')).toEqual(
      [expect.objectContaining({ severity: 'warning' })],
    );
  });

  it('is an error when lua_ssl_trusted_certificate is empty', () => {
    expect(
      findings(
        [`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_verify = on', 'lua_ssl_trusted_certificate ='],
        'iam-ssl-ca-missing',
      ),
    ).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  it('stays quiet with a CA bundle file', () => {
    expect(
      findings(
        [
          `pg_host = ${RDS_HOST}`,
          'pg_iam_auth = on',
          'pg_ssl_verify = on',
          'lua_ssl_trusted_certificate = system,/etc/ssl/rds/global-bundle.pem',
        ],
        'iam-ssl-ca-missing',
      ),
    ).toEqual([]);
  });
});
