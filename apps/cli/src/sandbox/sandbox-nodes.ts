import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, createProbeLogin, kongConfFiles, noCounters, type Applier, type CountersSource } from '@iamroll/agent';
import { createSimulatedApplier, SimulatedNode, type SimEndpoint } from '@iamroll/agent/simulated';
import type { SandboxBreakBody, SandboxNode } from '@iamroll/contracts';
import { createIamTokenProvider, type AwsCredentialIdentity } from '@iamroll/core/token';

// The sandbox's Kong nodes: a mix of roles and kong.conf habits, each with its own directory
// (kong.conf, the agent's state), a SimulatedNode on the wire and its own real Agent.

export type NodeRole = 'traditional' | 'control_plane' | 'data_plane';

export interface NodeProfile {
  readonly role: NodeRole;
  /** What this node's kong.conf demonstrates, for the sandbox page. */
  readonly note: string | null;
  readonly hasReplica: boolean;
  readonly extraLines: readonly string[];
}

/** Twelve profiles, repeated: 8 traditional, 2 control planes, 2 data planes; some with findings. */
export function profileOf(index: number): NodeProfile {
  const plain = { role: 'traditional' as const, note: null, hasReplica: true, extraLines: [] };
  switch (index % 12) {
    case 3:
      return {
        ...plain,
        note: 'pg_ssl_verify = ON: Kong reads an upper-case ON as off',
        extraLines: ['pg_ssl_verify = ON'],
      };
    case 5:
      return {
        ...plain,
        note: 'a client certificate (mTLS), which Kong refuses together with IAM',
        extraLines: ['pg_ssl_cert = /etc/kong/pg-client.crt', 'pg_ssl_cert_key = /etc/kong/pg-client.key'],
      };
    case 6:
      return {
        ...plain,
        note: 'pg_ro_ssl_verify unset: the read-only connection does not inherit pg_ssl_verify',
        extraLines: [],
      };
    case 7:
      return { ...plain, note: 'no read replica (one connection)', hasReplica: false };
    case 8:
    case 9:
      return {
        role: 'control_plane',
        note: null,
        hasReplica: true,
        extraLines: [
          'role = control_plane',
          'cluster_cert = /etc/kong/cluster.crt',
          'cluster_cert_key = /etc/kong/cluster.key',
        ],
      };
    case 10:
    case 11:
      return {
        role: 'data_plane',
        note: 'a data plane: never connects to PostgreSQL',
        hasReplica: false,
        extraLines: [],
      };
    default:
      return plain;
  }
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface ConfInput {
  readonly name: string;
  readonly profile: NodeProfile;
  readonly primary: Endpoint;
  readonly replica: Endpoint;
  readonly password: string;
  readonly caFile: string;
}

/** A kong.conf as an operator writes one: comments, the password user on both connections. */
export function sandboxKongConf({ name, profile, primary, replica, password, caFile }: ConfInput): string {
  if (profile.role === 'data_plane')
    return [
      `# kong.conf of sandbox node ${name} (hybrid mode data plane)`,
      'role = data_plane',
      'database = off',
      'cluster_control_plane = kong-cp.internal:8005',
      'cluster_cert = /etc/kong/cluster.crt',
      'cluster_cert_key = /etc/kong/cluster.key',
      'nginx_worker_processes = 2',
      '',
    ].join('\n');
  const verifyRo = profile.note?.startsWith('pg_ro_ssl_verify') ? [] : ['pg_ro_ssl_verify = on'];
  return [
    `# kong.conf of sandbox node ${name}`,
    '',
    '#------- database (read-write) -------',
    `pg_host = ${primary.host}`,
    `pg_port = ${primary.port}`,
    'pg_user = kong',
    `pg_password = ${password}   # from the vault, 2026-11`,
    'pg_database = kong',
    'pg_ssl = on',
    ...(profile.extraLines.some((line) => line.startsWith('pg_ssl_verify')) ? [] : ['pg_ssl_verify = on']),
    'pg_pool_size = 3',
    'pg_keepalive_timeout = 60000',
    `lua_ssl_trusted_certificate = system,${caFile}`,
    ...(profile.hasReplica
      ? [
          '',
          '#------- database (read-only) -------',
          `pg_ro_host = ${replica.host}`,
          `pg_ro_port = ${replica.port}`,
          'pg_ro_ssl = on',
          ...verifyRo,
          // Idle read-only connections close after 1 s: a node on IAM keeps logging in, as a busy
          // fleet's churn does, so the rate graph moves and a lowered budget throttles at once.
          'pg_ro_keepalive_timeout = 1000',
        ]
      : []),
    '',
    ...profile.extraLines,
    'nginx_worker_processes = 2',
    '',
  ].join('\n');
}

/** A data plane on the wire: no database connection at all, restarts always succeed. */
class DataPlaneNode implements CountersSource {
  failRestarts = 0;
  snapshot() {
    return noCounters.snapshot();
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  restart(): Promise<void> {
    if (this.failRestarts > 0) {
      this.failRestarts -= 1;
      return Promise.reject(new Error('simulated kong restart failed: Error: nginx: [emerg] could not start'));
    }
    return Promise.resolve();
  }
  checkHealth(): Promise<void> {
    return Promise.resolve();
  }
}

type WireNode = SimulatedNode | DataPlaneNode;

export interface SandboxMember {
  readonly name: string;
  readonly profile: NodeProfile;
  readonly node: WireNode;
  agent: Agent | null;
}

export interface SandboxFleetOptions {
  readonly controllerUrl: string;
  readonly enrollmentToken: string;
  readonly dir: string;
  readonly primary: Endpoint & { readonly connectHost: string; readonly caPem: string };
  readonly replica: Endpoint & { readonly connectHost: string; readonly caPem: string };
  readonly caFile: string;
  readonly password: string;
  readonly credentials: AwsCredentialIdentity;
  readonly log: (line: string) => void;
}

export function nodeName(index: number): string {
  return `kong-${String(index + 1).padStart(3, '0')}`;
}

/** The sandbox's fleet: nodes are added one index at a time and keep their directory across starts. */
export class SandboxFleet {
  readonly members: SandboxMember[] = [];
  readonly #endpoints: Map<string, SimEndpoint>;
  readonly #probeLogin: ReturnType<typeof createProbeLogin>;

  constructor(private readonly options: SandboxFleetOptions) {
    this.#endpoints = new Map([
      [options.primary.host, { connectHost: options.primary.connectHost, caPem: options.primary.caPem }],
      [options.replica.host, { connectHost: options.replica.connectHost, caPem: options.replica.caPem }],
    ]);
    this.#probeLogin = createProbeLogin({
      tokenProvider: createIamTokenProvider({ credentials: options.credentials }),
      endpointFor: (host) => this.#endpoints.get(host),
    });
  }

  /** Starts nodes up to `count` (indexes already running are skipped), ten at a time. */
  async grow(count: number): Promise<void> {
    for (let index = this.members.length; index < count; index += 10) {
      const batch = Array.from({ length: Math.min(10, count - index) }, (_, i) => this.#start(index + i));
      this.members.push(...(await Promise.all(batch)));
    }
  }

  find(name: string): SandboxMember | undefined {
    return this.members.find((member) => member.name === name);
  }

  async break(member: SandboxMember, fault: SandboxBreakBody): Promise<void> {
    if (fault.fault === 'restart-fails') member.node.failRestarts += fault.times ?? 1;
    else if (member.agent) {
      const agent = member.agent;
      member.agent = null;
      await agent.stop();
    }
  }

  async repair(member: SandboxMember): Promise<void> {
    member.node.failRestarts = 0;
    if (!member.agent) {
      member.agent = this.#agent(member.name, member.node);
      await member.agent.start();
    }
  }

  view(): SandboxNode[] {
    return this.members.map((member) => ({
      name: member.name,
      role: member.profile.role,
      note: member.profile.note,
      failingRestarts: member.node.failRestarts,
      isAgentRunning: member.agent !== null,
    }));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.members.map((member) => member.agent?.stop() ?? Promise.resolve()));
    await Promise.allSettled(this.members.map((member) => member.node.stop()));
  }

  async #start(index: number): Promise<SandboxMember> {
    const name = nodeName(index);
    const profile = profileOf(index);
    const home = join(this.options.dir, name);
    const confPath = join(home, 'kong.conf');
    await mkdir(home, { recursive: true, mode: 0o700 });
    // Written once: afterwards it is the agent's (and the operator's) file, stage edits included.
    if (!(await exists(confPath))) {
      const { primary, replica, password, caFile } = this.options;
      await writeFile(confPath, sandboxKongConf({ name, profile, primary, replica, password, caFile }), {
        mode: 0o600,
      });
    }
    const node: WireNode =
      profile.role === 'data_plane'
        ? new DataPlaneNode()
        : new SimulatedNode({ name, confPath, endpoints: this.#endpoints, credentials: this.options.credentials });
    await node.start();
    const member: SandboxMember = { name, profile, node, agent: this.#agent(name, node) };
    await member.agent!.start();
    return member;
  }

  #agent(name: string, node: WireNode): Agent {
    const home = join(this.options.dir, name);
    const applier: Applier = node instanceof SimulatedNode ? createSimulatedApplier(node) : node;
    return new Agent({
      controllerUrl: this.options.controllerUrl,
      stateDir: join(home, 'state'),
      files: kongConfFiles(join(home, 'kong.conf')),
      applier,
      counters: node,
      enrollmentToken: () => Promise.resolve(this.options.enrollmentToken),
      hostname: name,
      kongVersion: '3.9.1.0-sandbox',
      labels: { sandbox: 'true', role: profileOf(Number(name.slice(5)) - 1).role },
      probeLogin: this.#probeLogin,
      preflight: {
        processEnv: {},
        credentials: { identity: this.options.credentials, description: "the sandbox's simulated AWS key" },
        endpointFor: (host) => this.#endpoints.get(host),
      },
      log: (line) => this.options.log(`${name}: ${line}`),
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
