import { describe, expect, it } from 'vitest';
import { applyEnvEdits, quoteEnvValue, renderEnvEdits } from './render-env';

describe('renderEnvEdits', () => {
  it('writes KONG_ variables for sets and an unset comment for unsets', () => {
    expect(
      renderEnvEdits([
        { op: 'set', key: 'pg_user', value: 'kong_iam' },
        { op: 'unset', key: 'pg_ro_user' },
      ]),
    ).toBe('KONG_PG_USER=kong_iam\n# unset KONG_PG_RO_USER\n');
  });

  it('keeps only the last edit of a key', () => {
    expect(
      renderEnvEdits([
        { op: 'set', key: 'pg_iam_auth', value: 'on' },
        { op: 'set', key: 'pg_iam_auth', value: 'off' },
      ]),
    ).toBe('KONG_PG_IAM_AUTH=off\n');
  });

  it('quotes values that need it', () => {
    expect(quoteEnvValue('a b"$')).toBe('"a b\\"\\$"');
    expect(quoteEnvValue('kong_iam')).toBe('kong_iam');
  });

  it('applies edits to an environment', () => {
    expect(
      applyEnvEdits({ KONG_PG_RO_USER: 'r', HOME: '/' }, [
        { op: 'unset', key: 'pg_ro_user' },
        { op: 'set', key: 'pg_iam_auth', value: 'on' },
      ]),
    ).toEqual({ HOME: '/', KONG_PG_IAM_AUTH: 'on' });
  });
});
