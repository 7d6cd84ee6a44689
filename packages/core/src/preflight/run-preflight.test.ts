import { describe, expect, it } from 'vitest';
import { runPreflight, withinContract } from './run-preflight';
import { targetConfig } from './target-config';

// Outcomes decided before any network call: the stage cannot apply or cannot be planned, the
// target configuration the checks use, and a host Kong finds no region in.

const HOST = 'kong.abc123xyz.us-east-1.rds.amazonaws.com';
const env = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY1234',
  AWS_SECRET_ACCESS_KEY: 'secretExampleKey',
  HOME: '/nonexistent',
};
const now = () => Date.parse('2026-12-01T10:00:00Z');

describe('runPreflight without a database', () => {
  it('passes a data plane with an info: IAM does not apply there', async () => {
    const result = await runPreflight({
      kongConf: { text: 'role = data_plane\ndatabase = off\n' },
      processEnv: env,
      to: 'rw_iam',
      now,
    });
    expect(result).toMatchObject({ stage: 'rw_iam', isPassed: true, checkedAt: '2026-12-01T10:00:00.000Z' });
    expect(result.checks.map((check) => `${check.id}=${check.status}`)).toEqual(['credentials=skip', 'lint=info']);
  });

  it('fails ro_iam without pg_ro_host with the planner’s reason', async () => {
    const result = await runPreflight({
      kongConf: { text: `pg_host = ${HOST}\n` },
      processEnv: env,
      to: 'ro_iam',
      now,
    });
    expect(result.isPassed).toBe(false);
    expect(result.checks.find((check) => check.status === 'fail')).toMatchObject({ id: 'lint' });
    expect(result.checks.find((check) => check.id === 'lint')?.fix).toContain('pg_ro_host');
  });

  it('fails token for a host Kong finds no region in, and skips the login', async () => {
    const result = await runPreflight({
      kongConf: { text: 'pg_host = 10.0.0.5\npg_user = kong\n' },
      processEnv: env,
      to: 'rw_iam',
      now,
    });
    const byId = Object.fromEntries(result.checks.map((check) => [`${check.id}:${check.connection ?? ''}`, check]));
    expect(byId['token:rw']?.status).toBe('fail');
    expect(byId['token:rw']?.message).toContain('IP address');
    expect(byId['tls-login:rw']?.status).toBe('skip');
  });

  it('throws only for an unreadable kong.conf, naming it', async () => {
    await expect(
      runPreflight({ kongConf: { path: '/nonexistent/kong.conf' }, processEnv: env, to: 'rw_iam', now }),
    ).rejects.toThrow('/nonexistent/kong.conf');
  });
});

describe('targetConfig', () => {
  it('checks the IAM user the planner would write, on the connections the stage moves', () => {
    const conf = `pg_host = ${HOST}\npg_user = kong\npg_ro_host = ${HOST}\npg_schema = kong_schema\n`;
    const ro = targetConfig({ confText: conf, env: {} }, 'ro_iam');
    const rw = targetConfig({ confText: conf, env: {} }, 'rw_iam');
    expect(ro.ok && ro.connections.map((c) => [c.which, c.settings.user, c.schema])).toEqual([
      ['ro', 'kong_iam', 'kong_schema'],
    ]);
    expect(rw.ok && rw.connections.map((c) => [c.which, c.settings.user])).toEqual([
      ['rw', 'kong_iam'],
      ['ro', 'kong_iam'],
    ]);
  });

  it('applies env-file edits to Kong’s environment, not to kong.conf', () => {
    const target = targetConfig(
      { confText: `pg_host = ${HOST}\n`, env: {}, envFileText: 'KONG_PG_USER=kong\nAWS_REGION=us-east-1\n' },
      'rw_iam',
    );
    expect(target.ok && target.connections[0]?.settings.user).toBe('kong_iam');
    expect(target.ok && target.env.KONG_PG_IAM_AUTH).toBe('on');
    expect(target.ok && target.env.AWS_REGION).toBe('us-east-1');
  });
});

describe('withinContract', () => {
  it('cuts texts to the contract’s limits and redacts anything token-shaped', () => {
    const check = withinContract({
      id: 'tls-login',
      connection: 'rw',
      status: 'fail',
      message: `login failed: host:5432/?Action=connect&DBUser=kong_iam&X-Amz-Signature=abc ${'x'.repeat(3_000)}`,
      fix: 'y'.repeat(9_000),
    });
    expect(check.message.length).toBe(2_000);
    expect(check.message).not.toContain('X-Amz-Signature=abc');
    expect(check.fix.length).toBe(8_000);
  });
});
