import { describe, expect, it } from 'vitest';
import { startFleetStack } from './test-stack';

// A measurement, not a check: run with IAMROLL_MEASURE=1 (optionally IAMROLL_MEASURE_NODES).
// The whole product in one process (the shared test stack): API, two simulated instances in answer mode at 200/s,
// N nodes × 4 workers × pool 5 (rw + ro) each with its own agent heartbeating every second;
// steady state, then every node switched to rw_iam in waves the budget can take (what the
// rollout engine will pace), printing one JSON line.
const NODES = Number(process.env.IAMROLL_MEASURE_NODES ?? 100);
const WORKERS = 4;
const POOL = 5;

describe.runIf(process.env.IAMROLL_MEASURE === '1')('fleet at scale (measurement)', () => {
  it('holds the fleet and rolls it to rw_iam under the budget', { timeout: 900_000 }, async () => {
    const startedAt = Date.now();
    const stack = await startFleetStack({
      name: 'fleet-scale-measure',
      nodes: NODES,
      workers: WORKERS,
      poolSize: POOL,
      sessionMode: 'answer',
      intervalMs: 1000,
    });
    const { fleet, primary, replica } = stack;
    primary.setAuthRatePerSecond(200);
    replica.setAuthRatePerSecond(200);
    const startS = (Date.now() - startedAt) / 1000;
    const cpuBefore = process.cpuUsage();
    const wallBefore = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const steadyCpu = process.cpuUsage(cpuBefore);
    const steady = {
      cpu_cores: Number(((steadyCpu.user + steadyCpu.system) / 1000 / (Date.now() - wallBefore)).toFixed(2)),
      rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
      connections: fleet.members.reduce((sum, m) => sum + m.node.openConnections, 0),
    };

    // Waves: a node's rw_iam restart costs WORKERS × POOL logins on each instance (+1 probe login).
    const perWave = Math.max(1, Math.floor((0.5 * 200) / (WORKERS * POOL + 1)));
    const queriesFailedBefore = fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0);
    const rollStart = Date.now();
    for (let i = 0; i < fleet.members.length; i += perWave) {
      const names = fleet.members.slice(i, i + perWave).map((m) => m.name);
      await Promise.all(names.map((name) => stack.setDesired('rw_iam', name)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const deadline = Date.now() + 600_000;
    for (;;) {
      let done = 0;
      for (const m of fleet.members)
        if (!m.agent.machine.isBusy && (await m.agent.machine.currentStage()) === 'rw_iam') done += 1;
      if (done === fleet.members.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const peak = (sim: typeof primary): number =>
      Math.max(...sim.counters().perSecond.map((s) => s.IamDbAuthConnectionRequests));
    const result = {
      nodes: NODES,
      workers: WORKERS,
      pool: POOL,
      start_s: Number(startS.toFixed(1)),
      steady,
      roll_s: Number(((Date.now() - rollStart) / 1000).toFixed(1)),
      nodes_per_wave: perWave,
      switched: fleet.members.filter((m) => m.agent.machine.report().completedSwitches >= 1).length,
      failed_switches: fleet.members.reduce((sum, m) => sum + m.agent.machine.report().failedSwitches, 0),
      throttled:
        primary.counters().totals.IamDbAuthConnectionFailureThrottling +
        replica.counters().totals.IamDbAuthConnectionFailureThrottling,
      failed_queries: fleet.members.reduce((sum, m) => sum + m.node.failedQueries, 0) - queriesFailedBefore,
      peak_iam_logins_per_s: { primary: peak(primary), replica: peak(replica) },
      rss_mib_after: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    console.log(JSON.stringify(result));
    await stack.stop();
    expect(result.switched).toBe(NODES);
  });
});
