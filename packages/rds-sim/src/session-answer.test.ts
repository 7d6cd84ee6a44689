import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRdsSim, type RdsSim } from './rds-sim';
import { clientConfig, connectIam, loginError, signToken } from './test-support/iam-client';

describe('answer mode: the simulator answers sessions itself after the login', () => {
  let sim: RdsSim;
  let admin: pg.Client;

  beforeAll(async () => {
    sim = await startRdsSim({
      sessionMode: 'answer',
      iamUsers: ['kong_iam', 'reader_iam'],
      passwordUsers: [{ user: 'kong', password: 'kong-password' }],
    });
    admin = new pg.Client({ ...sim.upstream, database: 'postgres' });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await sim?.close();
  });

  const backends = async (): Promise<number> =>
    Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'kong'`)).rows[0].n);

  it('lets an IAM user in with a token and answers simple and extended queries, opening no upstream backend', async () => {
    const before = await backends();
    const client = await connectIam(sim);
    const simple = await client.query<{ '?column?': number }>('SELECT 1');
    const extended = await client.query('SELECT $1::int AS n', [5]);
    expect(simple.rows).toEqual([{ '?column?': 1 }]);
    expect(extended.rowCount).toBe(1);
    expect(await backends()).toBe(before);
    await client.end();
    expect(sim.counters().totals.IamDbAuthConnectionSuccess).toBeGreaterThanOrEqual(1);
  });

  it('checks password users against their configured password', async () => {
    const good = new pg.Client({
      ...clientConfig(sim, { user: 'kong', password: 'kong-password' }),
      application_name: 'answer-test',
    });
    await good.connect();
    expect((await good.query('SELECT 1')).rowCount).toBe(1);
    await good.end();
    const bad = await loginError(clientConfig(sim, { user: 'kong', password: 'wrong' }));
    expect(bad.code).toBe('28P01');
    expect(sim.counters().loginsByApplication['answer-test']).toEqual({ iam: 0, password: 1 });
  });

  it('treats the token of a user outside rds_iam as a password, as RDS does', async () => {
    await admin.query('CREATE USER outsider_iam');
    const refused = await loginError(
      clientConfig(sim, { user: 'outsider_iam', password: await signToken(sim, { username: 'outsider_iam' }) }),
    );
    expect(refused.code).toBe('28P01');
    expect(refused.message).toBe('password authentication failed for user "outsider_iam"');
  });

  it('relays iamroll-preflight sessions to upstream, so their questions get real answers', async () => {
    const before = await backends();
    const client = new pg.Client({
      ...clientConfig(sim, { password: await signToken(sim) }),
      application_name: 'iamroll-preflight',
    });
    await client.connect();
    const { rows } = await client.query<{ user: string; isMember: boolean }>(
      `SELECT current_user AS "user", pg_has_role(current_user, 'rds_iam', 'member') AS "isMember"`,
    );
    expect(rows).toEqual([{ user: 'kong_iam', isMember: true }]);
    expect(await backends()).toBe(before + 1);
    await client.end();
  });

  it('still asks the database: rds_iam members need a token, CONNECT can be revoked', async () => {
    const noToken = await loginError(clientConfig(sim, { password: 'not-a-token' }));
    expect(noToken.message).toMatch(/PAM authentication failed/);
    await admin.query('REVOKE CONNECT ON DATABASE kong FROM PUBLIC');
    await admin.query(`REVOKE kong FROM reader_iam`);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the lookup cache
    const refused = await loginError(
      clientConfig(sim, {
        user: 'reader_iam',
        password: await signToken(sim, { username: 'reader_iam' }),
      }),
    );
    expect(refused.code).toBe('42501');
  });
});
