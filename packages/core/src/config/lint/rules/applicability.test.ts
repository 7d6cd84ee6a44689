import { describe, expect, it } from 'vitest';
import { findings, lint } from '../../testing';

describe('iam-not-applicable', () => {
  it('says a data plane never connects to PostgreSQL', () => {
    const [finding] = findings(['role = data_plane', 'database = off', 'pg_iam_auth = on'], 'iam-not-applicable');
    expect(finding).toMatchObject({ severity: 'info', key: 'role' });
    expect(finding?.message).toContain('pg_iam_auth is on');
  });

  it('says a DB-less node never connects to PostgreSQL', () => {
    expect(findings(['database = off'], 'iam-not-applicable')[0]?.key).toBe('database');
  });

  it('suppresses the connection findings there', () => {
    const rules = lint(['role = data_plane', 'database = off', 'pg_iam_auth = on', 'pg_host = 10.0.0.1']).map(
      (f) => f.rule,
    );
    expect(rules).not.toContain('iam-region-undetectable');
  });

  it('is quiet on a control plane', () => {
    expect(findings(['role = control_plane'], 'iam-not-applicable')).toEqual([]);
  });
});
