import { createHash, randomBytes } from 'node:crypto';
import type { PreparedRequest } from './http';

export type KongRole = 'traditional' | 'control_plane' | 'data_plane';

/** Where a node's connections point (a database registered in the API, or a stand-in). */
export interface DatabaseTarget {
  readonly host: string;
  readonly readerHost: string;
  readonly port: number;
  readonly region: string;
}

/** What a heartbeat's counters do: `flat` today's steady pool; `storm` reconnecting (1–3 new logins a second); `idle` nothing new. */
export type AgentActivity = 'flat' | 'storm' | 'idle';

export interface AgentOptions {
  /** The interval the body announces: 1000 (flat), the keep-alive (10,000) under the fleet profile. */
  readonly intervalMs?: number;
  /** Connections authenticate with IAM (the probe: counts against the database's budget). */
  readonly isIam?: boolean;
  /** Instead of `kong-bench-<index>` (the probe's own name). */
  readonly hostname?: string;
}

export interface Enrolled {
  readonly nodeId: string;
  readonly credential: string;
}

/** Everything that makes an enrolled agent, so the load generator's process can rebuild it (generator.ts). */
export interface AgentSpec {
  readonly index: number;
  readonly database: DatabaseTarget;
  readonly options: AgentOptions;
  readonly enrolled: Enrolled;
  readonly bootId: string;
  readonly seq: number;
  readonly counters: { readonly rw: ConnectionCounters; readonly ro: ConnectionCounters | null };
}

interface ConnectionCounters {
  attempts: number;
  established: number;
  invalidToken: number;
  notAuthorized: number;
  throttled: number;
  other: number;
}

const AGENT_VERSION = '0.1.0';
const KONG_VERSION = '3.9.1.0';
/** Chance that a second which opened connections saw one fail to authenticate (~0.5 % of heartbeats). */
const AUTH_FAILURE_PROBABILITY_WHEN_OPENING = 0.025;

const newCounters = (): ConnectionCounters => ({
  attempts: 0,
  established: 0,
  invalidToken: 0,
  notAuthorized: 0,
  throttled: 0,
  other: 0,
});

/** Kong's pools are mostly steady: most seconds open nothing, some open a few connections. */
function advance(counters: ConnectionCounters): boolean {
  const roll = Math.random();
  const opened = roll < 0.8 ? 0 : roll < 0.95 ? 1 : 1 + Math.floor(Math.random() * 4);
  counters.attempts += opened;
  if (opened > 0 && Math.random() < AUTH_FAILURE_PROBABILITY_WHEN_OPENING) {
    const kind = Math.random();
    if (kind < 0.5) counters.throttled += 1;
    else if (kind < 0.75) counters.invalidToken += 1;
    else if (kind < 0.9) counters.notAuthorized += 1;
    else counters.other += 1;
    counters.established += opened - 1;
    return true;
  }
  counters.established += opened;
  return false;
}

const countersJson = (c: ConnectionCounters): string =>
  `{"attempts":${c.attempts},"established":${c.established},"authFailures":{"invalidToken":${c.invalidToken},"notAuthorized":${c.notAuthorized},"throttled":${c.throttled},"other":${c.other}}}`;

/**
 * One simulated Kong node's agent: a stable identity and config, counters that
 * only grow, seq +1 per heartbeat. Everything that does not change between
 * heartbeats is serialised once; a heartbeat splices in seq, time, status and
 * counters.
 */
export class SimulatedAgent {
  readonly hostname: string;
  readonly role: KongRole;
  private bootId = randomBytes(12).toString('hex');
  private seq = 0;
  private enrollment: Enrolled | undefined;
  private readonly rw = newCounters();
  private readonly ro: ConnectionCounters | null;
  private middleJson: string;
  /** The interval its heartbeats announce (the body's `intervalMs`). */
  announcedIntervalMs: number;
  private readonly tailJson: string;
  private path = '';
  private headers: Record<string, string> = {};
  isInFlight = false;

  constructor(
    private readonly index: number,
    private readonly database: DatabaseTarget,
    private readonly options: AgentOptions = {},
  ) {
    this.hostname = options.hostname ?? `kong-bench-${String(index).padStart(5, '0')}`;
    this.role = index % 10 === 0 ? 'control_plane' : 'traditional';
    const hasReplica = index % 3 === 0;
    this.ro = hasReplica ? newCounters() : null;
    const endpoint = (host: string) => ({
      host,
      port: database.port,
      database: 'kong',
      user: 'kong',
      iam: options.isIam ?? false,
      ssl: true,
      sslVerify: true,
      region: database.region,
    });
    const body = {
      workers: 4,
      poolSize: 30,
      stage: 'password',
      rw: endpoint(database.host),
      ro: hasReplica ? endpoint(database.readerHost) : null,
    };
    const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    this.announcedIntervalMs = options.intervalMs ?? 1000;
    this.middleJson = this.#middleJson();
    this.tailJson = `,"config":${JSON.stringify({ hash, ...body })},"findings":[]}`;
  }

  #middleJson(): string {
    return `,"intervalMs":${this.announcedIntervalMs},"agentVersion":"${AGENT_VERSION}","kongVersion":"${KONG_VERSION}","role":"${this.role}"`;
  }

  /**
   * The reply asked for `intervalMs`: as the real agent does (apps/agent's \`#beatNow\`), the next
   * heartbeat still comes within the interval announced so far (so the controller never calls it
   * stale against the shorter one) and announces the new one. Returns when that next heartbeat is due (ms).
   */
  follow(intervalMs: number): number {
    const nextMs = Math.min(this.announcedIntervalMs, intervalMs);
    if (intervalMs !== this.announcedIntervalMs) {
      this.announcedIntervalMs = intervalMs;
      this.middleJson = this.#middleJson();
    }
    return nextMs;
  }

  enrollBody(): { hostname: string; kongVersion: string; role: KongRole; agentVersion: string } {
    return { hostname: this.hostname, kongVersion: KONG_VERSION, role: this.role, agentVersion: AGENT_VERSION };
  }

  /** The same agent in another process: same identity, boot and seq (it carries on where this one is). */
  static fromSpec(spec: AgentSpec): SimulatedAgent {
    const agent = new SimulatedAgent(spec.index, spec.database, spec.options);
    agent.bootId = spec.bootId;
    agent.seq = spec.seq;
    Object.assign(agent.rw, spec.counters.rw);
    if (agent.ro && spec.counters.ro) Object.assign(agent.ro, spec.counters.ro);
    agent.enrolled(spec.enrolled);
    return agent;
  }

  spec(): AgentSpec {
    if (!this.enrollment) throw new Error(`${this.hostname} is not enrolled`);
    return {
      index: this.index,
      database: this.database,
      options: this.options,
      enrolled: this.enrollment,
      bootId: this.bootId,
      seq: this.seq,
      counters: { rw: { ...this.rw }, ro: this.ro ? { ...this.ro } : null },
    };
  }

  enrolled({ nodeId, credential }: Enrolled): void {
    this.enrollment = { nodeId, credential };
    this.path = `/api/v1/nodes/${nodeId}/heartbeat`;
    this.headers = { authorization: `Bearer ${credential}`, 'content-type': 'application/json' };
  }

  get isEnrolled(): boolean {
    return this.path !== '';
  }

  /** `n` new read-write connections at once, all established (the probe's logins). */
  login(n: number): void {
    this.rw.attempts += n;
    this.rw.established += n;
  }

  /**
   * The next heartbeat (advances counters as `activity` says, and seq). A storming agent
   * checks its counters every second and reports at once when they moved, so its heartbeat
   * says they moved within the last second (`countersSince`); `countersSinceMs` sets it.
   */
  nextHeartbeat(activity: AgentActivity = 'flat', countersSinceMs?: number): PreparedRequest {
    const nowMs = Date.now();
    let hasFailed = false;
    let hasReadFailed = false;
    if (activity === 'flat') {
      hasFailed = advance(this.rw);
      hasReadFailed = this.ro ? advance(this.ro) : false;
    } else if (activity === 'storm') {
      const opened = 1 + Math.floor(Math.random() * 3);
      this.rw.attempts += opened;
      this.rw.established += opened;
    }
    const status = hasFailed || hasReadFailed ? 'degraded' : 'ok';
    const counters = `{"rw":${countersJson(this.rw)},"ro":${this.ro ? countersJson(this.ro) : 'null'}}`;
    const sinceMs = countersSinceMs ?? (activity === 'storm' ? nowMs - 1000 : undefined);
    const since = sinceMs === undefined ? '' : `,"countersSince":"${new Date(sinceMs).toISOString()}"`;
    const body = `{"bootId":"${this.bootId}","seq":${this.seq},"sentAt":"${new Date(nowMs).toISOString()}"${since}${this.middleJson},"status":"${status}","counters":${counters}${this.tailJson}`;
    this.seq += 1;
    return { path: this.path, headers: this.headers, body };
  }
}
