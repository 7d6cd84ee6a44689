import type { ConnectionConfig, HeartbeatConfig } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { nextStageOf, planNode } from './node-plan';

const rw: ConnectionConfig = {
  host: 'orders.abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  database: 'kong',
  user: 'kong',
  iam: false,
  ssl: true,
  sslVerify: true,
  region: 'us-east-1',
};
const ro: ConnectionConfig = { ...rw, host: 'orders-ro.abc.us-east-1.rds.amazonaws.com' };
const config = (patch: Partial<HeartbeatConfig> = {}): HeartbeatConfig => ({
  hash: 'a'.repeat(64),
  workers: 2,
  poolSize: 10,
  stage: 'password',
  rw,
  ro,
  ...patch,
});
const node = { id: '00000000-0000-4000-8000-000000000001', role: 'traditional' } as const;

describe('planNode: the edit of a node’s next stage from its reported settings', () => {
  it('plans read-only first: the read-only user and IAM switch, the password kept for rollback', () => {
    const plan = planNode(node, config());
    expect(plan).toMatchObject({ from: 'password', to: 'ro_iam', error: null, blockers: [] });
    expect(plan.changes).toEqual([
      { key: 'pg_ro_user', from: 'kong', to: 'kong_iam' },
      { key: 'pg_ro_iam_auth', from: 'off', to: 'on' },
    ]);
    expect(plan.kept).toEqual([{ key: 'pg_ro_password', note: expect.stringContaining('kept for rollback') }]);
    expect(plan.notes.join(' ')).toContain('create kong_iam and grant it rds_iam');
  });

  it('plans read-write from read-only: both connections on the IAM user', () => {
    const onRo = config({ stage: 'ro_iam', ro: { ...ro, iam: true, user: 'kong_iam' } });
    expect(nextStageOf(onRo)).toBe('rw_iam');
    const plan = planNode(node, onRo);
    expect(plan).toMatchObject({ from: 'ro_iam', to: 'rw_iam', error: null });
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        { key: 'pg_user', from: 'kong', to: 'kong_iam' },
        { key: 'pg_iam_auth', from: 'off', to: 'on' },
      ]),
    );
    expect(plan.kept.map((kept) => kept.key)).toEqual(['pg_password']);
  });

  it('answers for the stage asked for, and says why when there is no plan', () => {
    expect(planNode(node, config({ ro: null }), 'rw_iam').changes.map((change) => change.key)).toContain('pg_user');
    expect(planNode(node, config({ ro: null }), 'ro_iam').error).toMatch(/pg_ro_host is not set/);
    expect(planNode({ ...node, role: 'data_plane' }, config()).error).toMatch(/IAM does not apply/);
    expect(planNode(node, null).error).toMatch(/No heartbeat yet/);
  });

  it('never carries a password: none is reported, and none is written', () => {
    const text = JSON.stringify(planNode(node, config(), 'rw_iam'));
    expect(text).not.toMatch(/pg_password"?\s*[:=]\s*"[^(]/);
    expect(planNode(node, config(), 'rw_iam').changes.some((change) => change.key.includes('password'))).toBe(false);
  });
});
