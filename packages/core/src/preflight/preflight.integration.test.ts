import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate } from '../pool/testing/index';
import { startStsStub, type StsStub } from '../token/testing/index';
import { runPreflight } from './run-preflight';
import { nodeConf } from './testing';
import type { PreflightCheck, PreflightOptions, PreflightResult, PreflightStage } from './types';

// Acceptance: each prerequisite broken on purpose yields exactly the failing check with its
// fix, against the RDS simulator (real TLS, real SigV4 verification, real PostgreSQL behind it).

let sim: RdsSim;
/** Same upstream, but the instance lives in eu-west-1 while its endpoint name says us-east-1. */
let otherRegion: RdsSim;
let sts: StsStub;
let dir: string;
let env: Record<string, string>;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...sim.upstream, database: sim.database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  sim = await startRdsSim({ iamUsers: ['kong_iam', 'bob_iam'], passwordUsers: ['kong'] });
  otherRegion = await startRdsSim({
    upstream: sim.upstream,
    region: 'eu-west-1',
    endpointHost: 'sim-west.abcdefghijkl.us-east-1.rds.amazonaws.com',
    credentials: sim.credentials,
    iamUsers: ['kong_iam'],
    passwordUsers: ['kong'],
  });
  sts = await startStsStub({ isDenying: true });
  // Kong's tables, owned by the password user that ran the migrations.
  await admin('SET ROLE kong; CREATE TABLE services (id uuid PRIMARY KEY); CREATE TABLE routes (id uuid PRIMARY KEY)');
  // alice_iam exists but was never granted rds_iam; bob_iam is in rds_iam but lost Kong's rights.
  await admin('CREATE USER alice_iam; REVOKE kong FROM bob_iam');
  dir = mkdtempSync(join(tmpdir(), 'iamroll-preflight-'));
  const [credential] = sim.credentials;
  env = {
    AWS_ACCESS_KEY_ID: credential?.accessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: credential?.secretAccessKey ?? '',
    HOME: dir,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}, 120_000);

afterAll(async () => {
  await sts?.close();
  await otherRegion?.close();
  await sim?.close();
});

function preflight(
  to: PreflightStage,
  confText: string,
  overrides: Partial<PreflightOptions> = {},
): Promise<PreflightResult> {
  return runPreflight({
    kongConf: { text: confText },
    processEnv: env,
    to,
    connectHost: sim.host,
    now: Date.now,
    ...overrides,
  });
}

function failing(result: PreflightResult): PreflightCheck[] {
  return result.checks.filter((check) => check.status === 'fail');
}

function statuses(result: PreflightResult): string[] {
  return result.checks.map((check) => `${check.id}${check.connection ? `:${check.connection}` : ''}=${check.status}`);
}

describe('runPreflight against the RDS simulator', () => {
  it('passes for rw_iam: both connections on IAM as kong_iam', async () => {
    const result = await preflight('rw_iam', nodeConf(sim));
    expect(statuses(result)).toEqual([
      'credentials=pass',
      'token:rw=pass',
      'tls-login:rw=pass',
      'rds-iam-member:rw=pass',
      'database-rights:rw=pass',
      'token:ro=pass',
      'tls-login:ro=pass',
      'rds-iam-member:ro=pass',
      'database-rights:ro=pass',
      'lint=pass',
      'reminder=info',
    ]);
    expect(result.isPassed).toBe(true);
    const byId = (id: string) => result.checks.find((check) => check.id === id)?.message ?? '';
    expect(byId('credentials')).toContain(`…${env.AWS_ACCESS_KEY_ID?.slice(-4)}`);
    expect(byId('token')).toContain('kong_iam@');
    expect(byId('token')).toContain('us-east-1');
    expect(byId('database-rights')).toContain('SELECT, INSERT, UPDATE, DELETE on all 2 tables');
    expect(byId('reminder')).toContain(`kong migrations up -c`);
    const text = JSON.stringify(result);
    expect(text).not.toContain(env.AWS_SECRET_ACCESS_KEY);
    expect(text).not.toContain(env.AWS_ACCESS_KEY_ID);
    expect(text).not.toContain('X-Amz-Signature');
  });

  it('passes for ro_iam: only the read-only connection, read rights', async () => {
    const result = await preflight('ro_iam', nodeConf(sim));
    expect(statuses(result)).toEqual([
      'credentials=pass',
      'token:ro=pass',
      'tls-login:ro=pass',
      'rds-iam-member:ro=pass',
      'database-rights:ro=pass',
      'lint=pass',
      'reminder=info',
    ]);
    expect(result.isPassed).toBe(true);
  });

  it('fails rds-iam-member with the GRANT when the IAM user is not in rds_iam', async () => {
    const result = await preflight('rw_iam', nodeConf(sim, { user: 'alice', hasReplica: false }));
    expect(failing(result).map((check) => check.id)).toEqual(['rds-iam-member']);
    const [check] = failing(result);
    expect(check?.fix).toContain('GRANT rds_iam TO "alice_iam";');
    expect(statuses(result)).toContain('tls-login:rw=skip');
    expect(statuses(result)).toContain('database-rights:rw=skip');
  });

  it('fails tls-login naming the derived region when the instance is in another region', async () => {
    const conf = nodeConf(otherRegion, { hasReplica: false });
    const result = await preflight('rw_iam', conf);
    expect(failing(result).map((check) => check.id)).toEqual(['tls-login']);
    const [check] = failing(result);
    expect(check?.message).toContain('PAM authentication failed');
    expect(check?.fix).toContain(`region us-east-1, which Kong derives from the host ${otherRegion.endpointHost}`);
    expect(check?.fix).toContain('"Action": "rds-db:connect"');
    expect(check?.fix).toContain('arn:aws:rds-db:us-east-1:<account-id>:dbuser:<DbiResourceId>/kong_iam');
    expect(check?.fix).toMatch(/clock/);
  });

  it('fails database-rights with the GRANT SQL when the user lacks rights on Kong’s tables', async () => {
    const result = await preflight('rw_iam', nodeConf(sim, { user: 'bob', hasReplica: false }));
    expect(failing(result).map((check) => check.id)).toEqual(['database-rights']);
    const [check] = failing(result);
    expect(check?.message).toContain('2 of Kong');
    expect(check?.message).toContain('routes, services');
    expect(check?.fix).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "bob_iam";');
    expect(check?.fix).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "kong" IN SCHEMA "public"');
  });

  it('asks only SELECT of the read-only user', async () => {
    await admin('GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob_iam');
    try {
      const ro = await preflight('ro_iam', nodeConf(sim, { user: 'bob' }));
      expect(failing(ro)).toEqual([]);
      const rw = await preflight('rw_iam', nodeConf(sim, { user: 'bob', hasReplica: false }));
      expect(
        failing(rw)
          .map((check) => check.fix)
          .join('\n'),
      ).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES');
    } finally {
      await admin('REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM bob_iam');
    }
  });

  it('fails database-rights with GRANT CONNECT when the database refuses the session after the token', async () => {
    await admin(`REVOKE CONNECT ON DATABASE ${sim.database} FROM PUBLIC`);
    try {
      const result = await preflight('rw_iam', nodeConf(sim, { user: 'bob', hasReplica: false }));
      expect(failing(result).map((check) => check.id)).toEqual(['database-rights']);
      expect(failing(result)[0]?.fix).toBe('GRANT CONNECT ON DATABASE "kong" TO "bob_iam";');
      expect(statuses(result)).toContain('tls-login:rw=pass');
    } finally {
      await admin(`GRANT CONNECT ON DATABASE ${sim.database} TO PUBLIC`);
    }
  });

  it('fails sts when the web identity cannot reach STS', async () => {
    const tokenFile = join(dir, 'web-identity-token');
    writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.test.token');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await preflight('rw_iam', nodeConf(sim, { hasReplica: false }), {
      processEnv: {
        HOME: dir,
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/kong-eks',
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
        AWS_STS_REGIONAL_ENDPOINTS: 'regional',
      },
    });
    expect(failing(result).map((check) => check.id)).toEqual(['sts']);
    const [check] = failing(result);
    expect(check?.message).toContain(`http://127.0.0.1:${port} (AWS_ENDPOINT_URL_STS)`);
    expect(check?.fix).toContain('AWS_ENDPOINT_URL_STS');
    expect(statuses(result)).toEqual([
      'credentials=pass',
      'sts=fail',
      'token:rw=skip',
      'tls-login:rw=skip',
      'rds-iam-member:rw=skip',
      'database-rights:rw=skip',
      'lint=pass',
      'reminder=info',
    ]);
    expect(result.checks[0]?.message).toContain('web identity (role arn:aws:iam::123456789012:role/kong-eks');
  });

  it('fails assume-role with the trust policy and permission when STS refuses AssumeRole', async () => {
    const role = 'arn:aws:iam::123456789012:role/kong-db';
    const conf = nodeConf(sim, {
      hasReplica: false,
      extraLines: [`pg_iam_auth_assume_role_arn = ${role}`, `pg_iam_auth_sts_endpoint_url = ${sts.url}`],
    });
    const result = await preflight('rw_iam', conf);
    expect(failing(result).map((check) => check.id)).toEqual(['assume-role']);
    const [check] = failing(result);
    expect(check?.message).toContain('session KongPostgres');
    expect(check?.message).toContain('AccessDenied');
    expect(check?.fix).toContain('"Action": "sts:AssumeRole"');
    expect(check?.fix).toContain(`"Resource": "${role}"`);
    expect(check?.fix).toContain('arn:aws:iam::123456789012:role/');
    expect(sts.calls.at(-1)).toMatchObject({ action: 'AssumeRole', roleArn: role, roleSessionName: 'KongPostgres' });
    expect(statuses(result)).toContain('token:rw=skip');
  });

  it('fails tls-login naming lua_ssl_trusted_certificate when the certificate does not verify', async () => {
    const otherCa = join(dir, 'other-ca.pem');
    writeFileSync(otherCa, makeTestCertificate([sim.endpointHost]).cert);
    const conf = nodeConf(sim, { hasReplica: false }).replace(
      `lua_ssl_trusted_certificate = system,${sim.caFile}`,
      `lua_ssl_trusted_certificate = ${otherCa}`,
    );
    const result = await preflight('rw_iam', conf);
    expect(failing(result).map((check) => check.id)).toEqual(['tls-login']);
    const [check] = failing(result);
    expect(check?.message).toContain('(tls)');
    expect(check?.fix).toContain('lua_ssl_trusted_certificate = system,/path/to/global-bundle.pem');
    expect(check?.fix).toContain('global-bundle.pem');
    expect(statuses(result)).toContain('rds-iam-member:rw=skip');
  });

  it('fails credentials when no source resolves, and skips what needs them', async () => {
    const result = await preflight('rw_iam', nodeConf(sim, { hasReplica: false }), {
      processEnv: { HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(failing(result).map((check) => check.id)).toEqual(['credentials']);
    expect(failing(result)[0]?.fix).toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
    expect(statuses(result)).toContain('token:rw=skip');
  });

  it('fails lint with each finding’s fix for a target config Kong would refuse', async () => {
    const conf = nodeConf(sim, {
      hasReplica: false,
      extraLines: ['pg_ssl_cert = /etc/kong/c.crt', 'pg_ssl_cert_key = /etc/kong/c.key'],
    });
    const result = await preflight('rw_iam', conf);
    expect(failing(result).map((check) => check.id)).toEqual(['lint']);
    expect(failing(result)[0]?.message).toContain('mtls');
  });
});
