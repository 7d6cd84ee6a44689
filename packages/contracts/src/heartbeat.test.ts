import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { HeartbeatBody, HeartbeatReply } from './heartbeat';

const counters = {
  attempts: 0,
  established: 0,
  authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 },
};
const connection = {
  host: 'kong.abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  database: 'kong',
  user: 'kong',
  iam: false,
  ssl: true,
  sslVerify: true,
  region: 'us-east-1',
};
/** The example agents and the ingest bench are written against. */
const example = {
  bootId: 'boot-7f3a9c2e',
  seq: 0,
  sentAt: '2026-11-29T07:00:00.000Z',
  intervalMs: 1000,
  agentVersion: '0.1.0',
  kongVersion: '3.9.1.0',
  role: 'traditional',
  status: 'ok',
  statusMessage: 'optional',
  counters: { rw: counters, ro: null },
  config: {
    hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    workers: 4,
    poolSize: 30,
    stage: 'password',
    rw: connection,
    ro: null,
  },
  findings: [{ rule: 'iam/password-set', severity: 'warning', key: 'pg_password', message: 'm', fix: 'f' }],
};

describe('heartbeat contract', () => {
  it('accepts the documented example, with or without a read-only connection and status message', () => {
    expect(Value.Check(HeartbeatBody, example)).toBe(true);
    const { statusMessage: _omitted, ...withoutMessage } = example;
    expect(
      Value.Check(HeartbeatBody, {
        ...withoutMessage,
        counters: { rw: counters, ro: counters },
        config: { ...example.config, ro: { ...connection, region: null } },
      }),
    ).toBe(true);
  });

  it('refuses unknown fields at every level', () => {
    expect(Value.Check(HeartbeatBody, { ...example, extra: 1 })).toBe(false);
    expect(
      Value.Check(HeartbeatBody, { ...example, config: { ...example.config, rw: { ...connection, password: 'x' } } }),
    ).toBe(false);
    expect(
      Value.Check(HeartbeatBody, {
        ...example,
        counters: { rw: { ...counters, authFailures: { ...counters.authFailures, timeout: 1 } }, ro: null },
      }),
    ).toBe(false);
  });

  it('holds fields to their ranges', () => {
    expect(Value.Check(HeartbeatBody, { ...example, bootId: 'short' })).toBe(false);
    expect(Value.Check(HeartbeatBody, { ...example, seq: -1 })).toBe(false);
    expect(Value.Check(HeartbeatBody, { ...example, statusMessage: 'x'.repeat(501) })).toBe(false);
    expect(Value.Check(HeartbeatBody, { ...example, config: { ...example.config, hash: 'not-hex' } })).toBe(false);
    expect(Value.Check(HeartbeatBody, { ...example, config: { ...example.config, stage: 'iam' } })).toBe(false);
  });

  it('types the reply', () => {
    expect(
      Value.Check(HeartbeatReply, { desiredStage: 'ro_iam', intervalMs: 1000, serverTime: '2026-11-29T07:00:00.123Z' }),
    ).toBe(true);
  });
});

describe('heartbeat contract: the agent fields (optional)', () => {
  it('accepts labels, pools and a transition report, and refuses bad label names', () => {
    const transition = {
      status: 'switching',
      toStage: 'ro_iam',
      step: 'written',
      failedSwitches: 0,
      completedSwitches: 1,
      isPasswordRemoved: false,
      hasBackup: true,
    };
    const pools = { rw: { workers: 4, poolSize: 5, keepaliveTimeoutMs: 60_000 }, ro: null };
    const body = {
      ...example,
      labels: { env: 'prod', 'team/x': 'a' },
      transition,
      config: { ...example.config, pools },
    };
    expect(Value.Check(HeartbeatBody, body)).toBe(true);
    expect(Value.Check(HeartbeatBody, { ...body, labels: { '-bad': 'x' } })).toBe(false);
    expect(
      Value.Check(HeartbeatReply, {
        desiredStage: 'rw_iam',
        intervalMs: 1000,
        serverTime: example.sentAt,
        finalize: 'finalized',
      }),
    ).toBe(true);
  });
});
