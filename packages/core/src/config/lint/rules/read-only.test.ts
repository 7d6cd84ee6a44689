import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

const BOTH_HOSTS = [`pg_host = ${RDS_HOST}`, `pg_ro_host = ${RDS_READER}`];

describe('iam-ro-not-inherited', () => {
  it('warns that pg_iam_auth alone leaves a separate read-only connection on passwords', () => {
    const [finding] = findings([...BOTH_HOSTS, 'pg_iam_auth = on'], 'iam-ro-not-inherited');
    expect(finding).toMatchObject({ severity: 'warning', key: 'pg_ro_iam_auth' });
    expect(finding?.message).toContain("Kong's docs say pg_iam_auth enables IAM for read-write and read-only");
  });

  it('stays quiet when pg_ro_iam_auth is on too', () => {
    expect(findings([...BOTH_HOSTS, 'pg_iam_auth = on', 'pg_ro_iam_auth = on'], 'iam-ro-not-inherited')).toEqual([]);
  });

  it('stays quiet without pg_ro_host (there is no read-only connection)', () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'], 'iam-ro-not-inherited')).toEqual([]);
  });
});

describe('iam-ro-session-name-not-inherited', () => {
  it('tells that the read-only connection keeps KongPostgres', () => {
    const [finding] = findings(
      [...BOTH_HOSTS, 'pg_ro_iam_auth = on', 'pg_iam_auth_role_session_name = KongRW'],
      'iam-ro-session-name-not-inherited',
    );
    expect(finding).toMatchObject({ severity: 'info', key: 'pg_ro_iam_auth_role_session_name' });
    expect(finding?.message).toContain('"KongPostgres"');
  });

  it('stays quiet when the read-only session name is set', () => {
    expect(
      findings(
        [
          ...BOTH_HOSTS,
          'pg_ro_iam_auth = on',
          'pg_iam_auth_role_session_name = KongRW',
          'pg_ro_iam_auth_role_session_name = KongRO',
        ],
        'iam-ro-session-name-not-inherited',
      ),
    ).toEqual([]);
  });

  it('stays quiet when the read-only connection is not on IAM', () => {
    expect(
      findings(
        [...BOTH_HOSTS, 'pg_iam_auth = on', 'pg_iam_auth_role_session_name = KongRW'],
        'iam-ro-session-name-not-inherited',
      ),
    ).toEqual([]);
  });
});

describe('iam-ro-without-host', () => {
  it('says pg_ro_iam_auth does nothing without pg_ro_host', () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_ro_iam_auth = on'], 'iam-ro-without-host')).toHaveLength(1);
  });
});

describe('ro-ssl-not-inherited', () => {
  it('warns that pg_ssl = on does not reach an unset pg_ro_ssl', () => {
    const [finding] = findings([...BOTH_HOSTS, 'pg_ssl = on', 'pg_ssl_verify = on'], 'ro-ssl-not-inherited');
    expect(finding).toMatchObject({
      severity: 'warning',
      key: 'pg_ro_ssl',
      fix: 'Set pg_ro_ssl = on and pg_ro_ssl_verify = on explicitly.',
    });
  });

  it('stays quiet when the read-only booleans are set', () => {
    expect(findings([...BOTH_HOSTS, 'pg_ssl = on', 'pg_ro_ssl = on'], 'ro-ssl-not-inherited')).toEqual([]);
  });
});
