import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createIamTokenProvider, type AwsCredentialIdentity } from '@iamroll/core/token';
import { Agent } from '../agent';
import { kongConfFiles } from '../appliers/node-files';
import { createProbeLogin } from '../health/probe-login';
import type { SimEndpoint } from './kong-worker';
import { createSimulatedApplier } from './simulated-applier';
import { simulatedKongConf } from './simulated-kong-conf';
import { SimulatedNode } from './simulated-node';

/** What a fleet needs to know about one simulated RDS instance (an `RdsSim` fits). */
export interface SimInstance {
  readonly host: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly caPem: string;
  readonly credentials: readonly AwsCredentialIdentity[];
}

export interface SimulatedFleetOptions {
  readonly controllerUrl: string;
  readonly enrollmentToken: string;
  /** Each node gets `<dir>/<name>/kong.conf` and `<dir>/<name>/state`. */
  readonly dir: string;
  readonly primary: SimInstance;
  readonly replica?: SimInstance;
  readonly nodes: number;
  readonly workers: number;
  readonly poolSize: number;
  readonly password: string;
  readonly user?: string;
  readonly database?: string;
  readonly namePrefix?: string;
  readonly intervalMs?: number;
  readonly queryIntervalMs?: number;
  readonly retryFailedAfterMs?: number;
  readonly log?: (line: string) => void;
}

export interface FleetMember {
  readonly name: string;
  readonly confPath: string;
  readonly stateDir: string;
  readonly node: SimulatedNode;
  agent: Agent;
  /** The agent again on the same state directory (a new agent process after a crash). */
  restartAgent(extra?: Partial<ConstructorParameters<typeof Agent>[0]>): Promise<Agent>;
}

export interface SimulatedFleet {
  readonly members: readonly FleetMember[];
  stop(): Promise<void>;
}

/** N simulated Kong nodes, each with its own kong.conf, driven by its own real Agent. */
export async function startSimulatedFleet(options: SimulatedFleetOptions): Promise<SimulatedFleet> {
  const endpoints = new Map<string, SimEndpoint>();
  for (const sim of [options.primary, options.replica]) {
    if (sim) endpoints.set(sim.endpointHost, { connectHost: sim.host, caPem: sim.caPem });
  }
  const credentials = options.primary.credentials[0];
  if (!credentials) throw new Error('the simulator has no access key');
  const probeLogin = createProbeLogin({
    tokenProvider: createIamTokenProvider({ credentials }),
    endpointFor: (host) => endpoints.get(host),
  });
  const members: FleetMember[] = [];
  const start = async (index: number): Promise<FleetMember> => {
    const name = `${options.namePrefix ?? 'kong-sim'}-${String(index + 1).padStart(3, '0')}`;
    const home = join(options.dir, name);
    await mkdir(home, { recursive: true });
    const confPath = join(home, 'kong.conf');
    const stateDir = join(home, 'state');
    await writeFile(
      confPath,
      simulatedKongConf({
        name,
        rw: { host: options.primary.endpointHost, port: options.primary.endpointPort },
        ...(options.replica ? { ro: { host: options.replica.endpointHost, port: options.replica.endpointPort } } : {}),
        user: options.user ?? 'kong',
        password: options.password,
        database: options.database ?? 'kong',
        workers: options.workers,
        poolSize: options.poolSize,
      }),
      { mode: 0o600 },
    );
    const node = new SimulatedNode({
      name,
      confPath,
      endpoints,
      credentials,
      ...(options.queryIntervalMs ? { queryIntervalMs: options.queryIntervalMs } : {}),
    });
    await node.start();
    const makeAgent = (extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}): Agent =>
      new Agent({
        controllerUrl: options.controllerUrl,
        stateDir,
        files: kongConfFiles(confPath),
        applier: createSimulatedApplier(node),
        counters: node,
        enrollmentToken: () => Promise.resolve(options.enrollmentToken),
        hostname: name,
        kongVersion: '3.9.1.0-simulated',
        labels: { simulated: 'true' },
        probeLogin,
        preflight: {
          processEnv: {},
          credentials: { identity: credentials, description: "the simulator's access key" },
          endpointFor: (host) => endpoints.get(host),
        },
        ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
        ...(options.retryFailedAfterMs !== undefined ? { retryFailedAfterMs: options.retryFailedAfterMs } : {}),
        log: (line) => options.log?.(`${name}: ${line}`),
        ...extra,
      });
    const member: FleetMember = {
      name,
      confPath,
      stateDir,
      node,
      agent: makeAgent(),
      async restartAgent(extra) {
        await member.agent.stop();
        member.agent = makeAgent(extra);
        await member.agent.start();
        return member.agent;
      },
    };
    await member.agent.start();
    return member;
  };
  try {
    // Enroll a few at a time: each enrollment is a write transaction on the controller.
    for (let index = 0; index < options.nodes; index += 10) {
      const batch = Array.from({ length: Math.min(10, options.nodes - index) }, (_, i) => start(index + i));
      members.push(...(await Promise.all(batch)));
    }
  } catch (error) {
    await Promise.allSettled(members.map((m) => m.agent.stop().then(() => m.node.stop())));
    throw error;
  }
  return {
    members,
    async stop() {
      await Promise.allSettled(members.map((m) => m.agent.stop()));
      await Promise.allSettled(members.map((m) => m.node.stop()));
    },
  };
}
