import { describe, expect, it } from 'vitest';
import { describeSource, loadKongConf, resolved, valueOf } from './load';

describe('loadKongConf precedence', () => {
  it("uses Kong's default when nothing sets a key", () => {
    const conf = loadKongConf({ confText: '' });
    expect(resolved(conf, 'pg_user')).toEqual({ key: 'pg_user', value: 'kong', source: 'default' });
    expect(valueOf(conf, 'pg_password')).toBeNull();
  });

  it('lets kong.conf override the default and records the line', () => {
    const conf = loadKongConf({ confText: '# x\npg_user = alice\n' });
    expect(resolved(conf, 'pg_user')).toEqual({ key: 'pg_user', value: 'alice', source: 'file:2' });
  });

  it('lets KONG_<KEY> override kong.conf', () => {
    const conf = loadKongConf({ confText: 'pg_user = alice\n', env: { KONG_PG_USER: 'bob' } });
    expect(resolved(conf, 'pg_user')).toEqual({ key: 'pg_user', value: 'bob', source: 'env' });
  });

  it('lets the env file override the process environment', () => {
    const conf = loadKongConf({
      confText: 'pg_user = alice\n',
      env: { KONG_PG_USER: 'bob' },
      envFileText: 'KONG_PG_USER=carol\n',
    });
    expect(resolved(conf, 'pg_user')).toEqual({ key: 'pg_user', value: 'carol', source: 'env-file:1' });
  });

  it('reads only the exact upper-case variable name, as os.getenv does', () => {
    const conf = loadKongConf({ confText: '', env: { kong_pg_user: 'bob', Kong_Pg_User: 'eve' } });
    expect(valueOf(conf, 'pg_user')).toBe('kong');
  });

  it('unsets a key with an empty environment variable even when kong.conf sets it', () => {
    const conf = loadKongConf({ confText: 'pg_password = secret\n', env: { KONG_PG_PASSWORD: '' } });
    expect(resolved(conf, 'pg_password')).toEqual({ key: 'pg_password', value: null, source: 'env' });
  });

  it('unsets a key with an empty value in kong.conf (not back to the default)', () => {
    expect(valueOf(loadKongConf({ confText: 'pg_user =\n' }), 'pg_user')).toBeNull();
  });

  it('keeps # in environment values (Kong strips comments only in kong.conf) but strips spaces', () => {
    const conf = loadKongConf({ confText: '', env: { KONG_PG_PASSWORD: '  p#ss  ' } });
    expect(valueOf(conf, 'pg_password')).toBe('p#ss');
  });

  it('ignores settings below a [section] line', () => {
    expect(valueOf(loadKongConf({ confText: '[x]\npg_user = alice\n' }), 'pg_user')).toBe('kong');
  });

  it('remembers KONG_* variable names but not their values', () => {
    const conf = loadKongConf({ confText: '', env: { KONG_PG_PASSWORD: 'secret', HOME: '/root' } });
    expect(conf.envNames).toEqual(['KONG_PG_PASSWORD']);
  });
});

describe('describeSource', () => {
  it('names the place an operator must edit', () => {
    expect(describeSource('pg_ssl', 'file:3')).toBe('kong.conf line 3');
    expect(describeSource('pg_ssl', 'env')).toBe('environment variable KONG_PG_SSL');
    expect(describeSource('pg_ssl', 'env-file:7')).toBe('env file line 7 (KONG_PG_SSL)');
    expect(describeSource('pg_ssl', 'default')).toBe("Kong's default");
  });
});
