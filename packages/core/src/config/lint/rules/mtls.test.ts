import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

const KONG_RW =
  'mTLS connection to postgres cannot be used when pg_iam_auth is enabled, so pg_ssl_cert and pg_ssl_cert_key must not be specified';
const KONG_RO =
  'mTLS connection to postgres cannot be used when pg_ro_iam_auth is enabled, so pg_ssl_cert and pg_ssl_cert_key must not be specified';

describe('iam-mtls-conflict', () => {
  it("is an error quoting Kong's start-up message when pg_iam_auth is on with pg_ssl_cert", () => {
    const [finding, ...rest] = findings(
      [`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_cert = /x.crt'],
      'iam-mtls-conflict',
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', key: 'pg_ssl_cert' });
    expect(finding?.message).toContain(KONG_RW);
  });

  it('also fires for pg_ssl_cert_key alone', () => {
    expect(findings(['pg_iam_auth = on', 'pg_ssl_cert_key = /x.key'], 'iam-mtls-conflict')).toHaveLength(1);
  });

  it('names pg_ro_iam_auth and checks the main cert for the read-only flag', () => {
    const [finding] = findings(
      [`pg_ro_host = ${RDS_READER}`, 'pg_ro_iam_auth = on', 'pg_ssl_cert = /x.crt', 'pg_ssl_cert_key = /x.key'],
      'iam-mtls-conflict',
    );
    expect(finding?.message).toContain(KONG_RO);
  });

  it('fires for pg_ro_iam_auth even without pg_ro_host (Kong checks at start-up)', () => {
    const [finding] = findings(['pg_ro_iam_auth = on', 'pg_ssl_cert = /x.crt'], 'iam-mtls-conflict');
    expect(finding?.message).toContain('even though pg_ro_host is not set');
  });

  it('reports both flags when both are on', () => {
    expect(
      findings(['pg_iam_auth = on', 'pg_ro_iam_auth = on', 'pg_ssl_cert = /x.crt'], 'iam-mtls-conflict'),
    ).toHaveLength(2);
  });

  it('stays quiet when IAM is off (mTLS with passwords is allowed)', () => {
    expect(findings(['pg_ssl_cert = /x.crt', 'pg_ssl_cert_key = /x.key'], 'iam-mtls-conflict')).toEqual([]);
  });

  it('sees an IAM flag set through the environment', () => {
    expect(findings(['pg_ssl_cert = /x.crt'], 'iam-mtls-conflict', { KONG_PG_IAM_AUTH: 'on' })).toHaveLength(1);
  });

  it('stays quiet for pg_iam_auth = ON, which Kong reads as off', () => {
    expect(findings(['pg_iam_auth = ON', 'pg_ssl_cert = /x.crt'], 'iam-mtls-conflict')).toEqual([]);
  });
});
