import { describe, expect, it } from 'vitest';
import { conf, findings } from '../../testing';
import { lintKongConf } from '../index';

describe('key-case', () => {
  it('warns that an upper-case key in kong.conf is ignored', () => {
    expect(findings(['PG_IAM_AUTH = on'], 'key-case')).toEqual([
      expect.objectContaining({ severity: 'warning', key: 'pg_iam_auth' }),
    ]);
  });

  it('warns about a lower-case KONG_ variable, which os.getenv does not see', () => {
    expect(findings([], 'key-case', { kong_pg_iam_auth: 'on' })[0]?.fix).toBe(
      'Rename the variable to KONG_PG_IAM_AUTH.',
    );
  });
});

describe('unknown-key', () => {
  it('suggests the setting a typo was meant to be', () => {
    expect(findings(['pg_iam_auth_role_sesion_name = x'], 'unknown-key')[0]?.fix).toBe(
      'Did you mean pg_iam_auth_role_session_name? Rename the key.',
    );
  });

  it('explains that pg_ro_ssl_cert does not exist in Kong', () => {
    expect(findings(['pg_ro_ssl_cert = /x.crt'], 'unknown-key')[0]?.message).toContain('uses pg_ssl_cert');
  });

  it('checks KONG_PG_ names in an env file', () => {
    const found = lintKongConf(conf([], {}, 'KONG_PG_IAM_AUT=on\n')).filter((f) => f.rule === 'unknown-key');
    expect(found[0]?.fix).toBe('Did you mean KONG_PG_IAM_AUTH?');
  });

  it('leaves settings outside pg_ alone (iamroll does not know all of Kong)', () => {
    expect(findings(['proxy_listen = 0.0.0.0:8000'], 'unknown-key')).toEqual([]);
  });
});
