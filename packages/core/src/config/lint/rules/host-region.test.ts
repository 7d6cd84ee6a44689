import { describe, expect, it } from 'vitest';
import { RDS_HOST, RDS_READER, findings } from '../../testing';

const KONG_FAILURE = 'cannot fetch IAM token because extract region from db endpoint failed';

describe('iam-region-undetectable', () => {
  it("is an error quoting Kong's failure for an IP address", () => {
    const [finding] = findings(['pg_host = 10.1.2.3', 'pg_iam_auth = on'], 'iam-region-undetectable');
    expect(finding).toMatchObject({ severity: 'error', key: 'pg_host' });
    expect(finding?.message).toContain(KONG_FAILURE);
  });

  it("fires for Kong's default host 127.0.0.1", () => {
    expect(findings(['pg_iam_auth = on'], 'iam-region-undetectable')).toHaveLength(1);
  });

  it('explains a custom DNS name', () => {
    const [finding] = findings(['pg_host = db.internal.example.com', 'pg_iam_auth = on'], 'iam-region-undetectable');
    expect(finding?.message).toContain('not an RDS endpoint name');
  });

  it('explains an upper-case RDS name', () => {
    const [finding] = findings([`pg_host = ${RDS_HOST.toUpperCase()}`, 'pg_iam_auth = on'], 'iam-region-undetectable');
    expect(finding?.fix).toContain(RDS_HOST);
  });

  it("explains a region Kong's patterns do not know", () => {
    const [finding] = findings(
      ['pg_host = kong.abc.il-central-1.rds.amazonaws.com', 'pg_iam_auth = on'],
      'iam-region-undetectable',
    );
    expect(finding?.message).toContain('il-central-1');
  });

  it("names a real China endpoint that Kong's pattern misses, and which Kong releases it concerns", () => {
    const [finding] = findings(
      ['pg_host = kong.abcdefghijkl.rds.cn-north-1.amazonaws.com.cn', 'pg_iam_auth = on'],
      'iam-region-undetectable',
    );
    expect(finding?.message).toContain('a real RDS endpoint in cn-north-1');
    expect(finding?.message).toContain('Kong Gateway 3.3 and later');
    expect(finding?.message).not.toContain('custom DNS name');
  });

  it('checks the read-only host when the read-only connection is on IAM', () => {
    const found = findings(
      [`pg_host = ${RDS_HOST}`, 'pg_ro_host = 10.0.0.9', 'pg_ro_iam_auth = on'],
      'iam-region-undetectable',
    );
    expect(found.map((f) => f.key)).toEqual(['pg_ro_host']);
  });

  it('stays quiet for an RDS endpoint name', () => {
    expect(findings([`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'], 'iam-region-undetectable')).toEqual([]);
  });

  it('stays quiet for a read-only IP host while only read-write uses IAM', () => {
    expect(
      findings([`pg_host = ${RDS_HOST}`, 'pg_ro_host = 10.0.0.9', 'pg_iam_auth = on'], 'iam-region-undetectable'),
    ).toEqual([]);
  });
});

describe('iam-no-host', () => {
  it('is an error when pg_host is emptied', () => {
    expect(findings(['pg_host =', 'pg_iam_auth = on'], 'iam-no-host')).toEqual([
      expect.objectContaining({ severity: 'error', key: 'pg_host' }),
    ]);
  });

  it('is quiet with a host', () => {
    expect(
      findings([`pg_ro_host = ${RDS_READER}`, `pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'], 'iam-no-host'),
    ).toEqual([]);
  });
});
