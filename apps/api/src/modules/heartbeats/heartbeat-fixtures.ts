// Test helpers: synthetic heartbeats (imported by *.test.ts only).
import type { HeartbeatBody, KindCounters } from '@iamroll/contracts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export const CONFIG_HASH = 'a'.repeat(64);

export function counters(attempts = 0, failures: Partial<KindCounters['authFailures']> = {}): KindCounters {
  return {
    attempts,
    established: attempts,
    authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0, ...failures },
  };
}

export interface BeatOptions {
  readonly seq: number;
  readonly attempts?: number;
  readonly failures?: Partial<KindCounters['authFailures']>;
  readonly bootId?: string;
  readonly sentAtMs?: number;
  readonly host?: string;
  readonly port?: number;
  readonly iam?: boolean;
}

/** A valid heartbeat: one read-write connection to `host:port`, counters at `attempts`. */
export function heartbeatBody(options: BeatOptions, overrides: Partial<HeartbeatBody> = {}): HeartbeatBody {
  const sentAtMs = options.sentAtMs ?? 1_800_000_000_000 + options.seq * 1_000;
  return {
    bootId: options.bootId ?? 'boot-0001',
    seq: options.seq,
    sentAt: new Date(sentAtMs).toISOString(),
    intervalMs: 1_000,
    agentVersion: '0.1.0',
    kongVersion: '3.9.1.0',
    role: 'traditional',
    status: 'ok',
    counters: { rw: counters(options.attempts ?? 0, options.failures), ro: null },
    config: {
      hash: CONFIG_HASH,
      workers: 4,
      poolSize: 30,
      stage: options.iam ? 'rw_iam' : 'password',
      rw: {
        host: options.host ?? 'kong-db.abc.us-east-1.rds.amazonaws.com',
        port: options.port ?? 5432,
        database: 'kong',
        user: 'kong',
        iam: options.iam ?? false,
        ssl: true,
        sslVerify: true,
        region: 'us-east-1',
      },
      ro: null,
    },
    findings: [],
    ...overrides,
  };
}

export function beat(
  app: FastifyInstance,
  nodeId: string,
  credential: string,
  body: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/v1/nodes/${nodeId}/heartbeat`,
    headers: { authorization: `Bearer ${credential}` },
    payload: body as object,
  });
}

/** A clock tests move by hand. */
export function manualClock(startMs = 1_800_000_000_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    set: (ms: number) => void (nowMs = ms),
    advance: (ms: number) => void (nowMs += ms),
  };
}

export const DB_HOST = 'kong-db.abc.us-east-1.rds.amazonaws.com';

/** Registers a database as admin (through the API) and returns its id. */
export async function registerDatabase(
  app: FastifyInstance,
  adminHeaders: Readonly<Record<string, string>>,
  body: { identifier?: string; host?: string; port?: number; budgetPerSecond?: number; warningThreshold?: number } = {},
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/databases',
    headers: adminHeaders,
    payload: { identifier: 'kong-db', host: DB_HOST, port: 5432, region: 'us-east-1', ...body },
  });
  if (response.statusCode !== 201)
    throw new Error(`registering the database failed: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}
