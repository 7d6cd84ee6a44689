// How many simulated Kong nodes fit: N nodes × W workers × pool P, read-write on one simulated
// instance and read-only on another (answer mode), steady traffic; prints one JSON line.
//   node --import tsx apps/agent/src/simulated/measure-fleet.ts [nodes=100] [workers=4] [pool=5] [seconds=20] [mode=answer]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRdsSim } from '@iamroll/rds-sim';
import { SimulatedNode, simulatedKongConf, type SimEndpoint } from './index';

const [nodes = 100, workers = 4, pool = 5, seconds = 20] = process.argv.slice(2, 6).map(Number);
const mode = process.argv[6] === 'relay' ? 'relay' : 'answer';
const password = 'measure-Password-1';
const users = { iamUsers: ['kong_iam'], passwordUsers: [{ user: 'kong', password }], sessionMode: mode } as const;
const primary = await startRdsSim({ ...users, authRatePerSecond: 200 });
const replica = await startRdsSim({ ...users, upstream: primary.upstream, credentials: primary.credentials });
const dir = await mkdtemp(join(tmpdir(), 'iamroll-measure-'));
const endpoints = new Map<string, SimEndpoint>([
  [primary.endpointHost, { connectHost: primary.host, caPem: primary.caPem }],
  [replica.endpointHost, { connectHost: replica.host, caPem: replica.caPem }],
]);
const fleet: SimulatedNode[] = [];
const startedAt = Date.now();
for (let i = 0; i < nodes; i++) {
  const name = `m-${i}`;
  const confPath = join(dir, `${name}.conf`);
  await writeFile(
    confPath,
    simulatedKongConf({
      name,
      rw: { host: primary.endpointHost, port: primary.endpointPort },
      ro: { host: replica.endpointHost, port: replica.endpointPort },
      user: 'kong',
      password,
      database: 'kong',
      workers,
      poolSize: pool,
      keepaliveTimeoutMs: 600_000,
    }),
  );
  const node = new SimulatedNode({
    name,
    confPath,
    endpoints,
    credentials: primary.credentials[0]!,
    queryIntervalMs: 1_000,
  });
  await node.start();
  fleet.push(node);
}
const startSeconds = (Date.now() - startedAt) / 1000;
const queriesBefore = fleet.reduce((sum, n) => sum + n.queries, 0);
const cpuBefore = process.cpuUsage();
const wallBefore = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const cpu = process.cpuUsage(cpuBefore);
const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
const connections = fleet.reduce((sum, n) => sum + n.openConnections, 0);
const result = {
  nodes,
  workers,
  pool,
  mode,
  client_connections: connections,
  sim_connections: primary.counters().totals.DatabaseConnections + replica.counters().totals.DatabaseConnections,
  start_s: Number(startSeconds.toFixed(1)),
  queries_per_s: Math.round((fleet.reduce((sum, n) => sum + n.queries, 0) - queriesBefore) / (wallMs / 1000)),
  failed_queries: fleet.reduce((sum, n) => sum + n.failedQueries, 0),
  cpu_cores_used: Number(((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2)),
  rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
  heap_mib: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
};
await Promise.all(fleet.map((n) => n.stop()));
await replica.close();
await primary.close();
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
process.exit(0);
