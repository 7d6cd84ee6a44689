// Child process: runs the RDS simulator (and its embedded PostgreSQL) apart from
// the clients, so the storm's client side and server side do not share one
// event loop — as a fleet and an RDS instance would not.
import { startRdsSim } from '@iamroll/rds-sim';
import type { SimInfo, ToChild, ToParent } from './remote-sim';

function send(message: ToParent): void {
  process.send?.(message);
}

const budget = Number(process.argv[2]);
const sim = await startRdsSim({ authRatePerSecond: budget });
const info: SimInfo = {
  host: sim.host,
  port: sim.port,
  endpointHost: sim.endpointHost,
  region: sim.region,
  caPem: sim.caPem,
  iamUser: sim.iamUser,
  database: sim.database,
  credentials: sim.credentials.map((c) => ({ ...c })),
};
send({ kind: 'ready', info });

process.on('message', (message: ToChild) => {
  if (message.kind === 'throttled') {
    send({ kind: 'throttled', id: message.id, value: sim.counters().totals.IamDbAuthConnectionFailureThrottling });
  } else if (message.kind === 'close') {
    void sim.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  void sim.close().then(() => process.exit(0));
});
