import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { profileOf, sandboxKongConf } from '../sandbox/sandbox-nodes';
import { captureIo } from '../test/capture-io';

// `iamroll preflight` on a node shaped like the sandbox's: two simulated instances in answer
// mode on one upstream, the sandbox's kong.conf (password user kong, verified TLS, both CAs in
// lua_ssl_trusted_certificate), reached through 127.0.0.1.

const bin = resolve(import.meta.dirname, '../../bin/iamroll.js');
const dir = mkdtempSync(join(tmpdir(), 'iamroll-preflight-cli-'));
let primary: RdsSim;
let replica: RdsSim;
let confPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  const users = { iamUsers: ['kong_iam'], passwordUsers: [{ user: 'kong', password: 'sandbox-kong-password' }] };
  primary = await startRdsSim({ ...users, sessionMode: 'answer' });
  replica = await startRdsSim({
    ...users,
    sessionMode: 'answer',
    upstream: primary.upstream,
    credentials: primary.credentials,
  });
  confPath = join(dir, 'kong.conf');
  writeFileSync(
    confPath,
    sandboxKongConf({
      name: 'kong-003',
      profile: profileOf(2),
      primary: { host: primary.endpointHost, port: primary.port },
      replica: { host: replica.endpointHost, port: replica.port },
      password: 'sandbox-kong-password',
      caFile: [primary.caFile, replica.caFile].join(','),
    }),
  );
  const [credential] = primary.credentials;
  env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_ACCESS_KEY_ID: credential?.accessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: credential?.secretAccessKey ?? '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}, 120_000);

afterAll(async () => {
  await replica?.close();
  await primary?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function iamroll(args: readonly string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...primary.upstream, database: primary.database });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

describe('iamroll preflight (the real binary)', () => {
  it('exits 0 for ro_iam and rw_iam on a sandbox node, then 1 naming rds-iam-member once kong_iam loses rds_iam', async () => {
    for (const stage of ['ro_iam', 'rw_iam']) {
      const run = await iamroll(['preflight', '--kong-conf', confPath, '--to', stage, '--connect-host', '127.0.0.1']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`preflight for ${stage} of ${confPath}: every check passed`);
      expect(run.stdout).toContain('PASS  database-rights (read-only)');
      expect(run.status).toBe(0);
    }
    await admin('REVOKE rds_iam FROM kong_iam');
    try {
      await new Promise((wait) => setTimeout(wait, 1_200)); // the simulator reuses membership answers for 1 s
      const run = await iamroll([
        'preflight',
        '--kong-conf',
        confPath,
        '--to',
        'rw_iam',
        '--connect-host',
        '127.0.0.1',
      ]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('FAIL  rds-iam-member (read-write)');
      expect(run.stdout).toContain('GRANT rds_iam TO "kong_iam";');
      expect(run.stdout).not.toContain('FAIL  tls-login');
      expect(run.stdout).not.toContain(env.AWS_SECRET_ACCESS_KEY);
    } finally {
      await admin('GRANT rds_iam TO kong_iam');
    }
  }, 180_000);

  it('exits 2 on bad usage, naming the problem', async () => {
    const noStage = await iamroll(['preflight', '--kong-conf', confPath]);
    expect(noStage.status).toBe(2);
    expect(noStage.stderr).toContain("required option '--to <stage>' not specified");
    const badStage = await iamroll(['preflight', '--kong-conf', confPath, '--to', 'password']);
    expect(badStage.status).toBe(2);
    expect(badStage.stderr).toContain('Allowed choices are ro_iam, rw_iam');
  }, 120_000);
});

describe('iamroll preflight (in process)', () => {
  it('prints the PreflightResult as JSON', async () => {
    const io = captureIo({ env });
    const code = await main(
      ['preflight', '--kong-conf', confPath, '--to', 'ro_iam', '--connect-host', '127.0.0.1', '--format', 'json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as {
      stage: string;
      isPassed: boolean;
      checks: Array<{ id: string; connection: string | null }>;
    };
    expect(result).toMatchObject({ stage: 'ro_iam', isPassed: true });
    expect(result.checks.map((check) => check.id)).toEqual([
      'credentials',
      'token',
      'tls-login',
      'rds-iam-member',
      'database-rights',
      'lint',
      'reminder',
    ]);
  });

  it('documents itself with --help', async () => {
    const io = captureIo({ env });
    expect(await main(['preflight', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--connect-host <address>');
    expect(io.out()).toContain('Exit status: 0 every check passed, 1 a check failed, 2 usage');
  });

  it('exits 2 when kong.conf cannot be read', async () => {
    const io = captureIo({ env });
    const code = await main(['preflight', '--kong-conf', join(dir, 'missing.conf'), '--to', 'ro_iam'], io);
    expect(code).toBe(2);
    expect(io.err()).toContain('missing.conf');
    expect(io.err()).toContain('no such file');
  });

  it('says which credential source is missing, with exit 1', async () => {
    const io = captureIo({ env: { HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' } });
    const code = await main(
      ['preflight', '--kong-conf', confPath, '--to', 'ro_iam', '--connect-host', '127.0.0.1'],
      io,
    );
    expect(code).toBe(1);
    expect(io.out()).toContain('FAIL  credentials');
    expect(io.out()).toContain('fix:');
    expect(io.out()).toContain('SKIP  token (read-only)');
  });
});
