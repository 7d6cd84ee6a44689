import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

describe('iam-tls13', () => {
  it('warns for tlsv1_3 with IAM', () => {
    const [finding] = findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_version = tlsv1_3'], 'iam-tls13');
    expect(finding).toMatchObject({
      severity: 'warning',
      key: 'pg_ssl_version',
      fix: "Set pg_ssl_version = tlsv1_2 (Kong's default).",
    });
  });

  it('notes any as info', () => {
    const [finding] = findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on', 'pg_ssl_version = any'], 'iam-tls13');
    expect(finding?.severity).toBe('info');
  });

  it('reports an inherited tlsv1_3 once for both connections', () => {
    const found = findings(
      [
        `pg_host = ${RDS_HOST}`,
        `pg_ro_host = ${RDS_READER}`,
        'pg_iam_auth = on',
        'pg_ro_iam_auth = on',
        'pg_ssl_version = tlsv1_3',
      ],
      'iam-tls13',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('read-write and read-only connections use IAM');
  });

  it('stays quiet for tlsv1_3 without IAM', () => {
    expect(findings(['pg_ssl_version = tlsv1_3'], 'iam-tls13')).toEqual([]);
  });
});

describe('pg-ssl-version-invalid', () => {
  it("is an error quoting Kong's refusal for a value outside the enum", () => {
    const [finding] = findings(['pg_ssl_version = TLSv1_2'], 'pg-ssl-version-invalid');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain(
      "pg_ssl_version has an invalid value: 'TLSv1_2' (tlsv1_1, tlsv1_2, tlsv1_3, any)",
    );
  });

  it('checks pg_ro_ssl_version too', () => {
    expect(findings(['pg_ro_ssl_version = tls13'], 'pg-ssl-version-invalid')).toHaveLength(1);
  });
});
