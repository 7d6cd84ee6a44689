// Test helper (imported by *.test.ts only): scripted agents that also answer the reply's
// `preflight` request with results the test scripts, until preflight-node's real agent lands.
import type {
  HeartbeatBody,
  HeartbeatReply,
  PreflightCheck,
  PreflightReport,
  PreflightResult,
  PreflightStage,
} from '@iamroll/contracts';
import { scriptedBody, type ScriptedNode, type SendBeat } from '../../test/scripted-fleet';

export interface PreflightAgent extends ScriptedNode {
  /** Reports `capabilities: ['preflight']`. */
  readonly isCapable: boolean;
  /** pg_ro_host, when not the shared replica. */
  readonly roHost?: string;
  /** The result for a requested stage; null: this agent never answers. */
  readonly answer: (stage: PreflightStage, nowMs: number, requestIndex: number) => PreflightResult | null;
  /** Request ids seen, in order (an answered request is not run again). */
  readonly requests: string[];
  pendingReport?: PreflightReport;
}

const PASSING_CHECKS: PreflightCheck[] = [
  { id: 'credentials', connection: null, status: 'pass', message: 'credentials from environment variables', fix: '' },
  { id: 'token', connection: 'ro', status: 'pass', message: 'a token signs for the replica', fix: '' },
  { id: 'tls-login', connection: 'ro', status: 'pass', message: 'TLS login as kong_iam succeeded', fix: '' },
  { id: 'rds-iam-member', connection: 'ro', status: 'pass', message: 'kong_iam is a member of rds_iam', fix: '' },
];

export function passing(stage: PreflightStage, checkedAtMs: number): PreflightResult {
  return { stage, checkedAt: new Date(checkedAtMs).toISOString(), isPassed: true, checks: PASSING_CHECKS };
}

export function notInRdsIam(stage: PreflightStage, checkedAtMs: number): PreflightResult {
  return {
    stage,
    checkedAt: new Date(checkedAtMs).toISOString(),
    isPassed: false,
    checks: [
      ...PASSING_CHECKS.slice(0, 3),
      {
        id: 'rds-iam-member',
        connection: 'ro',
        status: 'fail',
        message: 'kong_iam is not a member of rds_iam: RDS would refuse its IAM logins',
        fix: 'GRANT rds_iam TO "kong_iam";',
      },
    ],
  };
}

export function preflightBody(agent: PreflightAgent): HeartbeatBody {
  const body = scriptedBody(agent);
  return {
    ...body,
    config: {
      ...body.config,
      ro: body.config.ro && agent.roHost ? { ...body.config.ro, host: agent.roHost } : body.config.ro,
    },
    ...(agent.isCapable ? { capabilities: ['preflight' as const] } : {}),
    ...(agent.pendingReport ? { preflight: agent.pendingReport } : {}),
  };
}

/** One beat per agent: desired stages applied on the next beat (as beatAll), requests answered on the next beat. */
export async function beatPreflightAgents(agents: readonly PreflightAgent[], send: SendBeat): Promise<void> {
  await Promise.all(
    agents.map(async (agent) => {
      agent.seq += 1;
      const report = agent.pendingReport;
      const reply: HeartbeatReply | null = await send(agent.nodeId, agent.credential, preflightBody(agent));
      if (!reply) return;
      if (report && agent.pendingReport === report) delete agent.pendingReport;
      if (reply.desiredStage !== agent.stage) {
        agent.stage = reply.desiredStage;
        agent.applied.push(reply.desiredStage);
      }
      const request = reply.preflight;
      if (!request || agent.requests.includes(request.requestId)) return;
      agent.requests.push(request.requestId);
      const results = request.stages
        .map((stage) => agent.answer(stage, Date.now(), agent.requests.length - 1))
        .filter((result): result is PreflightResult => result !== null);
      if (results.length > 0) agent.pendingReport = { requestId: request.requestId, results };
    }),
  );
}

export function runPreflightFleet(agents: readonly PreflightAgent[], send: SendBeat, intervalMs = 100) {
  let isRunning = true;
  const done = (async () => {
    while (isRunning) {
      await beatPreflightAgents(agents, send).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      isRunning = false;
      await done;
    },
  };
}
