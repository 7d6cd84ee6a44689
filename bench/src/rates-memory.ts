import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rates } from '@iamroll/core';

// Memory of the controller's in-memory rates (FleetRates) for a fleet, on a driven clock: N nodes
// heartbeat every 10 s while idle and every second during a reconnect storm (a 60 s storm every
// 600 s by default, so 10 % of the fleet storms at any time, as `ingest --profile fleet`). After
// the run (an hour and ten minutes of fleet time by default), the bench reports the memory the
// rates hold per node beside what one 4-byte slot per held second of every series created would
// take (the dense layout: the baseline, computed in the same run), and the ratio.

interface RatesMemoryArgs {
  readonly nodes: number;
  readonly seconds: number;
  readonly stormSeconds: number;
  readonly cycleSeconds: number;
  readonly json: boolean;
}

const USAGE =
  'usage: npm run bench -- rates-memory [--json] [--nodes N (10000)] [--seconds S (4200)] [--storm-s S (60)] [--cycle-s S (600)]';

export function parseRatesMemoryArgs(argv: readonly string[]): RatesMemoryArgs {
  const values = new Map<string, number>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') {
      json = true;
      continue;
    }
    if (flag !== '--nodes' && flag !== '--seconds' && flag !== '--storm-s' && flag !== '--cycle-s') {
      throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer\n${USAGE}`);
    values.set(flag, value);
  }
  const args = {
    nodes: values.get('--nodes') ?? 10_000,
    seconds: values.get('--seconds') ?? 4_200,
    stormSeconds: values.get('--storm-s') ?? 60,
    cycleSeconds: values.get('--cycle-s') ?? 600,
    json,
  };
  if (args.stormSeconds > args.cycleSeconds) throw new Error(`--storm-s must not exceed --cycle-s\n${USAGE}`);
  return args;
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Agent {
  readonly id: string;
  seq: number;
  attempts: number;
  invalidToken: number;
  nextSecond: number;
}

const NEW_CONNECTIONS_PER_STORM_SECOND = 4;
/** One storm heartbeat in this many also reports a login refused (a failure series per node that had one). */
const FAILURE_EVERY = 200;
const START_SECOND = 1_800_000_000;
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

function snapshotOf(agent: Agent, atMs: number): rates.CounterSnapshot {
  const failures = { invalidToken: agent.invalidToken, notAuthorized: 0, throttled: 0, other: 0 };
  return {
    bootId: 'boot',
    seq: agent.seq,
    sentAtMs: atMs,
    rw: { attempts: agent.attempts, established: agent.attempts - agent.invalidToken, authFailures: failures },
    ro: { attempts: 0, established: 0, authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 } },
  };
}

/** Every series FleetRates created, and the seconds each holds: the dense layout's bytes. */
function denseBytes(fleet: rates.FleetRates): number {
  let slots = 0;
  const add = (series: rates.SecondSeries | undefined) => {
    if (series !== undefined) slots += series.capacitySeconds;
  };
  for (const id of fleet.nodeIds()) {
    const node = fleet.node(id);
    if (node === undefined) continue;
    add(node.kinds.rw.series);
    add(node.kinds.ro.series);
    add(node.throttled);
    if (node.failures !== undefined) for (const series of Object.values(node.failures)) add(series);
  }
  for (const id of fleet.databaseIds()) {
    const database = fleet.database(id);
    add(database?.attempts);
    add(database?.iamAttempts);
    add(database?.throttled);
  }
  return slots * Uint32Array.BYTES_PER_ELEMENT;
}

export async function ratesMemory(argv: readonly string[]): Promise<void> {
  const args = parseRatesMemoryArgs(argv);
  collectGarbage();
  const before = process.memoryUsage();
  const fleet = new rates.FleetRates();
  const agents: Agent[] = [];
  for (let i = 0; i < args.nodes; i++) {
    const id = `node-${i}`;
    fleet.setRoutes(id, { rw: { databaseId: `db-${Math.floor(i / 500)}`, isIam: true }, heartbeatIntervalMs: 10_000 });
    agents.push({ id, seq: 0, attempts: 0, invalidToken: 0, nextSecond: START_SECOND + (i % 10) });
  }
  const stormStartOf = (index: number) => Math.floor((index * args.cycleSeconds) / args.nodes);
  const isStorming = (index: number, second: number) =>
    (second - START_SECOND - stormStartOf(index) + args.cycleSeconds * 1_000) % args.cycleSeconds < args.stormSeconds;

  const startedAt = performance.now();
  let heartbeats = 0;
  for (let second = START_SECOND; second < START_SECOND + args.seconds; second++) {
    for (let i = 0; i < agents.length; i++) {
      const agent = agents[i];
      if (agent === undefined || agent.nextSecond > second) continue;
      const storming = isStorming(i, second);
      if (storming) {
        agent.attempts += NEW_CONNECTIONS_PER_STORM_SECOND;
        if (agent.seq % FAILURE_EVERY === 0) agent.invalidToken += 1;
      }
      agent.seq += 1;
      fleet.ingestHeartbeat(agent.id, snapshotOf(agent, second * 1_000), second * 1_000 + 5);
      heartbeats += 1;
      agent.nextSecond = second + (storming || isStorming(i, second + 1) ? 1 : 10);
    }
  }
  const elapsedMs = performance.now() - startedAt;

  await new Promise((resolve) => setImmediate(resolve)); // let finalizers run before the count
  collectGarbage();
  const after = process.memoryUsage();
  const heldBytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  const dense = denseBytes(fleet);
  const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
  const figures = {
    bench: 'rates-memory',
    nodes: args.nodes,
    fleet_seconds: args.seconds,
    storm_s: args.stormSeconds,
    cycle_s: args.cycleSeconds,
    heartbeats,
    held_mb: mb(heldBytes),
    heap_mb: mb(after.heapUsed - before.heapUsed),
    array_buffers_mb: mb(after.arrayBuffers - before.arrayBuffers),
    held_bytes_per_node: Math.round(heldBytes / args.nodes),
    dense_series_mb: mb(dense),
    ratio_to_dense: round(heldBytes / dense),
    ingest_us_per_heartbeat: round((elapsedMs * 1_000) / heartbeats),
  };
  process.stdout.write(args.json ? `${JSON.stringify(figures)}\n` : `${JSON.stringify(figures, null, 2)}\n`);
}
