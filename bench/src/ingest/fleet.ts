import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'undici';
import { postJson, type SetupError } from './http';
import { SimulatedAgent, type AgentOptions, type DatabaseTarget, type Enrolled } from './simulated-agent';

/** Enrollments in flight at once: a rolling batch, so setup stays short without being a load test of its own. */
const ENROLL_CONCURRENCY = 32;
/** Tries per enrollment while the API answers 503 (busy). */
const ENROLL_ATTEMPTS = 5;

export interface BenchDatabase extends DatabaseTarget {
  readonly identifier: string;
  /** IAM logins per second the API holds it to (the registered budget). */
  readonly budgetPerSecond: number;
}

/** The API writes reports once a second, in batches: give the first ones time to land before measuring. */
const FIRST_REPORTS_SETTLE_MS = 3_000;

/** Nodes per bench database: a storm of 10 % of them stays well under a 200/s budget. */
export const NODES_PER_DATABASE = 500;

/** The RDS instances the fleet's configs point at (registered in the API when it can): one per 500 nodes, at least two. */
export function benchDatabases(nodes: number): BenchDatabase[] {
  const count = Math.max(2, Math.ceil(nodes / NODES_PER_DATABASE));
  return Array.from({ length: count }, (_, i) => {
    const region = i % 2 === 0 ? 'us-east-1' : 'eu-west-1';
    const name = `kong-${String(i).padStart(3, '0')}`;
    return {
      identifier: name,
      host: `${name}.cluster-c1bench.${region}.rds.amazonaws.com`,
      readerHost: `${name}.cluster-ro-c1bench.${region}.rds.amazonaws.com`,
      port: 5432,
      region,
      budgetPerSecond: 200,
    };
  });
}

/** The probe's own database: only the probe's IAM logins count against it, so its series and alarms are the probe's. */
export const PROBE_DATABASE: BenchDatabase = {
  identifier: 'kong-probe',
  host: 'kong-probe.cluster-c1bench.us-east-1.rds.amazonaws.com',
  readerHost: 'kong-probe.cluster-ro-c1bench.us-east-1.rds.amazonaws.com',
  port: 5432,
  region: 'us-east-1',
  budgetPerSecond: 200,
};

/** A growing fleet: `grow(n)` creates and enrolls agents until there are n (find-max reuses earlier ones). */
export class Fleet {
  readonly agents: SimulatedAgent[] = [];
  #introduced = 0;

  constructor(
    private readonly pool: Pool,
    private readonly enrollmentToken: string,
    private readonly databases: readonly DatabaseTarget[],
    private readonly agentOptions: AgentOptions = {},
  ) {}

  async grow(size: number): Promise<void> {
    const start = this.agents.length;
    for (let i = start; i < size; i += 1)
      this.agents.push(
        new SimulatedAgent(i, this.databases[i % this.databases.length] as DatabaseTarget, this.agentOptions),
      );
    let next = start;
    const worker = async () => {
      while (next < size) {
        const agent = this.agents[next] as SimulatedAgent;
        next += 1;
        agent.enrolled(await this.#enroll(agent));
      }
    };
    await Promise.all(Array.from({ length: ENROLL_CONCURRENCY }, () => worker()));
  }

  /** As an agent does: a busy controller (503) is asked again after its Retry-After, a few times. */
  async #enroll(agent: SimulatedAgent): Promise<Enrolled> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { body } = await postJson<Enrolled>(this.pool, '/api/v1/agents/enroll', agent.enrollBody(), {
          authorization: `Bearer ${this.enrollmentToken}`,
        });
        return body;
      } catch (error) {
        const { statusCode, retryAfterSeconds } = error as SetupError;
        if (statusCode !== 503 || attempt >= ENROLL_ATTEMPTS) throw error;
        await delay((retryAfterSeconds ?? 1) * 1000);
      }
    }
  }

  /**
   * Setup, not measured: each agent not yet heard sends its first heartbeat. A node's first
   * report is written once (audited, announced: from nothing to its config), which a fleet
   * does once when it enrolls, not every second; without this it would land in the measured
   * window. Then waits for the API's next batch write (about a second) to take them.
   */
  async introduce(pools: readonly Pool[]): Promise<void> {
    const start = this.#introduced;
    const end = this.agents.length;
    if (start === end) return;
    let next = start;
    const worker = async () => {
      while (next < end) {
        const index = next;
        next += 1;
        const agent = this.agents[index] as SimulatedAgent;
        // To the process it will talk to in the run (agent i → process i mod K), which then knows its credential.
        const pool = pools[index % pools.length] ?? this.pool;
        const request = agent.nextHeartbeat('idle');
        const response = await pool.request({ method: 'POST', ...request });
        await response.body.dump();
        if (response.statusCode < 200 || response.statusCode >= 300)
          throw new Error(`${agent.hostname}'s first heartbeat answered ${response.statusCode}`);
      }
    };
    await Promise.all(Array.from({ length: ENROLL_CONCURRENCY }, () => worker()));
    this.#introduced = end;
    await new Promise((resolve) => setTimeout(resolve, FIRST_REPORTS_SETTLE_MS));
  }
}

interface LoginResponse {
  readonly csrfToken: string | null;
}

export interface AdminSession {
  readonly headers: Record<string, string>;
}

/** Signs in as the first admin: the cookie and CSRF headers of its session. */
export async function signIn(pool: Pool, adminPassword: string): Promise<AdminSession> {
  const login = await postJson<LoginResponse>(pool, '/api/v1/auth/login', {
    username: 'admin',
    password: adminPassword,
  });
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c.includes('='))
    .join('; ');
  return { headers: { cookie, 'x-csrf-token': login.body.csrfToken ?? '' } };
}

/**
 * Registers the bench databases. Returns the ids of those registered: empty when
 * the API has no databases endpoint yet (the configs then point at the same
 * hosts, unregistered).
 */
export async function registerDatabases(
  pool: Pool,
  session: AdminSession,
  databases: readonly BenchDatabase[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const { identifier, host, port, region, budgetPerSecond } of databases) {
    try {
      const { body } = await postJson<{ id: string }>(
        pool,
        '/api/v1/databases',
        { identifier, host, port, region, budgetPerSecond },
        session.headers,
      );
      ids.set(identifier, body.id);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return ids;
      throw error;
    }
  }
  return ids;
}
