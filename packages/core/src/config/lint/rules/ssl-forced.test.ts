import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

describe('iam-ssl-forced', () => {
  it('says Kong overrides an explicit pg_ssl = off', () => {
    const [finding] = findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl = off'], 'iam-ssl-forced');
    expect(finding).toMatchObject({ severity: 'info', key: 'pg_ssl' });
    expect(finding?.message).toContain('overriding pg_ssl (kong.conf line 3)');
  });

  it('mentions defaults when pg_ssl is simply unset', () => {
    const [finding] = findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'], 'iam-ssl-forced');
    expect(finding?.message).toContain('off by default');
  });

  it('stays quiet when pg_ssl and pg_ssl_required are already on', () => {
    expect(
      findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl = on', 'pg_ssl_required = on'], 'iam-ssl-forced'),
    ).toEqual([]);
  });

  it('covers the read-only twins with pg_ro_iam_auth', () => {
    const found = findings(
      [`pg_ro_host = ${RDS_READER}`, 'pg_ro_iam_auth = on', 'pg_ssl = on', 'pg_ssl_required = on'],
      'iam-ssl-forced',
    );
    expect(found.map((f) => f.key)).toEqual(['pg_ro_ssl']);
  });

  it('stays quiet on a data plane, which never connects', () => {
    expect(findings(['role = data_plane', 'database = off', 'pg_iam_auth = on'], 'iam-ssl-forced')).toEqual([]);
  });
});
