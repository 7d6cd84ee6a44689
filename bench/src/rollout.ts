import { eventually, startFleetStack, type FleetStack } from '@iamroll/agent/test-stack';
import type { RdsSim } from '@iamroll/rds-sim';

// `npm run bench -- rollout [--json]`: the whole product on loopback — the real API (its rollout
// reconciler pacing), two simulated RDS instances at 200 IAM logins/s each (answer mode), and
// 100 simulated Kong nodes (4 workers × pool 5, rw on the primary, ro on the replica) each run
// by the real agent code — rolled password → ro_iam → rw_iam through `POST /api/v1/rollouts`
// with zero bake and a maxUnavailable that does not bind. One process (like the agent's
// fleet-scale measurement): the nodes' connections are what the simulators count.

interface RolloutArgs {
  readonly json: boolean;
  readonly nodes: number;
  readonly workers: number;
  readonly poolSize: number;
  readonly budget: number;
  readonly targetUtilisation: number;
  readonly deadlineS: number;
}

function parseArgs(argv: readonly string[]): RolloutArgs {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return fallback;
    const parsed = Number(argv[index + 1]);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} needs a positive number`);
    return parsed;
  };
  return {
    json: argv.includes('--json'),
    nodes: value('nodes', 100),
    workers: value('workers', 4),
    poolSize: value('pool', 5),
    budget: value('budget', 200),
    targetUtilisation: value('target', 0.5),
    deadlineS: value('deadline-s', 600),
  };
}

interface RolloutBody {
  readonly id: string;
  readonly status: string;
  readonly phase: string | null;
  readonly message: string;
  readonly nodes: readonly { readonly state: string }[];
}

const iamRequests = (sim: RdsSim): number => sim.counters().totals.IamDbAuthConnectionRequests;
const throttled = (sim: RdsSim): number => sim.counters().totals.IamDbAuthConnectionFailureThrottling;

export async function rollout(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const progress = (line: string) => process.stderr.write(`rollout: ${line}\n`);
  progress(`starting the API, two simulators and ${args.nodes} nodes`);
  const stack: FleetStack = await startFleetStack({
    name: `bench-rollout-${process.pid}`,
    nodes: args.nodes,
    workers: args.workers,
    poolSize: args.poolSize,
    sessionMode: 'answer',
    intervalMs: 1000,
    rolloutReconcileMs: 250,
  });
  const hardStop = setTimeout(() => {
    progress(`deadline of ${args.deadlineS} s passed: stopping`);
    process.exit(1);
  }, args.deadlineS * 1000);
  hardStop.unref();
  try {
    stack.primary.setAuthRatePerSecond(args.budget);
    stack.replica.setAuthRatePerSecond(args.budget);
    const { primaryId, replicaId } = await stack.registerDatabases(args.budget);
    await eventually(
      async () => {
        const { body } = await stack.api<{
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
    // Steady state first: every pool full on passwords.
    await eventually(() => stack.allOn('password'), 'every node on password', 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    progress('fleet steady on passwords; starting the rollout');

    const sims = [stack.primary, stack.replica] as const;
    const names = stack.fleet.members.map((member) => member.name);
    const failedQueriesBefore = stack.fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0);
    const failedSwitchesBefore = stack.fleet.members.reduce((s, m) => s + m.agent.machine.report().failedSwitches, 0);
    const throttledBefore = sims.map(throttled);
    const loginsAtStart = sims.map(iamRequests);
    let loginsAtRw: number[] | undefined;
    const firstIam = { ro: new Map<string, number>(), rw: new Map<string, number>() };
    let peak = 0;
    const sample = () => {
      const now = Date.now();
      for (const sim of sims)
        for (const second of sim.counters().perSecond) peak = Math.max(peak, second.IamDbAuthConnectionRequests);
      for (const name of names) {
        if (!firstIam.ro.has(name) && stack.iamLogins(stack.replica, name) > 0) firstIam.ro.set(name, now);
        if (!firstIam.rw.has(name) && stack.iamLogins(stack.primary, name) > 0) firstIam.rw.set(name, now);
      }
    };
    const sampler = setInterval(sample, 200);

    const startedAt = Date.now();
    const created = await stack.api<RolloutBody>('POST', '/api/v1/rollouts', {
      scope: { databaseId: primaryId },
      reason: 'bench: the fleet from password to rw_iam',
      bakeSeconds: 0,
      maxUnavailable: args.nodes,
      targetUtilisation: args.targetUtilisation,
    });
    if (created.statusCode !== 201) throw new Error(`POST /api/v1/rollouts: ${created.statusCode} ${created.text}`);
    const id = created.body.id;
    let view = created.body;
    for (;;) {
      view = (await stack.api<RolloutBody>('GET', `/api/v1/rollouts/${id}`)).body;
      if (view.phase === 'rw_iam' && !loginsAtRw) {
        loginsAtRw = sims.map(iamRequests);
        progress(`phase rw_iam after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      }
      if (['completed', 'paused', 'aborted', 'rolled_back'].includes(view.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await eventually(() => stack.allOn('rw_iam'), 'every node on rw_iam', 120_000).catch(() => undefined);
    const durationS = (Date.now() - startedAt) / 1000;
    sample();
    clearInterval(sampler);
    progress(`rollout ${view.status} after ${durationS.toFixed(1)} s: ${view.message}`);

    const loginsAtEnd = sims.map(iamRequests);
    const rwStart = loginsAtRw ?? loginsAtEnd;
    const phaseLogins = [
      sims.map((_, i) => rwStart[i]! - loginsAtStart[i]!),
      sims.map((_, i) => loginsAtEnd[i]! - rwStart[i]!),
    ];
    const perSecond = args.targetUtilisation * args.budget;
    const idealS = phaseLogins.reduce((sum, phase) => sum + Math.max(...phase) / perSecond, 0);
    const lastRo = Math.max(...firstIam.ro.values());
    const firstRw = Math.min(...firstIam.rw.values());
    const failedSwitches =
      stack.fleet.members.reduce((s, m) => s + m.agent.machine.report().failedSwitches, 0) -
      failedSwitchesBefore +
      view.nodes.filter((node) => node.state === 'failed').length;
    const round = (n: number, digits = 2) => Number(n.toFixed(digits));
    const result = {
      nodes: args.nodes,
      throttled: sims.reduce((sum, sim, i) => sum + throttled(sim) - throttledBefore[i]!, 0),
      failed_switches: failedSwitches,
      failed_queries: stack.fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0) - failedQueriesBefore,
      duration_s: round(durationS, 1),
      ideal_s: round(idealS, 1),
      ratio: round(durationS / idealS),
      peak_utilisation: round(peak / args.budget),
      ro_before_rw:
        view.status === 'completed' &&
        firstIam.ro.size === args.nodes &&
        firstIam.rw.size === args.nodes &&
        lastRo <= firstRw,
    };
    progress(
      `IAM logins per phase (primary, replica): ro_iam ${phaseLogins[0]!.join(', ')}; rw_iam ${phaseLogins[1]!.join(', ')}; status ${view.status}`,
    );
    const kinds = { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 };
    for (const member of stack.fleet.members) {
      const snapshot = member.node.snapshot();
      for (const counters of [snapshot.rw, snapshot.ro])
        for (const key of Object.keys(kinds) as (keyof typeof kinds)[]) kinds[key] += counters?.authFailures[key] ?? 0;
    }
    progress(`the nodes' login failures by kind: ${JSON.stringify(kinds)}`);
    for (const sim of sims) {
      const { totals, recentFailures } = sim.counters();
      progress(
        `${sim.endpointHost}: IAM failures ${totals.IamDbAuthConnectionFailure}; recent: ${[...new Set(recentFailures.map((f) => f.reason))].slice(0, 3).join(' | ')}`,
      );
    }
    process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearTimeout(hardStop);
    await stack.stop();
  }
}
