import { describe, expect, it } from 'vitest';
import { findings } from '../../testing';

describe('bool-not-recognized', () => {
  it.each(['yes', '1', 'enabled', 'ON', 'True', 'OFF'])('warns that pg_iam_auth = %s is silently off', (value) => {
    const [finding] = findings([`pg_iam_auth = ${value}`], 'bool-not-recognized');
    expect(finding).toMatchObject({ severity: 'warning', key: 'pg_iam_auth' });
    expect(finding?.message).toContain('reads this as off');
  });

  it.each(['on', 'off', 'true', 'false'])('accepts %s', (value) => {
    expect(findings([`pg_ssl = ${value}`], 'bool-not-recognized')).toEqual([]);
  });

  it('says the comparison is case-sensitive for ON', () => {
    expect(findings(['pg_ssl_verify = ON'], 'bool-not-recognized')[0]?.message).toContain('case-sensitively');
  });

  it('tells to fix the environment variable when the value comes from there', () => {
    expect(findings([], 'bool-not-recognized', { KONG_PG_RO_IAM_AUTH: 'yes' })[0]?.fix).toBe(
      'Set KONG_PG_RO_IAM_AUTH=on (lower case).',
    );
  });

  it('ignores an empty value (unset, plainly off)', () => {
    expect(findings(['pg_ssl ='], 'bool-not-recognized')).toEqual([]);
  });
});
