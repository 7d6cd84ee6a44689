// Child process: one simulated RDS instance (answer mode) apart from the fleet, so the nodes'
// event loop and the simulator's do not starve each other. The primary owns the embedded
// PostgreSQL; the replica is given the primary's upstream and access keys (one AWS account).
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import type { SimChildInit, SimFromChild, SimToChild } from './remote-sims';

function send(message: SimFromChild): void {
  process.send?.(message);
}

let sim: RdsSim | undefined;
let isClosing = false;
const close = (): void => {
  if (isClosing) return;
  isClosing = true;
  void (sim?.close() ?? Promise.resolve()).finally(() => process.exit(0));
};

process.on('message', (message: SimToChild | SimChildInit) => {
  if (message.kind === 'init') {
    void startRdsSim({
      iamUsers: ['kong_iam'],
      passwordUsers: [{ user: message.passwordUser, password: message.password }],
      sessionMode: 'answer',
      endpointHost: message.endpointHost,
      authRatePerSecond: message.budget,
      ...(message.shared ? { upstream: message.shared.upstream, credentials: message.shared.credentials } : {}),
    }).then(
      (started) => {
        sim = started;
        send({
          kind: 'ready',
          info: {
            host: started.host,
            endpointHost: started.endpointHost,
            endpointPort: started.endpointPort,
            region: started.region,
            caPem: started.caPem,
            credentials: started.credentials.map((c) => ({ ...c })),
            upstream: { ...started.upstream },
          },
        });
      },
      (error: unknown) => {
        process.stderr.write(`simulator: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  } else if (message.kind === 'counters' && sim) {
    send({ kind: 'counters', id: message.id, counters: sim.counters() });
  } else if (message.kind === 'budget' && sim) {
    sim.setAuthRatePerSecond(message.perSecond);
  } else if (message.kind === 'close') {
    close();
  }
});
process.on('disconnect', close);
process.on('SIGTERM', close);
