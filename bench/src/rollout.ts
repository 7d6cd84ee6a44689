import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedFleet, type SimulatedFleet } from '@iamroll/agent/simulated';
import type { RdsSimCounters } from '@iamroll/rds-sim';
import { installChildCleanup, onCleanup } from './ingest/children';
import { startApiProcess, type ApiProcess } from './ingest/api-process';
import { signIn, type ApiSession } from './rollout/api-session';
import { parseRolloutArgs } from './rollout/args';
import { startRemoteSim, type RemoteSim } from './rollout/remote-sims';
import { Timeline } from './rollout/timeline';

// `npm run bench -- rollout [--json]`: the whole product on loopback — the real API (`iamroll
// serve`, its rollout reconciler pacing) and two simulated RDS instances at 200 IAM logins/s
// each (answer mode), each in its own child process, and in this process 100 simulated Kong
// nodes (4 workers × pool 5, rw on the primary, ro on the replica) each run by the real agent
// code — rolled password → ro_iam → rw_iam through `POST /api/v1/rollouts` with zero bake and a
// maxUnavailable that does not bind. The simulators' own counters are what is measured.

const PASSWORD = 'kong-Password-for-the-bench-1';

interface RolloutBody {
  readonly id: string;
  readonly status: string;
  readonly phase: string | null;
  readonly message: string;
  readonly nodes: readonly { readonly hostname: string | null; readonly phase: string; readonly state: string }[];
}

/** Longer than the controller's 10 s failure window. */
const QUIET_BEFORE_START_MS = 12_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await sleep(250);
  }
}

const iamLoginsOf = (counters: RdsSimCounters, node: string): number =>
  Object.entries(counters.loginsByApplication)
    .filter(([name]) => name.startsWith(`${node}/`))
    .reduce((sum, [, counts]) => sum + counts.iam, 0);

export async function rollout(argv: readonly string[]): Promise<void> {
  const args = parseRolloutArgs(argv);
  const progress = (line: string) => process.stderr.write(`rollout: ${line}\n`);
  installChildCleanup();
  const dir = await mkdtemp(join(tmpdir(), 'iamroll-bench-rollout-'));
  const forgetDir = onCleanup(() => rm(dir, { recursive: true, force: true }));
  const hardStop = setTimeout(() => {
    progress(`deadline of ${args.deadlineS} s passed: stopping`);
    process.exit(1); // the exit handler SIGTERMs the children
  }, args.deadlineS * 1000);
  hardStop.unref();

  progress(`starting the API and two simulators (child processes), then ${args.nodes} nodes`);
  let api: ApiProcess | undefined;
  let primary: RemoteSim | undefined;
  let replica: RemoteSim | undefined;
  let fleet: SimulatedFleet | undefined;
  try {
    const users = { passwordUser: 'kong', password: PASSWORD, budget: args.budget };
    [api, primary] = await Promise.all([
      startApiProcess({ env: { IAMROLL_ROLLOUT_RECONCILE_MS: String(args.reconcileMs) } }),
      startRemoteSim({ ...users, endpointHost: 'kong-db.abcdefghijkl.us-east-1.rds.amazonaws.com' }),
    ]);
    replica = await startRemoteSim({
      ...users,
      endpointHost: 'kong-db-ro.abcdefghijkl.us-east-1.rds.amazonaws.com',
      shared: { upstream: primary.upstream, credentials: primary.credentials },
    });
    const session: ApiSession = await signIn(api.origin, api.adminPassword);
    const register = async (identifier: string, sim: RemoteSim): Promise<string> => {
      const reply = await session.call<{ id: string }>('POST', '/api/v1/databases', {
        identifier,
        host: sim.endpointHost,
        port: sim.endpointPort,
        region: sim.region,
        budgetPerSecond: args.budget,
        reason: 'bench: the simulated RDS instance',
      });
      if (reply.status !== 201 && reply.status !== 200)
        throw new Error(`registering ${identifier}: ${reply.status} ${reply.text}`);
      return reply.body.id;
    };
    const primaryId = await register('kong-db', primary);
    const replicaId = await register('kong-db-ro', replica);

    let startedAtMs = Number.NaN;
    const timeline = new Timeline(() => startedAtMs);
    fleet = await startSimulatedFleet({
      controllerUrl: api.origin,
      enrollmentToken: api.enrollmentToken,
      dir: join(dir, 'nodes'),
      primary,
      replica,
      nodes: args.nodes,
      workers: args.workers,
      poolSize: args.poolSize,
      password: PASSWORD,
      intervalMs: 1000,
      queryIntervalMs: 1000,
      log: (line) => {
        if (!Number.isNaN(startedAtMs)) timeline.onAgentLog(line);
      },
    });
    const members = fleet.members;
    await until(
      async () => {
        const { body } = await session.call<{
          items: { rwDatabase: { id: string } | null; roDatabase: { id: string } | null; isStale: boolean }[];
        }>('GET', `/api/v1/nodes?limit=500`);
        return (
          body.items.length === args.nodes &&
          body.items.every((n) => n.rwDatabase?.id === primaryId && n.roDatabase?.id === replicaId && !n.isStale)
        );
      },
      'every node matched to its databases',
      180_000,
    );
    const allOn = async (stage: string): Promise<boolean> => {
      for (const member of members)
        if (member.agent.machine.isBusy || (await member.agent.machine.currentStage()) !== stage) return false;
      return true;
    };
    await until(() => allOn('password'), 'every node on password', 120_000);
    // Steady also means quiet: login failures of the start (timeouts on a busy machine) sit in the
    // controller's 10 s window and would pause the rollout on its auth-failure gate at once.
    const loginFailures = () =>
      members.reduce((sum, m) => {
        const { rw, ro } = m.node.snapshot();
        const failed = (kind: typeof rw | null) =>
          kind ? Object.values(kind.authFailures).reduce((a, b) => a + b, 0) : 0;
        return sum + failed(rw) + failed(ro);
      }, 0);
    let quietSince = Date.now();
    let lastFailures = loginFailures();
    await until(
      () => {
        const now = loginFailures();
        if (now !== lastFailures) [lastFailures, quietSince] = [now, Date.now()];
        return Date.now() - quietSince >= QUIET_BEFORE_START_MS;
      },
      `no login failure for ${QUIET_BEFORE_START_MS / 1000} s`,
      300_000,
    );
    progress(`fleet steady on passwords (load ${loadavg()[0]!.toFixed(2)}); starting the rollout`);

    const sims = [primary, replica] as const;
    const snapshot = () => Promise.all(sims.map((sim) => sim.counters()));
    const throttled = (c: RdsSimCounters) => c.totals.IamDbAuthConnectionFailureThrottling;
    const iamRequests = (c: RdsSimCounters) => c.totals.IamDbAuthConnectionRequests;
    const failedQueries = () => members.reduce((sum, m) => sum + m.node.failedQueries, 0);
    const failedSwitches = () => members.reduce((s, m) => s + m.agent.machine.report().failedSwitches, 0);
    const failedQueriesBefore = failedQueries();
    const failedSwitchesBefore = failedSwitches();
    const before = await snapshot();
    let loginsAtRw: number[] | undefined;
    const firstIam = { ro: new Map<string, number>(), rw: new Map<string, number>() };
    const peaks = [0, 0];
    const sample = async () => {
      const now = Date.now();
      const counters = await snapshot();
      counters.forEach((c, i) => {
        for (const second of c.perSecond) peaks[i] = Math.max(peaks[i]!, second.IamDbAuthConnectionRequests);
      });
      for (const { name } of members) {
        if (!firstIam.ro.has(name) && iamLoginsOf(counters[1]!, name) > 0) firstIam.ro.set(name, now);
        if (!firstIam.rw.has(name) && iamLoginsOf(counters[0]!, name) > 0) firstIam.rw.set(name, now);
      }
      return counters;
    };
    let isSampling = true;
    const sampler = (async () => {
      while (isSampling) {
        await sample();
        await sleep(200);
      }
    })();

    startedAtMs = Date.now();
    const created = await session.call<RolloutBody>('POST', '/api/v1/rollouts', {
      scope: { databaseId: primaryId },
      reason: 'bench: the fleet from password to rw_iam',
      bakeSeconds: 0,
      maxUnavailable: args.nodes,
      targetUtilisation: args.targetUtilisation,
      ...(args.burstWindowS !== undefined ? { burstWindowSeconds: args.burstWindowS } : {}),
    });
    if (created.status !== 201) throw new Error(`POST /api/v1/rollouts: ${created.status} ${created.text}`);
    const id = created.body.id;
    let view = created.body;
    let busySamples = 0;
    const waits = new Map<string, number>();
    let polls = 0;
    for (;;) {
      view = (await session.call<RolloutBody>('GET', `/api/v1/rollouts/${id}`)).body;
      const now = Date.now();
      polls += 1;
      for (const node of view.nodes) {
        if (node.hostname === null) continue;
        if (node.state === 'switching') timeline.mark(`${node.hostname}@${node.phase}`, 'switching', now);
        if (node.state === 'switched') timeline.mark(`${node.hostname}@${node.phase}`, 'switched', now);
      }
      busySamples += members.filter((m) => m.agent.machine.isBusy).length;
      // What the engine waits for, by kind (numbers and ids stripped), for the diagnosis.
      const waitingFor = view.message.replace(/[0-9a-f-]{36}/g, '<id>');
      waits.set(waitingFor, (waits.get(waitingFor) ?? 0) + 1);
      if (view.phase === 'rw_iam' && !loginsAtRw) {
        loginsAtRw = (await snapshot()).map(iamRequests);
        progress(`phase rw_iam after ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`);
      }
      if (['completed', 'paused', 'aborted', 'rolled_back'].includes(view.status)) break;
      await sleep(200);
    }
    const durationS = (Date.now() - startedAtMs) / 1000;
    await until(() => allOn('rw_iam'), 'every node on rw_iam', 60_000).catch(() => undefined);
    isSampling = false;
    await sampler;
    const after = await sample();
    progress(
      `rollout ${view.status} after ${durationS.toFixed(1)} s (load ${loadavg()[0]!.toFixed(2)}): ${view.message}`,
    );

    const loginsAtEnd = after.map(iamRequests);
    const loginsAtStart = before.map(iamRequests);
    const rwStart = loginsAtRw ?? loginsAtEnd;
    const phaseLogins = [
      sims.map((_, i) => rwStart[i]! - loginsAtStart[i]!),
      sims.map((_, i) => loginsAtEnd[i]! - rwStart[i]!),
    ];
    const perSecond = args.targetUtilisation * args.budget;
    const idealS = phaseLogins.reduce((sum, phase) => sum + Math.max(...phase) / perSecond, 0);
    const lastRo = Math.max(...firstIam.ro.values());
    const firstRw = Math.min(...firstIam.rw.values());
    const round = (n: number, digits = 2) => Number(n.toFixed(digits));
    const result = {
      nodes: args.nodes,
      throttled: after.reduce((sum, c, i) => sum + throttled(c) - throttled(before[i]!), 0),
      failed_switches:
        failedSwitches() - failedSwitchesBefore + view.nodes.filter((node) => node.state === 'failed').length,
      failed_queries: failedQueries() - failedQueriesBefore,
      duration_s: round(durationS, 1),
      ideal_s: round(idealS, 1),
      ratio: round(durationS / idealS),
      peak_utilisation: round(Math.max(...peaks) / args.budget),
      ro_before_rw:
        view.status === 'completed' &&
        firstIam.ro.size === args.nodes &&
        firstIam.rw.size === args.nodes &&
        lastRo <= firstRw,
    };
    progress(
      `IAM logins per phase (primary, replica): ro_iam ${phaseLogins[0]!.join(', ')}; rw_iam ${phaseLogins[1]!.join(', ')}; peaks ${peaks.join(', ')}/s`,
    );
    for (const phase of ['ro_iam', 'rw_iam']) progress(`timeline ${phase}: ${JSON.stringify(timeline.summary(phase))}`);
    progress(`agents busy on average: ${(busySamples / Math.max(1, polls)).toFixed(1)}`);
    for (const [message, count] of [...waits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
      progress(`  ${count} polls: ${message.slice(0, 400)}`);
    const timelineFile = argv.includes('--timeline') ? argv[argv.indexOf('--timeline') + 1] : undefined;
    if (timelineFile) await writeFile(timelineFile, JSON.stringify(timeline, null, 1));
    const kinds = { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 };
    for (const member of members) {
      const counters = member.node.snapshot();
      for (const kind of [counters.rw, counters.ro])
        for (const key of Object.keys(kinds) as (keyof typeof kinds)[]) kinds[key] += kind?.authFailures[key] ?? 0;
    }
    progress(`the nodes' login failures by kind: ${JSON.stringify(kinds)}`);
    after.forEach((c, i) => {
      progress(
        `${sims[i]!.endpointHost}: IAM failures ${c.totals.IamDbAuthConnectionFailure}; recent: ${[...new Set(c.recentFailures.map((f) => f.reason))].slice(0, 3).join(' | ')}`,
      );
    });
    process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearTimeout(hardStop);
    await fleet?.stop();
    await api?.close();
    await replica?.close();
    await primary?.close();
    await rm(dir, { recursive: true, force: true });
    forgetDir();
  }
}
