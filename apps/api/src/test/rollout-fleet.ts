// Test helper (imported by *.test.ts only): one app with the rollout reconciler every
// 100 ms, the primary and replica databases registered, and N scripted agents heartbeating
// it (scripted-fleet.ts), every one already reported on the primary. The rollout tests
// share it instead of each repeating the setup.
import type { HeartbeatReply, RolloutView } from '@iamroll/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { AppConfig, AppDeps } from '../app';
import { beat } from '../modules/heartbeats/heartbeat-fixtures';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from './agent';
import { PRIMARY_HOST, REPLICA_HOST, runFleet, type ScriptedNode, type SendBeat } from './scripted-fleet';
import { eventually, type TestSession } from './test-app';
import { useTestApp } from './use-test-app';

export interface RolloutFleetOptions {
  readonly nodeCount: number;
  /** Per-node additions (a scripted failure, say), by index. */
  readonly node?: (index: number) => Partial<ScriptedNode>;
  readonly config?: Partial<AppConfig>;
  readonly deps?: AppDeps;
}

export interface RolloutFleet {
  readonly t: ReturnType<typeof useTestApp>;
  readonly nodes: ScriptedNode[];
  readonly operator: TestSession;
  readonly admin: TestSession;
  readonly primaryId: string;
  readonly replicaId: string;
  readonly send: SendBeat;
  /** GET /api/v1/rollouts/{id}. */
  readonly get: (id: string) => Promise<RolloutView>;
  /** POST /api/v1/rollouts with the primary as scope (the body's fields override); the reply as is. */
  readonly create: (body?: Record<string, unknown>, session?: TestSession) => Promise<LightMyRequestResponse>;
  /** POST /api/v1/rollouts/{id}/{kind} as the operator (or `session`). */
  readonly control: (
    id: string,
    kind: string,
    reason?: string,
    session?: TestSession,
  ) => Promise<LightMyRequestResponse>;
  /** Enrolls one more scripted node; it joins the heartbeating fleet at once. */
  readonly enroll: (hostname: string, extra?: Partial<ScriptedNode>) => Promise<ScriptedNode>;
  /** Waits until the rollout reaches one of these statuses (generous deadline: the machine is shared). */
  readonly until: (id: string, statuses: readonly RolloutView['status'][], timeoutMs?: number) => Promise<RolloutView>;
}

export function useRolloutFleet(options: RolloutFleetOptions): RolloutFleet {
  // Port 9 refuses: every delivery fails and waits for its backoff, so the outbox keeps what was sent.
  const config: Partial<AppConfig> = {
    enrollmentToken: TEST_ENROLLMENT_TOKEN,
    rolloutReconcileMs: 100,
    webhookUrl: 'http://127.0.0.1:9/hook',
  };
  // Copied as descriptors, not spread: a getter (a loopback's URL) is read when the app is built.
  Object.defineProperties(config, Object.getOwnPropertyDescriptors(options.config ?? {}));
  const t = useTestApp(config, { leaderRetryMs: 200, ...options.deps });
  const nodes: ScriptedNode[] = [];
  let fleet: { stop(): Promise<void> } | undefined;
  let sessions: { operator: TestSession; admin: TestSession } | undefined;
  let ids: { primaryId: string; replicaId: string } | undefined;
  const live = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRolloutFleet: only available inside tests (after beforeAll)');
    return value;
  };

  const send: SendBeat = async (nodeId, credential, body) => {
    const response = await beat(t.app, nodeId, credential, body);
    return response.statusCode === 200 ? response.json<HeartbeatReply>() : null;
  };
  const headersOf = (session?: TestSession) => (session ?? live(sessions).operator).headers;
  const result: RolloutFleet = {
    t,
    nodes,
    get operator() {
      return live(sessions).operator;
    },
    get admin() {
      return live(sessions).admin;
    },
    get primaryId() {
      return live(ids).primaryId;
    },
    get replicaId() {
      return live(ids).replicaId;
    },
    send,
    get: async (id) => {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/rollouts/${id}`, headers: headersOf() });
      return response.json<RolloutView>();
    },
    create: (body = {}, session) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/rollouts',
        headers: headersOf(session),
        payload: { scope: { databaseId: live(ids).primaryId }, reason: 'move kong to IAM', ...body },
      }),
    control: (id, kind, reason = `${kind} by the test`, session) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/rollouts/${id}/${kind}`,
        headers: headersOf(session),
        payload: { reason },
      }),
    enroll: async (hostname, extra = {}) => {
      const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, hostname);
      const node: ScriptedNode = { nodeId, credential, stage: 'password', seq: 0, applied: [], ...extra };
      nodes.push(node);
      return node;
    },
    until: async (id, statuses, timeoutMs = 60_000) => {
      await eventually(async () => statuses.includes((await result.get(id)).status), timeoutMs, 100);
      return result.get(id);
    },
  };

  beforeAll(async () => {
    const admin = await t.admin();
    sessions = { admin, operator: await t.sessionAs('operator') };
    const database = async (identifier: string, host: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/databases',
          headers: admin.headers,
          payload: { identifier, host, port: 5432, region: 'us-east-1' },
        })
      ).json<{ id: string }>().id;
    ids = { primaryId: await database('kong-db', PRIMARY_HOST), replicaId: await database('kong-db-ro', REPLICA_HOST) };
    for (let i = 0; i < options.nodeCount; i += 1) await result.enroll(`kong-${i}`, options.node?.(i));
    // runFleet beats the array as it is on each beat: nodes enrolled later join it.
    fleet = runFleet(nodes, send);
    await eventually(() => t.app.leader.isLeader);
    // Every node has reported its connections (a node never heard from has no database yet).
    await eventually(() =>
      nodes.every((node) => t.app.fleet.registry.get(node.nodeId)?.report?.rwDatabaseId === ids?.primaryId),
    );
  }, 60_000);
  afterAll(() => fleet?.stop());
  return result;
}
