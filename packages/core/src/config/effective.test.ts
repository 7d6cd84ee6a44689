import { describe, expect, it } from 'vitest';
import { connectionOrigins, effectiveConfig } from './effective';
import { RDS_HOST, RDS_READER, conf } from './testing';

describe('effectiveConfig: read-write connection', () => {
  it("starts from Kong's defaults", () => {
    expect(effectiveConfig(conf([])).rw).toEqual({
      host: '127.0.0.1',
      port: 5432,
      user: 'kong',
      database: 'kong',
      ssl: false,
      sslRequired: false,
      sslVerify: false,
      sslVersion: 'tlsv1_2',
      iam: false,
      assumeRoleArn: null,
      roleSessionName: 'KongPostgres',
      stsEndpointUrl: null,
      hasPassword: false,
      region: null,
      iamApplicable: true,
      poolSize: 30,
    });
  });

  it('forces ssl and ssl_required on with IAM, even over an explicit off', () => {
    const { rw } = effectiveConfig(conf(['pg_iam_auth = on', 'pg_ssl = off', 'pg_ssl_required = off']));
    expect(rw).toMatchObject({ iam: true, ssl: true, sslRequired: true, sslVerify: false });
  });

  it('says whether a password is set, never what it is', () => {
    const { rw } = effectiveConfig(conf(['pg_password = hunter2']));
    expect(rw.hasPassword).toBe(true);
    expect(JSON.stringify(effectiveConfig(conf(['pg_password = hunter2'])))).not.toContain('hunter2');
  });

  it('derives the region from the host name', () => {
    expect(effectiveConfig(conf([`pg_host = ${RDS_HOST}`])).rw.region).toBe('us-east-1');
  });

  it.each(['yes', '1', 'ON', 'True', 'enabled'])('reads pg_iam_auth = %s as off, as Kong does', (value) => {
    expect(effectiveConfig(conf([`pg_iam_auth = ${value}`])).rw.iam).toBe(false);
  });

  it.each(['on', 'true'])('reads pg_iam_auth = %s as on', (value) => {
    expect(effectiveConfig(conf([`pg_iam_auth = ${value}`])).rw.iam).toBe(true);
  });

  it('takes the pool size from pg_pool_size, else lua_socket_pool_size', () => {
    expect(effectiveConfig(conf(['pg_pool_size = 12'])).rw.poolSize).toBe(12);
    expect(effectiveConfig(conf(['lua_socket_pool_size = 50'])).rw.poolSize).toBe(50);
  });

  it('marks IAM not applicable on data planes and DB-less nodes', () => {
    expect(effectiveConfig(conf(['role = data_plane', 'database = off'])).rw.iamApplicable).toBe(false);
    expect(effectiveConfig(conf(['database = off'])).rw.iamApplicable).toBe(false);
    expect(effectiveConfig(conf(['role = control_plane'])).rw.iamApplicable).toBe(true);
  });
});

describe('effectiveConfig: read-only connection', () => {
  it('exists only when pg_ro_host is set', () => {
    expect(effectiveConfig(conf(['pg_ro_user = reader'])).ro).toBeNull();
    expect(effectiveConfig(conf([`pg_ro_host = ${RDS_READER}`])).ro).not.toBeNull();
  });

  it('inherits unset strings and numbers from pg_*', () => {
    const { ro } = effectiveConfig(
      conf([
        `pg_ro_host = ${RDS_READER}`,
        'pg_port = 6432',
        'pg_user = app',
        'pg_database = gw',
        'pg_password = x',
        'pg_ssl_version = tlsv1_3',
      ]),
    );
    expect(ro).toMatchObject({
      host: RDS_READER,
      port: 6432,
      user: 'app',
      database: 'gw',
      hasPassword: true,
      sslVersion: 'tlsv1_3',
      region: 'us-east-1',
    });
  });

  it('uses its own values when set', () => {
    const { ro } = effectiveConfig(conf([`pg_ro_host = ${RDS_READER}`, 'pg_ro_port = 5433', 'pg_ro_user = reader']));
    expect(ro).toMatchObject({ port: 5433, user: 'reader' });
  });

  it('does not inherit pg_iam_auth (pg_ro_iam_auth defaults to off)', () => {
    const { rw, ro } = effectiveConfig(
      conf([`pg_host = ${RDS_HOST}`, `pg_ro_host = ${RDS_READER}`, 'pg_iam_auth = on']),
    );
    expect(rw.iam).toBe(true);
    expect(ro?.iam).toBe(false);
  });

  it('does not inherit the booleans pg_ssl, pg_ssl_required, pg_ssl_verify (unset booleans are off)', () => {
    const { ro } = effectiveConfig(
      conf([`pg_ro_host = ${RDS_READER}`, 'pg_ssl = on', 'pg_ssl_required = on', 'pg_ssl_verify = on']),
    );
    expect(ro).toMatchObject({ ssl: false, sslRequired: false, sslVerify: false });
  });

  it('forces its ssl on with pg_ro_iam_auth', () => {
    const { ro } = effectiveConfig(conf([`pg_ro_host = ${RDS_READER}`, 'pg_ro_iam_auth = on', 'pg_ro_ssl = off']));
    expect(ro).toMatchObject({ iam: true, ssl: true, sslRequired: true });
  });

  it('inherits the role ARN and STS URL but not the session name', () => {
    const { ro } = effectiveConfig(
      conf([
        `pg_ro_host = ${RDS_READER}`,
        'pg_iam_auth_assume_role_arn = arn:aws:iam::123456789012:role/kong',
        'pg_iam_auth_sts_endpoint_url = https://sts.us-east-1.amazonaws.com',
        'pg_iam_auth_role_session_name = KongRW',
      ]),
    );
    expect(ro).toMatchObject({
      assumeRoleArn: 'arn:aws:iam::123456789012:role/kong',
      stsEndpointUrl: 'https://sts.us-east-1.amazonaws.com',
      roleSessionName: 'KongPostgres',
    });
  });

  it('treats a port Lua cannot read as a number as unset, so it inherits', () => {
    expect(effectiveConfig(conf([`pg_ro_host = ${RDS_READER}`, 'pg_ro_port = fivefourthreetwo'])).ro?.port).toBe(5432);
  });

  it('tells which setting each field came from', () => {
    const origins = connectionOrigins(conf([`pg_ro_host = ${RDS_READER}`, 'pg_ro_user = reader']), 'ro');
    expect(origins).toMatchObject({
      host: 'pg_ro_host',
      user: 'pg_ro_user',
      port: 'pg_port',
      hasPassword: 'pg_password',
      poolSize: 'lua_socket_pool_size',
    });
  });
});
