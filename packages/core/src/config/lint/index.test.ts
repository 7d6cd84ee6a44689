import { describe, expect, it } from 'vitest';
import { RDS_HOST, lint } from '../testing';
import { LINT_RULES, countBySeverity, sortFindings } from './index';

describe('lintKongConf', () => {
  it('lists errors first, then warnings, then info', () => {
    const severities = lint(['pg_iam_auth = on', 'pg_ssl_cert = /x', 'pg_password = x', 'pg_ssl = off']).map(
      (f) => f.severity,
    );
    expect(severities).toEqual(
      [...severities].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)),
    );
    expect(severities[0]).toBe('error');
  });

  it('finds nothing in an empty kong.conf', () => {
    expect(lint([])).toEqual([]);
  });

  it('finds no error in a sound IAM setup', () => {
    const found = lint([
      `pg_host = ${RDS_HOST}`,
      'pg_iam_auth = on',
      'pg_ssl = on',
      'pg_ssl_required = on',
      'pg_ssl_verify = on',
      'lua_ssl_trusted_certificate = /etc/kong/rds-global-bundle.pem',
      'pg_user = kong_iam',
    ]);
    expect(countBySeverity(found)).toMatchObject({ error: 0, warning: 0 });
  });

  it('gives every rule a documented fact and unique ids', () => {
    const ids = LINT_RULES.flatMap((rule) => rule.ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of LINT_RULES) expect(rule.fact.length).toBeGreaterThan(20);
  });

  it('keeps the order of equal severities when sorting', () => {
    const a = { rule: 'a', severity: 'info' as const, key: 'k', message: 'm', fix: 'f' };
    const b = { ...a, rule: 'b' };
    expect(sortFindings([a, b]).map((f) => f.rule)).toEqual(['a', 'b']);
  });
});
